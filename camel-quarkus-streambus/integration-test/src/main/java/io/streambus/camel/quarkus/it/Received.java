package io.streambus.camel.quarkus.it;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** The bodies the route consumed, in order. Thread-safe. */
@ApplicationScoped
public class Received {

    private final BlockingQueue<String> bodies = new LinkedBlockingQueue<>();

    /** Called by the route. */
    public void add(String body) {
        bodies.add(body);
    }

    /** The consumed bodies. */
    public BlockingQueue<String> bodies() {
        return bodies;
    }
}
