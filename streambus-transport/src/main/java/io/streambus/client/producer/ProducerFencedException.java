package io.streambus.client.producer;

import io.streambus.client.BrokerErrorException;

/**
 * A newer producer with the same transaction id (or a decision on its XA branch) fenced this one: broker code 35 ProducerFenced (spec B.7.1). Fatal: the producer must be closed; a new one calls {@code initTransactions}. Thread-safe (immutable).
 */
public class ProducerFencedException extends BrokerErrorException {
    private static final long serialVersionUID = 1L;

    /** The broker's error {@code code} with its message, in {@code context}. */
    public ProducerFencedException(int code, String brokerMessage, String context) {
        super(code, brokerMessage, context);
    }
}
