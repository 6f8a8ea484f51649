package io.streambus.jms.internal;

import io.streambus.client.BrokerErrorException;
import io.streambus.client.producer.XaBranchException;
import io.streambus.protocol.ErrorCode;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.transaction.xa.XAException;

/**
 * {@link XAException}s of the JMS {@code XAResource}: the client's {@link XaBranchException} codes (the reply table
 * of spec B.7.8.8, which already has {@code XAException}'s values) passed on, everything else mapped the same way.
 * Stateless.
 */
final class XaErrors {
    private XaErrors() {
    }

    /** An XAException with {@code code}, a message and a cause. */
    static XAException xa(int code, String message, Throwable cause) {
        XAException x = new XAException(message + " (XA error code " + code + ")");
        x.errorCode = code;
        if (cause != null) {
            x.initCause(cause);
        }
        return x;
    }

    /** {@code failure} (possibly wrapped by a future) as an XAException, mapped by the table of B.7.8.8. */
    static XAException of(Throwable failure, String what) {
        XaBranchException mapped = XaBranchException.of(unwrap(failure), what);
        return xa(mapped.xaErrorCode(), mapped.getMessage(), mapped.getCause() == null ? mapped : mapped.getCause());
    }

    /** The XA error code {@code failure} maps to. */
    static int code(Throwable failure) {
        return XaBranchException.of(unwrap(failure), "").xaErrorCode();
    }

    /** True for XA_RBBASE..XA_RBEND: the branch was rolled back. */
    static boolean isRollback(int code) {
        return code >= XAException.XA_RBBASE && code <= XAException.XA_RBEND;
    }

    /** True when the broker answered 38 TransactionAborted somewhere in {@code failure}'s causes. */
    static boolean abortedByBroker(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BrokerErrorException b && b.code() == ErrorCode.TRANSACTION_ABORTED) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
