package io.streambus.client.internal;

import io.streambus.client.WakeupException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@code wakeup()} request of a consumer: set from any thread, it signals the condition the consumer's poll
 * waits on, and the poll thread consumes it by throwing {@link WakeupException} once. Shared by the partition and
 * share consumers. Thread-safe.
 */
public final class Wakeup {
    private final ReentrantLock lock;
    private final Condition changed;
    private volatile boolean requested;

    /** A request that signals {@code changed} (a condition of {@code lock}) when made. */
    public Wakeup(ReentrantLock lock, Condition changed) {
        this.lock = lock;
        this.changed = changed;
    }

    /** Records the request and wakes a waiting poll. Any thread. */
    public void request() {
        requested = true;
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Consumes a pending request.
     *
     * @throws WakeupException when a request was pending (it is cleared)
     */
    public void throwIfRequested() {
        if (requested) {
            requested = false;
            throw new WakeupException();
        }
    }
}
