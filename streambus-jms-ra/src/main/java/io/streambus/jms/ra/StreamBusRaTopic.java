package io.streambus.jms.ra;

import jakarta.jms.Topic;

/**
 * The administered {@link Topic} of the resource adapter ({@code adminobject-class} for {@code jakarta.jms.Topic}): its
 * {@code Name} property is the StreamBus topic. Sessions of the StreamBus provider accept it as their own destination
 * (by its name), so it works with the adapter's connection factories and as an activation's
 * {@code destinationLookup}. Configure it before use; afterwards it is read-only in practice and thread-safe.
 */
public class StreamBusRaTopic extends StreamBusRaDestination implements Topic {
    private static final long serialVersionUID = 1L;

    /** A Topic without a name; the server sets {@code Name}. */
    public StreamBusRaTopic() {
    }

    /** A Topic named {@code name}. */
    public StreamBusRaTopic(String name) {
        super(name);
    }

    @Override
    public String getTopicName() {
        return getName();
    }

    @Override
    String scheme() {
        return "topic://";
    }
}
