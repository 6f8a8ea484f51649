package io.streambus.client.producer;

import io.streambus.client.BrokerErrorException;

/**
 * The broker aborted the transaction (its timeout expired, or it restarted): code 38 (spec B.7.1). Abortable: call {@code abortTransaction}, then start a new transaction. Thread-safe (immutable).
 */
public class TransactionAbortedException extends BrokerErrorException {
    private static final long serialVersionUID = 1L;

    /** The broker's error {@code code} with its message, in {@code context}. */
    public TransactionAbortedException(int code, String brokerMessage, String context) {
        super(code, brokerMessage, context);
    }
}
