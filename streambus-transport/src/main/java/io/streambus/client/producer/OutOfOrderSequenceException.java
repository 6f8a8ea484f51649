package io.streambus.client.producer;

import io.streambus.client.BrokerErrorException;

/**
 * The broker lost batches the producer saw acknowledged (code 47 with no earlier batch unresolved, spec B.12.6): the batch was not stored. The idempotent producer takes a new producer id and goes on; a transactional one must abort. Thread-safe (immutable).
 */
public class OutOfOrderSequenceException extends BrokerErrorException {
    private static final long serialVersionUID = 1L;

    /** The broker's error {@code code} with its message, in {@code context}. */
    public OutOfOrderSequenceException(int code, String brokerMessage, String context) {
        super(code, brokerMessage, context);
    }
}
