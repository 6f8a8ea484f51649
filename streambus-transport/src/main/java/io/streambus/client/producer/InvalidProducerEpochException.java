package io.streambus.client.producer;

import io.streambus.client.BrokerErrorException;

/**
 * The broker knows a newer epoch than the producer sent (code 30, spec B.7.1, B.12.6). Fatal for the producer. Thread-safe (immutable).
 */
public class InvalidProducerEpochException extends BrokerErrorException {
    private static final long serialVersionUID = 1L;

    /** The broker's error {@code code} with its message, in {@code context}. */
    public InvalidProducerEpochException(int code, String brokerMessage, String context) {
        super(code, brokerMessage, context);
    }
}
