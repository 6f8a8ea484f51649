package io.streambus.client.itest;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.client.StreamBusClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/** Embedded brokers and clients for the tests, all on 127.0.0.1. Thread-safe (stateless). */
public final class Brokers {
    private Brokers() {
    }

    static EmbeddedBroker start(Path dataDir) {
        return start(EmbeddedBroker.builder().port(0).dataDir(dataDir));
    }

    static EmbeddedBroker startCoreOnly(Path dataDir) {
        return start(EmbeddedBroker.builder().port(0).dataDir(dataDir).coreOnly(true));
    }

    static EmbeddedBroker start(EmbeddedBroker.Builder builder) {
        EmbeddedBroker b = builder.build();
        try {
            b.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b;
    }

    static void restart(EmbeddedBroker b) {
        try {
            b.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client with short timeouts so that failure paths stay fast. */
    public static StreamBusClient client(String bootstrap, Map<String, ?> extra) {
        return StreamBusClient.builder().bootstrap(bootstrap)
                .property("request.timeout.ms", 5000)
                .property("connect.timeout.ms", 3000)
                .property("api.timeout.ms", 10000)
                .property("retry.backoff.ms", 20)
                .property("retry.backoff.max.ms", 200)
                .property("reconnect.backoff.ms", 20)
                .property("reconnect.backoff.max.ms", 200)
                .properties(extra)
                .build();
    }

    static StreamBusClient client(EmbeddedBroker b) {
        return client(b.address(), Map.of());
    }
}
