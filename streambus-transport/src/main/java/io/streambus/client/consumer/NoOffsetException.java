package io.streambus.client.consumer;

import io.streambus.client.StreamBusException;
import io.streambus.common.TopicPartition;

/** A partition has no position and {@code auto.offset.reset} is {@code none}. */
public class NoOffsetException extends StreamBusException {
    private static final long serialVersionUID = 1L;

    public NoOffsetException(TopicPartition partition) {
        super("no position and no committed offset for " + partition + " and auto.offset.reset=none");
    }
}
