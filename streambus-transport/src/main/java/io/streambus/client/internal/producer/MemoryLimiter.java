package io.streambus.client.internal.producer;

import io.streambus.client.BufferExhaustedException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bounds the bytes of records a producer holds ({@code buffer.memory}). Senders reserve the encoded size of each
 * record before appending it and the bytes come back when its batch completes (acknowledged or failed). A sender
 * blocks while the bound is reached, up to {@code max.block.ms}, then gets {@link BufferExhaustedException}.
 * While senders wait, newcomers queue behind them, so a large record is not starved by small ones. Thread-safe.
 */
public final class MemoryLimiter {
    private final long total;
    // Not a fair lock (hand-offs under contention cost a context switch per record); arrival order among blocked
    // senders is kept by the waiters count instead: no fast path while anyone waits.
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long available;
    private int waiters;

    public MemoryLimiter(long total) {
        this.total = total;
        this.available = total;
    }

    /**
     * Reserves {@code bytes} if they are available now and nobody waits; never blocks.
     *
     * @return false if not reserved (then call {@link #reserve})
     */
    public boolean tryReserve(long bytes) {
        lock.lock();
        try {
            if (available >= bytes && waiters == 0) {
                available -= bytes;
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reserves {@code bytes}, waiting up to {@code maxWaitNanos}.
     *
     * @throws BufferExhaustedException if the bytes did not become available in time, or can never fit
     * @throws InterruptedException     if the waiting thread is interrupted
     */
    public void reserve(long bytes, long maxWaitNanos) throws InterruptedException {
        if (bytes > total) {
            throw new BufferExhaustedException("record of " + bytes + " bytes is larger than buffer.memory ("
                    + total + " bytes)");
        }
        lock.lock();
        try {
            if (available >= bytes && waiters == 0) {
                available -= bytes;
                return;
            }
            long remaining = maxWaitNanos;
            waiters++;
            try {
                while (available < bytes) {
                    if (remaining <= 0) {
                        throw new BufferExhaustedException("buffer.memory (" + total + " bytes) stayed full for "
                                + TimeUnit.NANOSECONDS.toMillis(maxWaitNanos) + " ms (max.block.ms); " + available
                                + " bytes free, " + bytes + " needed");
                    }
                    remaining = changed.awaitNanos(remaining);
                }
                available -= bytes;
            } finally {
                waiters--;
                if (available > 0) {
                    changed.signalAll();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Gives back bytes reserved earlier. */
    public void release(long bytes) {
        if (bytes <= 0) {
            return;
        }
        lock.lock();
        try {
            available += bytes;
            if (available > total) {
                throw new IllegalStateException("released more than reserved: " + available + " > " + total);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public long available() {
        lock.lock();
        try {
            return available;
        } finally {
            lock.unlock();
        }
    }

    public long total() {
        return total;
    }
}
