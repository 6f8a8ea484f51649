package io.streambus.client.producer;

import io.streambus.client.BrokerErrorException;

/**
 * The transaction is not in a state that allows the request (code 31, spec B.7): no transaction open, a prepared XA branch, a transaction id of an XA branch. Fatal for the producer. Thread-safe (immutable).
 */
public class InvalidTxnStateException extends BrokerErrorException {
    private static final long serialVersionUID = 1L;

    /** The broker's error {@code code} with its message, in {@code context}. */
    public InvalidTxnStateException(int code, String brokerMessage, String context) {
        super(code, brokerMessage, context);
    }
}
