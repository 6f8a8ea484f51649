package io.streambus.jms.internal;

import io.streambus.client.AuthenticationException;
import io.streambus.client.AuthorizationException;
import io.streambus.client.BrokerErrorException;
import io.streambus.client.UnsupportedFeatureException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
        String msg = what + ": " + (c.getMessage() == null ? c.toString() : c.getMessage());
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

    /** Waits for a client future, at most {@code timeoutMs}. */
    static <T> T await(CompletableFuture<T> f, long timeoutMs, String what) throws JMSException {
        try {
            return f.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw jms(what + " interrupted", e);
        } catch (TimeoutException e) {
            f.cancel(false);
            throw jms(what + " did not complete within " + timeoutMs + " ms", e);
        } catch (ExecutionException e) {
            throw jms(what + " failed", e);
        }
    }

    /** The broker error code behind a failure, or -1. */
    static int code(Throwable t) {
        Throwable c = unwrap(t);
        return c instanceof BrokerErrorException b ? b.code() : -1;
    }
}
