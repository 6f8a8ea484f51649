package io.streambus.client.internal.producer;

import io.streambus.client.BufferExhaustedException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bounds the bytes of records a producer holds ({@code buffer.memory}). Senders reserve the encoded size of each
 * record before appending it and the bytes come back when its batch completes (acknowledged or failed). A sender
 * blocks while the bound is reached, up to {@code max.block.ms}, then gets {@link BufferExhaustedException}.
 * While senders wait, newcomers queue behind them, so a large record is not starved by small ones. Thread-safe.
 *
 * <p>The free bytes are an atomic counter: reserving without waiting and giving back take no lock (one per record
 * would be taken otherwise); the lock and condition are only for senders that wait. A release signals only when
 * {@link #waiters} is non-zero: a waiter counts itself under the lock before it checks the counter, and a releaser
 * adds to the counter before it reads {@code waiters}, so either the waiter sees the bytes or the releaser sees the
 * waiter (and its signal, under the lock, cannot come between the waiter's check and its wait).
 *
 * <p>Waiters are woken only once {@link #resumeBytes} are free (or on their timeout, when they take what is free): a
 * producer that outpaces the network would otherwise be woken for every batch that completes, append one batch
 * and wait again, a context switch per batch on both threads. The records still queued keep the network busy
 * meanwhile.
 */
public final class MemoryLimiter {
    private final long total;
    /** Free bytes at which waiting senders are woken: a sixteenth of {@link #total}. */
    private final long resumeBytes;
    // Not a fair lock (hand-offs under contention cost a context switch per record); arrival order among blocked
    // senders is kept by the waiters count instead: no fast path while anyone waits.
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicLong available;
    /** Senders waiting in {@link #reserve}; written under {@link #lock}. */
    private volatile int waiters;

    public MemoryLimiter(long total) {
        this.total = total;
        this.resumeBytes = Math.max(1, total / 16);
        this.available = new AtomicLong(total);
    }

    /**
     * Reserves {@code bytes} if they are available now and nobody waits; never blocks.
     *
     * @return false if not reserved (then call {@link #reserve})
     */
    public boolean tryReserve(long bytes) {
        return waiters == 0 && take(bytes);
    }

    /** Takes {@code bytes} from the counter if that many are free. */
    private boolean take(long bytes) {
        long a;
        do {
            a = available.get();
            if (a < bytes) {
                return false;
            }
        } while (!available.compareAndSet(a, a - bytes));
        return true;
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
            if (waiters == 0 && take(bytes)) {
                return;
            }
            long remaining = maxWaitNanos;
            waiters++;
            try {
                while (!take(bytes)) {
                    if (remaining <= 0) {
                        throw new BufferExhaustedException("buffer.memory (" + total + " bytes) stayed full for "
                                + TimeUnit.NANOSECONDS.toMillis(maxWaitNanos) + " ms (max.block.ms); "
                                + available.get() + " bytes free, " + bytes + " needed");
                    }
                    remaining = changed.awaitNanos(remaining);
                }
            } finally {
                waiters--;
                if (available.get() > 0) {
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
        long now = available.addAndGet(bytes);
        if (now > total) {
            throw new IllegalStateException("released more than reserved: " + now + " > " + total);
        }
        if (waiters > 0 && now >= resumeBytes) {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    public long available() {
        return available.get();
    }

    public long total() {
        return total;
    }
}
