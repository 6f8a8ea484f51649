package io.streambus.broker.log;

import java.time.Duration;
import java.util.Objects;

/**
 * Storage settings, immutable; build with {@link #builder()}.
 *
 * <p>The default flush policy is {@link FlushPolicy#EVERY_WRITE}: this broker is for tests, demos and development,
 * where throughput is modest and a test that kills the broker must find every acknowledged message after the
 * restart (the reference broker loses about the last second, A.8.6). Choose {@link FlushPolicy#OS} or an interval
 * for throughput.
 */
public final class LogConfig {
    /** Largest accepted segment size; index positions are 32-bit. */
    public static final int MAX_SEGMENT_BYTES = 1 << 30;
    /** Default of {@link #maxOpenSegmentFiles()}. */
    public static final int DEFAULT_MAX_OPEN_SEGMENT_FILES = 1000;

    private final int segmentBytes;
    private final int indexIntervalBytes;
    private final FlushPolicy flushPolicy;
    private final long retentionBytes;
    private final Duration retentionTime;
    private final Duration retentionCheckInterval;
    private final Duration segmentTime;
    private final Duration recoveryCheckpointInterval;
    private final int recoveryThreads;
    private final int maxOpenSegmentFiles;
    /** The open-file pool of the logs built with this configuration (one per instance, shared by its partitions). */
    private final SegmentFilePool segmentFiles;

    private LogConfig(Builder b) {
        this.segmentBytes = b.segmentBytes;
        this.indexIntervalBytes = b.indexIntervalBytes;
        this.flushPolicy = b.flushPolicy;
        this.retentionBytes = b.retentionBytes;
        this.retentionTime = b.retentionTime;
        this.retentionCheckInterval = b.retentionCheckInterval;
        this.segmentTime = b.segmentTime;
        this.recoveryCheckpointInterval = b.recoveryCheckpointInterval;
        this.recoveryThreads = b.recoveryThreads;
        this.maxOpenSegmentFiles = b.maxOpenSegmentFiles;
        this.segmentFiles = new SegmentFilePool(b.maxOpenSegmentFiles);
    }

    /** All defaults. */
    public static LogConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder preset with this configuration's values. */
    public Builder toBuilder() {
        return new Builder()
                .segmentBytes(segmentBytes)
                .indexIntervalBytes(indexIntervalBytes)
                .flushPolicy(flushPolicy)
                .retentionBytes(retentionBytes)
                .retentionTime(retentionTime)
                .retentionCheckInterval(retentionCheckInterval)
                .segmentTime(segmentTime)
                .recoveryCheckpointInterval(recoveryCheckpointInterval)
                .recoveryThreads(recoveryThreads)
                .maxOpenSegmentFiles(maxOpenSegmentFiles);
    }

    /**
     * Segment files ({@code .log} and {@code .index}) kept open at once by the logs built with this configuration
     * (default {@link #DEFAULT_MAX_OPEN_SEGMENT_FILES}): files are opened on use and the least recently used idle ones
     * closed beyond this number, so the descriptors a broker holds do not grow with its partitions.
     */
    public int maxOpenSegmentFiles() {
        return maxOpenSegmentFiles;
    }

    /** The pool of open segment files shared by every partition opened with this instance. */
    SegmentFilePool segmentFiles() {
        return segmentFiles;
    }

    /**
     * How often the recovery checkpoint is written (default 1 s): each partition's data is forced to disk up to its
     * current end and that point recorded, so recovery after an unclean stop scans only what came after it. With
     * the {@link FlushPolicy#OS} and interval policies this is one extra force per partition that took appends.
     */
    public Duration recoveryCheckpointInterval() {
        return recoveryCheckpointInterval;
    }

    /** Threads recovering partitions in parallel at start (default: the number of processors, at most 8). */
    public int recoveryThreads() {
        return recoveryThreads;
    }

    /** A segment is rolled when the next batch would take it past this size (default 64 MiB). */
    public int segmentBytes() {
        return segmentBytes;
    }

    /** Bytes of log between two sparse index entries (default 4096). */
    public int indexIntervalBytes() {
        return indexIntervalBytes;
    }

    /** Default {@link FlushPolicy#EVERY_WRITE}. */
    public FlushPolicy flushPolicy() {
        return flushPolicy;
    }

    /**
     * Per partition: whole old segments are deleted while the partition would still hold at least this many bytes
     * without them; -1 (default) keeps everything. 0 is a limit like any other: every closed segment goes and only
     * the active one stays (retention never deletes the active segment). {@code BrokerConfig} and the command line
     * follow the same rule.
     */
    public long retentionBytes() {
        return retentionBytes;
    }

    /**
     * Per partition: a whole old segment is deleted once its newest batch was appended longer ago than this; null
     * (default) keeps everything. An idle active segment that old is rolled by the retention task and then deleted
     * too (see {@link #segmentTime()}).
     */
    public Duration retentionTime() {
        return retentionTime;
    }

    /** How often the retention task runs (default 5 minutes). */
    public Duration retentionCheckInterval() {
        return retentionCheckInterval;
    }

    /**
     * Age at which the active segment is rolled (Kafka's {@code segment.ms}): the next append starts a new segment
     * once the first batch of the active one was appended longer ago than this. Default 7 days; null never rolls by
     * time. Independently of this, the retention task rolls an idle active segment whose newest batch is older than
     * {@link #retentionTime()}, so retention by age also reaches a partition that stopped receiving messages.
     */
    public Duration segmentTime() {
        return segmentTime;
    }

    @Override
    public String toString() {
        return "LogConfig{segmentBytes=" + segmentBytes + ", indexIntervalBytes=" + indexIntervalBytes
                + ", flushPolicy=" + flushPolicy + ", retentionBytes=" + retentionBytes
                + ", retentionTime=" + retentionTime + ", retentionCheckInterval=" + retentionCheckInterval + ", segmentTime=" + segmentTime
                + ", recoveryCheckpointInterval=" + recoveryCheckpointInterval + ", recoveryThreads=" + recoveryThreads
                + ", maxOpenSegmentFiles=" + maxOpenSegmentFiles + '}';
    }

    /** Builder for {@link LogConfig}; not thread-safe. */
    public static final class Builder {
        private int segmentBytes = 64 * 1024 * 1024;
        private int indexIntervalBytes = 4096;
        private FlushPolicy flushPolicy = FlushPolicy.EVERY_WRITE;
        private long retentionBytes = -1;
        private Duration retentionTime;
        private Duration retentionCheckInterval = Duration.ofMinutes(5);
        private Duration segmentTime = Duration.ofDays(7);
        private Duration recoveryCheckpointInterval = Duration.ofSeconds(1);
        private int recoveryThreads = Math.min(8, Runtime.getRuntime().availableProcessors());
        private int maxOpenSegmentFiles = DEFAULT_MAX_OPEN_SEGMENT_FILES;

        private Builder() {
        }

        /** At least 4 (see {@link LogConfig#maxOpenSegmentFiles()}). */
        public Builder maxOpenSegmentFiles(int max) {
            if (max < SegmentFilePool.MIN_LIMIT) {
                throw new IllegalArgumentException("maxOpenSegmentFiles must be at least " + SegmentFilePool.MIN_LIMIT
                        + ", was " + max);
            }
            this.maxOpenSegmentFiles = max;
            return this;
        }

        /** At least 1 ms (see {@link LogConfig#recoveryCheckpointInterval()}). */
        public Builder recoveryCheckpointInterval(Duration interval) {
            Objects.requireNonNull(interval, "recoveryCheckpointInterval");
            if (interval.toMillis() < 1) {
                throw new IllegalArgumentException("recoveryCheckpointInterval must be at least 1 ms, was " + interval);
            }
            this.recoveryCheckpointInterval = interval;
            return this;
        }

        /** At least 1 (see {@link LogConfig#recoveryThreads()}). */
        public Builder recoveryThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("recoveryThreads must be at least 1, was " + threads);
            }
            this.recoveryThreads = threads;
            return this;
        }

        /** 1 .. {@link #MAX_SEGMENT_BYTES}; a batch larger than this gets a segment of its own. */
        public Builder segmentBytes(int segmentBytes) {
            if (segmentBytes < 1 || segmentBytes > MAX_SEGMENT_BYTES) {
                throw new IllegalArgumentException(
                        "segmentBytes must be in 1.." + MAX_SEGMENT_BYTES + ", was " + segmentBytes);
            }
            this.segmentBytes = segmentBytes;
            return this;
        }

        /** At least 1. */
        public Builder indexIntervalBytes(int indexIntervalBytes) {
            if (indexIntervalBytes < 1) {
                throw new IllegalArgumentException("indexIntervalBytes must be at least 1, was " + indexIntervalBytes);
            }
            this.indexIntervalBytes = indexIntervalBytes;
            return this;
        }

        public Builder flushPolicy(FlushPolicy flushPolicy) {
            this.flushPolicy = Objects.requireNonNull(flushPolicy, "flushPolicy");
            return this;
        }

        /** -1 for unlimited, otherwise at least 0 (see {@link LogConfig#retentionBytes()}). */
        public Builder retentionBytes(long retentionBytes) {
            if (retentionBytes < -1) {
                throw new IllegalArgumentException("retentionBytes must be -1 or at least 0, was " + retentionBytes);
            }
            this.retentionBytes = retentionBytes;
            return this;
        }

        /** Null for unlimited, otherwise positive. */
        public Builder retentionTime(Duration retentionTime) {
            if (retentionTime != null && (retentionTime.isNegative() || retentionTime.isZero())) {
                throw new IllegalArgumentException("retentionTime must be positive or null, was " + retentionTime);
            }
            this.retentionTime = retentionTime;
            return this;
        }

        /** At least 1 ms. */
        public Builder retentionCheckInterval(Duration retentionCheckInterval) {
            Objects.requireNonNull(retentionCheckInterval, "retentionCheckInterval");
            if (retentionCheckInterval.toMillis() < 1) {
                throw new IllegalArgumentException(
                        "retentionCheckInterval must be at least 1 ms, was " + retentionCheckInterval);
            }
            this.retentionCheckInterval = retentionCheckInterval;
            return this;
        }

        /** Null to never roll by time, otherwise at least 1 ms. */
        public Builder segmentTime(Duration segmentTime) {
            if (segmentTime != null && segmentTime.toMillis() < 1) {
                throw new IllegalArgumentException("segmentTime must be at least 1 ms or null, was " + segmentTime);
            }
            this.segmentTime = segmentTime;
            return this;
        }

        public LogConfig build() {
            return new LogConfig(this);
        }
    }
}
