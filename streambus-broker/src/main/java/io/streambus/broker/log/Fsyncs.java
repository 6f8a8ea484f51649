package io.streambus.broker.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one place every broker log forces a file on the request path, so that fsyncs can be counted: a counter over
 * the whole JVM (every broker in it), read by tests and by the load tool (through the broker's log line at close and
 * {@link #total()}). Counts only forces of appended data (data segments, offsets, group, share and transaction
 * logs), not the forces of compaction rewrites, segment seals or directory entries. Thread-safe.
 */
public final class Fsyncs {
    private static final AtomicLong TOTAL = new AtomicLong();

    private Fsyncs() {
    }

    /** Forces {@code channel} ({@code force(metadata)}) and counts it, also when it fails. */
    public static void force(FileChannel channel, boolean metadata) throws IOException {
        TOTAL.incrementAndGet();
        channel.force(metadata);
    }

    /** Forces a segment file ({@code force(metadata)}) and counts it, also when it fails. */
    static void force(SegmentFile file, boolean metadata) throws IOException {
        TOTAL.incrementAndGet();
        file.force(metadata);
    }

    /** Forces of appended data since the JVM started, over every broker in it. */
    public static long total() {
        return TOTAL.get();
    }
}
