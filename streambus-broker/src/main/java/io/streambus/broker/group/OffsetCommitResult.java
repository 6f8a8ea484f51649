package io.streambus.broker.group;

import java.util.List;

/**
 * Outcome of an OffsetCommit (B.6.8).
 *
 * @param errorCode request-level code (0, 2, 6, 27); when not 0, {@code topics} is empty and the reply is an error
 * @param topics    every requested partition with its code, topics in ascending unsigned byte order, partitions
 *                  ascending
 */
public record OffsetCommitResult(int errorCode, List<TopicData<PartitionResult>> topics) {

    /** A request-level failure. */
    public static OffsetCommitResult error(int errorCode) {
        return new OffsetCommitResult(errorCode, List.of());
    }
}
