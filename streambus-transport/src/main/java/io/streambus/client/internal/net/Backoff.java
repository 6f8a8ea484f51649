package io.streambus.client.internal.net;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: attempt n (from 0) waits {@code min(max, initial * 2^n)} scaled by a random
 * factor in [0.8, 1.2], never above max. Immutable and thread-safe.
 */
public final class Backoff {
    private static final double JITTER = 0.2;
    private final long initialMs;
    private final long maxMs;

    public Backoff(long initialMs, long maxMs) {
        this.initialMs = Math.max(0, initialMs);
        this.maxMs = Math.max(this.initialMs, maxMs);
    }

    /** Milliseconds to wait before attempt {@code attempt + 1}, given {@code attempt} failures so far (from 0). */
    public long delayMs(int attempt) {
        if (initialMs == 0) {
            return 0;
        }
        double base = initialMs * Math.pow(2, Math.min(attempt, 30));
        base = Math.min(base, maxMs);
        double jitter = 1 + (ThreadLocalRandom.current().nextDouble() * 2 - 1) * JITTER;
        return Math.min(maxMs, Math.max(0, Math.round(base * jitter)));
    }

    public long initialMs() {
        return initialMs;
    }

    public long maxMs() {
        return maxMs;
    }
}
