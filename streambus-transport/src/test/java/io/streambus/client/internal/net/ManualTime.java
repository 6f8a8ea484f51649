package io.streambus.client.internal.net;

import io.streambus.client.internal.Time;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when told to, for driving the client engine deterministically. Both readings move
 * together: {@link #currentTimeMillis()} is a fixed epoch time plus the nanoseconds advanced so far. Usually driven
 * through {@link FakeNetwork#advance(Duration)}, which also runs what falls due; {@link #advance(Duration)} moves the
 * clock alone. Thread-safe.
 */
public final class ManualTime implements Time {
    /** Where {@link #nanoTime()} starts: arbitrary, far from 0 so that code assuming 0 means "unset" shows up. */
    public static final long START_NANOS = 1_000_000_000_000L;
    /** Where {@link #currentTimeMillis()} starts: 2023-11-14T22:13:20Z. */
    public static final long START_EPOCH_MILLIS = 1_700_000_000_000L;

    private final AtomicLong nanos = new AtomicLong(START_NANOS);

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public long currentTimeMillis() {
        return START_EPOCH_MILLIS + (nanos.get() - START_NANOS) / 1_000_000L;
    }

    /** Moves the clock forward by {@code d} (runs nothing). */
    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("time does not go back: " + d);
        }
        nanos.addAndGet(d.toNanos());
    }

    /** Nanoseconds advanced since the start. */
    public long elapsedNanos() {
        return nanos.get() - START_NANOS;
    }

    /** Moves the clock to {@code nanoTime} if that is later (for the fake's step-by-step advance). */
    void moveTo(long nanoTime) {
        nanos.accumulateAndGet(nanoTime, (cur, next) -> next - cur > 0 ? next : cur);
    }

    @Override
    public String toString() {
        return "ManualTime[+" + Duration.ofNanos(elapsedNanos()) + "]";
    }
}
