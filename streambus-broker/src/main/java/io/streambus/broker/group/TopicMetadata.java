package io.streambus.broker.group;

/**
 * The broker's view of topics, used by OffsetCommit (codes 8 and 5; OffsetCommit never creates topics). Must be
 * thread-safe and non-blocking.
 */
@FunctionalInterface
public interface TopicMetadata {

    /** Number of partitions of {@code topic}, or -1 if it does not exist. */
    int partitionCount(String topic);
}
