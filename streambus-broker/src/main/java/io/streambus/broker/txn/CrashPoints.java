package io.streambus.broker.txn;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Named places in the exactly-once write paths where a crash leaves the most to recover, for crash tests: a test
 * JVM installs a hook that kills the process when it reaches one (the default hook does nothing). Thread-safe.
 */
final class CrashPoints {
    /** The places. */
    enum Point {
        /** A sequenced/transactional batch's journal record is written, the batch itself not yet. */
        BATCH_JOURNALED,
        /** The batch and its journal record are written, the Produce reply not yet sent. */
        BATCH_APPENDED,
        /** The partition's producer journal is forced, the partition log (about to be forced after it) not yet. */
        JOURNAL_FORCED,
        /** A decision is durable and one of its markers written (reached once per marker); staged offsets not yet applied. */
        OUTCOME_MARKER
    }

    private static volatile Consumer<Point> hook = p -> { };

    private CrashPoints() {
    }

    /** Installs {@code h}, called each time a point is reached (tests only). */
    static void install(Consumer<Point> h) {
        hook = Objects.requireNonNull(h, "hook");
    }

    /** Called by the write paths at {@code p}. */
    static void reach(Point p) {
        hook.accept(p);
    }
}
