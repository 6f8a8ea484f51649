package io.streambus.jms.ra;

import jakarta.jms.Queue;

/**
 * The administered {@link Queue} of the resource adapter ({@code adminobject-class} for {@code jakarta.jms.Queue}): its
 * {@code Name} property is the StreamBus topic. Sessions of the StreamBus provider accept it as their own destination
 * (by its name), so it works with the adapter's connection factories and as an activation's
 * {@code destinationLookup}. Configure it before use; afterwards it is read-only in practice and thread-safe.
 */
public class StreamBusRaQueue extends StreamBusRaDestination implements Queue {
    private static final long serialVersionUID = 1L;

    /** A Queue without a name; the server sets {@code Name}. */
    public StreamBusRaQueue() {
    }

    /** A Queue named {@code name}. */
    public StreamBusRaQueue(String name) {
        super(name);
    }

    @Override
    public String getQueueName() {
        return getName();
    }

    @Override
    String scheme() {
        return "queue://";
    }
}
