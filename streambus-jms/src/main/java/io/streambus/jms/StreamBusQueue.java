package io.streambus.jms;

import jakarta.jms.InvalidDestinationException;
import jakarta.jms.Queue;

/**
 * A queue: a StreamBus topic consumed by one consumer group per queue, so that each message goes to one consumer.
 * Immutable, thread-safe.
 */
public class StreamBusQueue extends StreamBusDestination implements Queue {
    private static final long serialVersionUID = 1L;

    StreamBusQueue(String name) {
        super(name);
    }

    /**
     * @throws InvalidDestinationException when the name is not a valid StreamBus topic name
     */
    public static StreamBusQueue of(String name) throws InvalidDestinationException {
        return new StreamBusQueue(validName(name));
    }

    @Override
    public String getQueueName() {
        return getName();
    }

    @Override
    public Kind kind() {
        return Kind.QUEUE;
    }
}
