package io.streambus.client.producer;

import io.streambus.client.BrokerErrorException;

/**
 * The broker does not know the producer id (code 49, spec B.12.5): it expired. The idempotent producer takes a new id and resends; a transactional producer must abort. Thread-safe (immutable).
 */
public class UnknownProducerIdException extends BrokerErrorException {
    private static final long serialVersionUID = 1L;

    /** The broker's error {@code code} with its message, in {@code context}. */
    public UnknownProducerIdException(int code, String brokerMessage, String context) {
        super(code, brokerMessage, context);
    }
}
