package io.streambus.client.producer;

import io.streambus.client.BrokerErrorException;

/**
 * The transaction id is not (or no longer) mapped to the producer id (code 32, spec B.7.1): it expired or was forgotten. Fatal for the producer; a new one calls {@code initTransactions}. Thread-safe (immutable).
 */
public class InvalidPidMappingException extends BrokerErrorException {
    private static final long serialVersionUID = 1L;

    /** The broker's error {@code code} with its message, in {@code context}. */
    public InvalidPidMappingException(int code, String brokerMessage, String context) {
        super(code, brokerMessage, context);
    }
}
