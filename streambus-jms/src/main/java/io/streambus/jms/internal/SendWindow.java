package io.streambus.jms.internal;

import jakarta.jms.JMSException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The sends of one session that the broker has not confirmed yet (sends that do not block, and sends with a
 * CompletionListener), bounded by {@code sendWindow}, and the failures of the sends nobody waited for.
 *
 * <ul>
 * <li>{@link #acquire} takes a place before such a send, waiting for one at most {@code sendTimeout}; the client's
 * completion gives it back ({@link #confirmed} or {@link #failed}) on the client's I/O thread, which only counts
 * down and, when someone waits, signals: no thread hand-off per send.</li>
 * <li>A failure of a send without CompletionListener is kept until {@link #throwFailure} hands it out (the session's
 * next send or close); the first failure after each hand-out also goes to {@code reporter} (the connection's
 * ExceptionListener). Later failures before the hand-out are counted in the same exception.</li>
 * <li>{@link #drain} waits, bounded, until nothing is unconfirmed (close).</li>
 * </ul>
 * Thread-safe: the session's thread acquires, drains and hands failures out; client I/O threads confirm and fail.
 */
final class SendWindow {
    /** Error code of the JMSException that reports failed unconfirmed sends (and sends left unconfirmed at close). */
    static final String SEND_FAILED = "send-failed";

    private final int capacity;
    private final Consumer<JMSException> reporter;
    private final AtomicInteger unconfirmed = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    /** Threads waiting in acquire or drain; changed under {@link #lock} only, read by completions without it. */
    private volatile int waiters;
    /** True while {@link #firstFailure} holds a failure not handed out yet: the send path's only check. */
    private volatile boolean failedFlag;
    private JMSException firstFailure;
    private long failures;

    /**
     * @param capacity sends that may be unconfirmed at once
     * @param reporter hears of the first failure after each hand-out; called on a client I/O thread, so it must not
     *                 block (the connection hands it to its own thread)
     */
    SendWindow(int capacity, Consumer<JMSException> reporter) {
        this.capacity = capacity;
        this.reporter = reporter;
    }

    /**
     * The exception for a send that nobody waited for and that failed (error code {@value #SEND_FAILED}).
     *
     * @param what  the send: message id and destination
     * @param cause the client's failure
     */
    static JMSException failure(String what, Throwable cause) {
        Throwable c = Jms.unwrap(cause);
        JMSException e = new JMSException(what + " failed: " + (c.getMessage() == null ? c.toString()
                : c.getMessage()), SEND_FAILED);
        if (c instanceof Exception ex) {
            e.setLinkedException(ex);
        }
        e.initCause(c);
        return e;
    }

    /**
     * Takes a place for a send, waiting at most {@code timeoutMs} for one.
     *
     * @param what the send, for the exception
     * @throws JMSException when no place came free in time (the send must not go out)
     */
    void acquire(long timeoutMs, String what) throws JMSException {
        if (tryTake()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        lock.lock();
        try {
            waiters++;
            try {
                // waiters is written before unconfirmed is read again: a completion that decrements after this
                // read sees the waiter and signals (both are volatile), so no wake-up is lost.
                while (!tryTake()) {
                    long rem = deadline - System.nanoTime();
                    if (rem <= 0) {
                        throw new JMSException(what + ": the broker has not confirmed " + unconfirmed.get()
                                + " earlier sends of this session within sendTimeout (" + timeoutMs + " ms; sendWindow="
                                + capacity + "); the message was not sent", "send-window-full");
                    }
                    released.awaitNanos(rem);
                }
            } finally {
                waiters--;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JMSException(what + ": interrupted while waiting for room in the send window; the message was "
                    + "not sent");
        } finally {
            lock.unlock();
        }
    }

    private boolean tryTake() {
        while (true) {
            int n = unconfirmed.get();
            if (n >= capacity) {
                return false;
            }
            if (unconfirmed.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives back the place of a send that did not go out after all (the client refused it at once). */
    void cancel() {
        release();
    }

    /** The broker confirmed a send (client I/O thread). */
    void confirmed() {
        release();
    }

    /**
     * A send failed that nobody waits for (client I/O thread): kept for {@link #throwFailure}, and the first one
     * since the last hand-out is reported.
     *
     * @param failure what the failed send was and why
     */
    void failed(JMSException failure) {
        boolean first;
        synchronized (this) {
            failures++;
            first = firstFailure == null;
            if (first) {
                firstFailure = failure;
                failedFlag = true;
            }
        }
        release();
        if (first) {
            reporter.accept(failure);
        }
    }

    private void release() {
        unconfirmed.decrementAndGet();
        if (waiters > 0) {
            lock.lock();
            try {
                released.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Sends not confirmed yet. */
    int unconfirmed() {
        return unconfirmed.get();
    }

    /**
     * Throws the failures of unconfirmed sends since the last call, if any (they are then forgotten).
     *
     * @throws JMSException (error code {@value #SEND_FAILED}) naming the first failed send and how many failed
     */
    void throwFailure() throws JMSException {
        if (!failedFlag) {
            return;
        }
        JMSException first;
        long n;
        synchronized (this) {
            first = firstFailure;
            n = failures;
            firstFailure = null;
            failures = 0;
            failedFlag = false;
        }
        if (first == null) {
            return;
        }
        JMSException e = new JMSException((n == 1 ? "a send" : n + " sends") + " of this session that did not wait "
                + "for the broker failed; the first: " + first.getMessage(), SEND_FAILED);
        e.setLinkedException(first);
        e.initCause(first);
        throw e;
    }

    /**
     * Waits until the broker confirmed or refused every send, at most {@code timeoutMs}.
     *
     * @return the sends still unconfirmed (0 when drained)
     */
    int drain(long timeoutMs) {
        if (unconfirmed.get() == 0) {
            return 0;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        lock.lock();
        try {
            waiters++;
            try {
                int n;
                while ((n = unconfirmed.get()) > 0) {
                    long rem = deadline - System.nanoTime();
                    if (rem <= 0) {
                        return n;
                    }
                    released.awaitNanos(rem);
                }
                return 0;
            } finally {
                waiters--;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unconfirmed.get();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "SendWindow[" + unconfirmed.get() + "/" + capacity + (failedFlag ? ", failed" : "") + "]";
    }
}
