package io.streambus.broker.limits;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The broker-wide budget for request and reply bytes held in memory: frames read but not yet answered, replies not
 * yet written to the socket, and blocks being decompressed. Network input is <em>charged</em> after the fact (the
 * bytes are already read; the reader pauses when the budget is exhausted), while optional work such as decompression
 * <em>reserves</em> up front and is refused when the bytes are not available. Waiters registered with
 * {@link #whenAvailable} run once usage falls back below the low watermark (half the limit), so paused connections
 * resume reading.
 *
 * <p>Counters ({@link #used()}, {@link #peak()}, {@link #refusals()}) are the broker's own accounting and what the
 * hardening tests assert on. Thread-safe (lock-free).
 */
public final class MemoryBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();
    private final Queue<Runnable> waiters = new ConcurrentLinkedQueue<>();

    /** @param limit bytes, at least 1 */
    public MemoryBudget(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1 byte, got " + limit);
        }
        this.limit = limit;
    }

    /** The configured limit in bytes. */
    public long limit() {
        return limit;
    }

    /** Bytes currently charged or reserved. */
    public long used() {
        return used.get();
    }

    /** The highest {@link #used()} seen since start. */
    public long peak() {
        return peak.get();
    }

    /** How many {@link #tryReserve} calls were refused. */
    public long refusals() {
        return refusals.get();
    }

    /** True while usage is at or above the limit: readers should pause. */
    public boolean exhausted() {
        return used.get() >= limit;
    }

    /** Charges bytes that are already in memory (never refused). */
    public void charge(long bytes) {
        if (bytes > 0) {
            notePeak(used.addAndGet(bytes));
        }
    }

    /** Reserves {@code bytes} if they fit under the limit; false (and counted as a refusal) otherwise. */
    public boolean tryReserve(long bytes) {
        if (bytes <= 0) {
            return true;
        }
        while (true) {
            long u = used.get();
            if (u + bytes > limit) {
                refusals.incrementAndGet();
                return false;
            }
            if (used.compareAndSet(u, u + bytes)) {
                notePeak(u + bytes);
                return true;
            }
        }
    }

    /** Returns bytes charged or reserved earlier; wakes waiters once usage is below half the limit. */
    public void release(long bytes) {
        if (bytes <= 0) {
            return;
        }
        long u = used.addAndGet(-bytes);
        if (u < 0) {
            throw new IllegalStateException("memory budget released more than it held (" + u + ")");
        }
        if (u < limit / 2) {
            Runnable w;
            while ((w = waiters.poll()) != null) {
                w.run();
            }
        }
    }

    /**
     * Runs {@code wakeUp} once usage is below half the limit: at once if it already is, else on a later
     * {@link #release}. {@code wakeUp} must be cheap and thread-agnostic (it typically schedules work on an event
     * loop).
     */
    public void whenAvailable(Runnable wakeUp) {
        waiters.add(wakeUp);
        if (used.get() < limit / 2 && waiters.remove(wakeUp)) {
            wakeUp.run();
        }
    }

    private void notePeak(long u) {
        long p;
        while (u > (p = peak.get()) && !peak.compareAndSet(p, u)) {
            // retry
        }
    }

    @Override
    public String toString() {
        return "MemoryBudget[used=" + used() + ", limit=" + limit + ", peak=" + peak() + ", refusals=" + refusals()
                + "]";
    }
}
