package io.streambus.client.internal;

/**
 * The clock the client engine decides by: linger, delivery timeout, retry backoff, request deadlines, prefetch
 * pacing and metadata age all read it, so that tests can drive the engine with a manual clock. Blocking waits
 * (a full buffer, {@code poll}) still wait in real time, bounded by what this clock says remains. Implementations
 * are thread-safe.
 */
public interface Time {

    /** The system clocks. */
    Time SYSTEM = new Time() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public String toString() {
            return "Time.SYSTEM";
        }
    };

    /** A monotonic reading in nanoseconds, as {@link System#nanoTime()}: only differences are meaningful. */
    long nanoTime();

    /** Wall-clock milliseconds since the epoch, as {@link System#currentTimeMillis()} (record timestamps). */
    long currentTimeMillis();
}
