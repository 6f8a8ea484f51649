package io.streambus.jms;

import jakarta.jms.InvalidDestinationException;
import jakarta.jms.Topic;

/** A topic: a StreamBus topic that every subscription reads in full. Immutable, thread-safe. */
public class StreamBusTopic extends StreamBusDestination implements Topic {
    private static final long serialVersionUID = 1L;

    StreamBusTopic(String name) {
        super(name);
    }

    /**
     * @throws InvalidDestinationException when the name is not a valid StreamBus topic name
     */
    public static StreamBusTopic of(String name) throws InvalidDestinationException {
        return new StreamBusTopic(validName(name));
    }

    @Override
    public String getTopicName() {
        return getName();
    }

    @Override
    public Kind kind() {
        return Kind.TOPIC;
    }
}
