package io.streambus.broker.limits;

/**
 * Resource limits that keep one client (or a few) from exhausting the broker's memory, file descriptors or
 * connection slots. Immutable; thread-safe. Defaults are those of {@link #defaults()}; the README's broker section
 * lists each with its flag.
 *
 * @param memoryBudgetBytes        broker-wide bytes of frames read but not answered, replies not yet written and
 *                                 blocks being decompressed ({@code --memory-budget-bytes})
 * @param maxConnectionsPerAddress open connections from one remote IP address ({@code --max-connections-per-address})
 * @param preAuthMaxFrameBytes     largest frame accepted before authentication when authentication is required
 *                                 ({@code --pre-auth-max-frame-bytes})
 * @param maxPartitionsPerRequest  (topic, partition) entries in one OffsetCommit or OffsetFetch
 *                                 ({@code --max-partitions-per-request})
 * @param maxTopics                topics the broker holds ({@code --max-topics})
 * @param maxPartitionsPerTopic    partitions of one topic ({@code --max-partitions-per-topic})
 * @param maxOpenSegmentFiles      segment files ({@code .log}, {@code .index}) open at once; the least recently used
 *                                 idle ones are closed beyond it ({@code --max-open-segment-files})
 */
public record BrokerLimits(long memoryBudgetBytes, int maxConnectionsPerAddress, int preAuthMaxFrameBytes,
        int maxPartitionsPerRequest, int maxTopics, int maxPartitionsPerTopic, int maxOpenSegmentFiles) {

    /** Default budget floor: enough for a handful of maximum-size frames. */
    public static final long MIN_DEFAULT_BUDGET = 64L * 1024 * 1024;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 1000;
    public static final int DEFAULT_PRE_AUTH_MAX_FRAME_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_PARTITIONS_PER_REQUEST = 10_000;
    public static final int DEFAULT_MAX_TOPICS = 10_000;
    public static final int DEFAULT_MAX_PARTITIONS_PER_TOPIC = 1000;
    public static final int DEFAULT_MAX_OPEN_SEGMENT_FILES =
            io.streambus.broker.log.LogConfig.DEFAULT_MAX_OPEN_SEGMENT_FILES;
    /** Smallest accepted open segment file limit (the log's own minimum). */
    public static final int MIN_OPEN_SEGMENT_FILES = 4;
    /** Smallest accepted pre-authentication frame limit: a SCRAM exchange must fit. */
    public static final int MIN_PRE_AUTH_MAX_FRAME_BYTES = 1024;

    public BrokerLimits {
        positive("memoryBudgetBytes", memoryBudgetBytes);
        positive("maxConnectionsPerAddress", maxConnectionsPerAddress);
        if (preAuthMaxFrameBytes < MIN_PRE_AUTH_MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("preAuthMaxFrameBytes must be at least " + MIN_PRE_AUTH_MAX_FRAME_BYTES
                    + ", got " + preAuthMaxFrameBytes);
        }
        positive("maxPartitionsPerRequest", maxPartitionsPerRequest);
        positive("maxTopics", maxTopics);
        positive("maxPartitionsPerTopic", maxPartitionsPerTopic);
        if (maxOpenSegmentFiles < MIN_OPEN_SEGMENT_FILES) {
            throw new IllegalArgumentException("maxOpenSegmentFiles must be at least " + MIN_OPEN_SEGMENT_FILES
                    + ", got " + maxOpenSegmentFiles);
        }
    }

    /**
     * The defaults: a memory budget of a quarter of the JVM's maximum heap (Netty's direct-memory limit defaults to
     * the same size) but at least {@link #MIN_DEFAULT_BUDGET}, and the {@code DEFAULT_*} constants.
     */
    public static BrokerLimits defaults() {
        return new BrokerLimits(Math.max(MIN_DEFAULT_BUDGET, Runtime.getRuntime().maxMemory() / 4),
                DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, DEFAULT_PRE_AUTH_MAX_FRAME_BYTES,
                DEFAULT_MAX_PARTITIONS_PER_REQUEST, DEFAULT_MAX_TOPICS, DEFAULT_MAX_PARTITIONS_PER_TOPIC,
                DEFAULT_MAX_OPEN_SEGMENT_FILES);
    }

    public BrokerLimits withMemoryBudgetBytes(long v) {
        return new BrokerLimits(v, maxConnectionsPerAddress, preAuthMaxFrameBytes, maxPartitionsPerRequest,
                maxTopics, maxPartitionsPerTopic, maxOpenSegmentFiles);
    }

    public BrokerLimits withMaxConnectionsPerAddress(int v) {
        return new BrokerLimits(memoryBudgetBytes, v, preAuthMaxFrameBytes, maxPartitionsPerRequest, maxTopics,
                maxPartitionsPerTopic, maxOpenSegmentFiles);
    }

    public BrokerLimits withPreAuthMaxFrameBytes(int v) {
        return new BrokerLimits(memoryBudgetBytes, maxConnectionsPerAddress, v, maxPartitionsPerRequest, maxTopics,
                maxPartitionsPerTopic, maxOpenSegmentFiles);
    }

    public BrokerLimits withMaxPartitionsPerRequest(int v) {
        return new BrokerLimits(memoryBudgetBytes, maxConnectionsPerAddress, preAuthMaxFrameBytes, v, maxTopics,
                maxPartitionsPerTopic, maxOpenSegmentFiles);
    }

    public BrokerLimits withMaxTopics(int v) {
        return new BrokerLimits(memoryBudgetBytes, maxConnectionsPerAddress, preAuthMaxFrameBytes,
                maxPartitionsPerRequest, v, maxPartitionsPerTopic, maxOpenSegmentFiles);
    }

    public BrokerLimits withMaxPartitionsPerTopic(int v) {
        return new BrokerLimits(memoryBudgetBytes, maxConnectionsPerAddress, preAuthMaxFrameBytes,
                maxPartitionsPerRequest, maxTopics, v, maxOpenSegmentFiles);
    }

    public BrokerLimits withMaxOpenSegmentFiles(int v) {
        return new BrokerLimits(memoryBudgetBytes, maxConnectionsPerAddress, preAuthMaxFrameBytes,
                maxPartitionsPerRequest, maxTopics, maxPartitionsPerTopic, v);
    }

    private static void positive(String name, long v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + v);
        }
    }
}
