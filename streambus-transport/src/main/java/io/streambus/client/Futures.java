package io.streambus.client;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one way the client, Camel and JMS wait for a client future with a deadline: a timeout becomes a
 * {@link StreamBusTimeoutException} (and cancels the future), an interrupt keeps the thread's interrupt flag and
 * becomes a {@link StreamBusException}, and a failure rethrows the {@link StreamBusException} it carries (or wraps
 * anything else). Callers that must throw another type (JMS) catch {@link StreamBusException} and convert it.
 * Stateless and thread-safe.
 */
public final class Futures {
    private Futures() {}

    /**
     * Waits at most {@code timeoutNanos} for {@code f}.
     *
     * @param what what is being waited for, for the exception message ("committing offsets of group g")
     * @throws StreamBusTimeoutException when the time runs out (the future is cancelled)
     * @throws StreamBusException when the future failed or was cancelled, or the thread was interrupted
     */
    public static <T> T await(Future<T> f, long timeoutNanos, String what) {
        try {
            return f.get(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(false);
            throw new StreamBusTimeoutException(what + " did not complete within "
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamBusException(what + " interrupted", e);
        } catch (CancellationException e) {
            throw new StreamBusException(what + " was cancelled", e);
        } catch (ExecutionException e) {
            throw failure(what, e.getCause());
        }
    }

    /** Waits until {@code deadlineNanos} (a {@link System#nanoTime()} value) for {@code f}; see {@link #await}. */
    public static <T> T awaitUntil(Future<T> f, long deadlineNanos, String what) {
        return await(f, deadlineNanos - System.nanoTime(), what);
    }

    /**
     * The exception to throw for a failed future: the {@link StreamBusException} itself (so its type, such as
     * {@link BrokerErrorException}, survives), or a {@link StreamBusException} wrapping anything else.
     */
    public static StreamBusException failure(String what, Throwable cause) {
        Throwable c = cause;
        while (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof StreamBusException sbe) {
            return sbe;
        }
        return new StreamBusException(what + " failed: " + c, c);
    }
}
