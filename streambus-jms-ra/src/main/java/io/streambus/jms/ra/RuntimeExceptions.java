package io.streambus.jms.ra;

import jakarta.jms.IllegalStateException;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidClientIDRuntimeException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.InvalidDestinationRuntimeException;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.InvalidSelectorRuntimeException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.JMSSecurityRuntimeException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.MessageNotWriteableException;
import jakarta.jms.MessageNotWriteableRuntimeException;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.ResourceAllocationRuntimeException;
import jakarta.jms.TransactionInProgressException;
import jakarta.jms.TransactionInProgressRuntimeException;
import jakarta.jms.TransactionRolledBackException;
import jakarta.jms.TransactionRolledBackRuntimeException;

/** The simplified API's runtime exceptions for checked JMS exceptions (as JMS 3.1 pairs them). Stateless. */
final class RuntimeExceptions {
    private RuntimeExceptions() {
    }

    /** A JMS call that may throw a checked JMSException. */
    @FunctionalInterface
    interface JmsCall<T> {
        T call() throws JMSException;
    }

    /** Runs {@code call}, turning a JMSException into its runtime counterpart. */
    static <T> T rt(JmsCall<T> call) {
        try {
            return call.call();
        } catch (JMSException e) {
            throw of(e);
        }
    }

    static JMSRuntimeException of(JMSException e) {
        String m = e.getMessage();
        String c = e.getErrorCode();
        if (e instanceof IllegalStateException) {
            return new IllegalStateRuntimeException(m, c, e);
        } else if (e instanceof InvalidDestinationException) {
            return new InvalidDestinationRuntimeException(m, c, e);
        } else if (e instanceof InvalidSelectorException) {
            return new InvalidSelectorRuntimeException(m, c, e);
        } else if (e instanceof InvalidClientIDException) {
            return new InvalidClientIDRuntimeException(m, c, e);
        } else if (e instanceof JMSSecurityException) {
            return new JMSSecurityRuntimeException(m, c, e);
        } else if (e instanceof MessageFormatException) {
            return new MessageFormatRuntimeException(m, c, e);
        } else if (e instanceof MessageNotWriteableException) {
            return new MessageNotWriteableRuntimeException(m, c, e);
        } else if (e instanceof TransactionRolledBackException) {
            return new TransactionRolledBackRuntimeException(m, c, e);
        } else if (e instanceof TransactionInProgressException) {
            return new TransactionInProgressRuntimeException(m, c, e);
        } else if (e instanceof ResourceAllocationException) {
            return new ResourceAllocationRuntimeException(m, c, e);
        }
        return new JMSRuntimeException(m, c, e);
    }
}
