package io.streambus.client.internal.producer;

import io.streambus.client.BrokerErrorException;
import io.streambus.client.StreamBusException;
import io.streambus.client.internal.net.Errors;
import io.streambus.client.producer.InvalidPidMappingException;
import io.streambus.client.producer.InvalidProducerEpochException;
import io.streambus.client.producer.InvalidTxnStateException;
import io.streambus.client.producer.OutOfOrderSequenceException;
import io.streambus.client.producer.ProducerFencedException;
import io.streambus.client.producer.TransactionAbortedException;
import io.streambus.client.producer.UnknownProducerIdException;
import io.streambus.protocol.ErrorCode;

/**
 * The typed exceptions of the transaction and sequence codes (spec B.7, B.12), and which of them end the producer.
 * Static helpers only; thread-safe.
 */
final class TxnErrors {
    private TxnErrors() {
    }

    /** The typed exception for broker code {@code code}; codes without a type of their own go through {@link Errors}. */
    static StreamBusException map(int code, String message, String context) {
        return switch (code) {
            case ErrorCode.PRODUCER_FENCED, ErrorCode.TRANSACTION_COORDINATOR_FENCED ->
                    new ProducerFencedException(code, message, context);
            case ErrorCode.INVALID_PRODUCER_EPOCH -> new InvalidProducerEpochException(code, message, context);
            case ErrorCode.INVALID_TRANSACTION_STATE -> new InvalidTxnStateException(code, message, context);
            case ErrorCode.INVALID_PRODUCER_ID_MAPPING -> new InvalidPidMappingException(code, message, context);
            case ErrorCode.TRANSACTION_ABORTED -> new TransactionAbortedException(code, message, context);
            case ErrorCode.OUT_OF_ORDER_SEQUENCE -> new OutOfOrderSequenceException(code, message, context);
            case ErrorCode.UNKNOWN_PRODUCER_ID -> new UnknownProducerIdException(code, message, context);
            default -> Errors.fromCode(code, message, context);
        };
    }

    /** As {@link #map(int, String, String)} for a failure of a request: broker errors typed, others as they are. */
    static StreamBusException map(Throwable failure, String context) {
        Throwable t = Errors.unwrap(failure);
        if (t instanceof BrokerErrorException be && !(be instanceof ProducerFencedException)
                && be.getClass() == BrokerErrorException.class) {
            return map(be.code(), be.getMessage(), context);
        }
        return Errors.toStreamBus(t, context);
    }

    /**
     * True if the error ends the producer (Kafka's fatal errors): fenced, wrong epoch, invalid state, lost
     * mapping, authorization. Abortable errors (38, failed sends) only end the current transaction.
     */
    static boolean isFatal(Throwable t) {
        Throwable u = Errors.unwrap(t);
        return u instanceof ProducerFencedException || u instanceof InvalidProducerEpochException
                || u instanceof InvalidTxnStateException || u instanceof InvalidPidMappingException
                || u instanceof io.streambus.client.AuthorizationException
                || u instanceof io.streambus.client.UnsupportedFeatureException;
    }
}
