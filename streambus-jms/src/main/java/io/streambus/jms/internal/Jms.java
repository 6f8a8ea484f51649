package io.streambus.jms.internal;

import io.streambus.client.AuthenticationException;
import io.streambus.client.AuthorizationException;
import io.streambus.client.BrokerErrorException;
import io.streambus.client.Futures;
import io.streambus.client.StreamBusException;
import io.streambus.client.UnsupportedFeatureException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Exception translation and bounded waits shared by the provider's classes. Stateless, thread-safe. */
final class Jms {
    private Jms() {
    }

    /** The underlying cause of an async failure. */
    static Throwable unwrap(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** A JMSException for a client failure, keeping the cause (linked and as cause); security errors typed. */
    static JMSException jms(String what, Throwable cause) {
        Throwable c = unwrap(cause);
        if (c instanceof JMSException j) {
            return j;
        }
        String text = c.getMessage() == null ? c.toString() : c.getMessage();
        // Futures names what was awaited in the exceptions it makes itself (timeout, interrupt): not twice.
        String msg = text.startsWith(what) ? text : what + ": " + text;
        JMSException e;
        if (c instanceof AuthenticationException || c instanceof AuthorizationException
                || (c instanceof BrokerErrorException b && (b.code() == 40 || b.code() == 41 || b.code() == 27))) {
            e = new JMSSecurityException(msg);
        } else if (c instanceof UnsupportedFeatureException u) {
            e = new JMSException(what + ": the broker does not support " + u.capability() + " (" + c.getMessage()
                    + ")", u.capability());
        } else {
            e = new JMSException(msg);
        }
        if (c instanceof Exception ex) {
            e.setLinkedException(ex);
        }
        e.initCause(c);
        return e;
    }

    /**
     * Waits for a client future, at most {@code timeoutMs}, through the client's {@link Futures#await}; this is the
     * one place where its {@link StreamBusException} becomes a {@link JMSException}.
     */
    static <T> T await(Future<T> f, long timeoutMs, String what) throws JMSException {
        try {
            return Futures.await(f, TimeUnit.MILLISECONDS.toNanos(timeoutMs), what);
        } catch (StreamBusException e) {
            String text = String.valueOf(e.getMessage());
            throw jms(text.startsWith(what) ? what : what + " failed", e);
        }
    }

    /** The broker error code behind a failure, or -1. */
    static int code(Throwable t) {
        Throwable c = unwrap(t);
        return c instanceof BrokerErrorException b ? b.code() : -1;
    }
}
