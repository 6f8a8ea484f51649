package io.streambus.broker.limits;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Rate limit for the warnings one connection can cause: the first {@code burst} pass, then at most one per
 * {@code interval}, which carries how many were suppressed since the last one that passed. A client looping on a
 * bad request thus writes a bounded number of log lines. Thread-safe (synchronized; warnings are rare by design).
 */
public final class WarnLimiter {
    /** Default burst: the first warnings of a connection are all logged. */
    public static final int DEFAULT_BURST = 10;
    /** Default interval between summary lines once the burst is spent. */
    public static final long DEFAULT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final int burst;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private int passed;
    private long suppressed;
    private long nextNanos;

    /** A limiter with the defaults and the system clock. */
    public WarnLimiter() {
        this(DEFAULT_BURST, DEFAULT_INTERVAL_NANOS, System::nanoTime);
    }

    /**
     * @param burst         warnings passed before limiting starts, at least 1
     * @param intervalNanos minimum time between warnings once limiting, at least 1
     * @param nanoTime      monotonic clock
     */
    public WarnLimiter(int burst, long intervalNanos, LongSupplier nanoTime) {
        if (burst < 1 || intervalNanos < 1) {
            throw new IllegalArgumentException("burst and interval must be positive");
        }
        this.burst = burst;
        this.intervalNanos = intervalNanos;
        this.nanoTime = nanoTime;
    }

    /**
     * Decides one warning. Returns -1 if it must not be logged; otherwise the number of warnings suppressed before it
     * (0 within the burst), which the caller includes in the line it logs.
     */
    public synchronized long tryAcquire() {
        long now = nanoTime.getAsLong();
        if (passed < burst) {
            passed++;
            nextNanos = now + intervalNanos;
            return 0;
        }
        if (now - nextNanos >= 0) {
            long s = suppressed;
            suppressed = 0;
            nextNanos = now + intervalNanos;
            return s;
        }
        suppressed++;
        return -1;
    }
}
