package io.streambus.client.admin;

import io.streambus.common.TopicPartition;

import java.util.Map;

/**
 * A share group as ShareGroupConfigure describes it (spec B.13.7): state, members and the configuration in effect.
 * Immutable.
 *
 * @param groupId             the group
 * @param state               {@code Empty} or {@code Stable}
 * @param memberCount         number of members
 * @param maxDeliveryAttempts delivery limit
 * @param acquisitionLockMs   lock duration
 * @param deadLetterTopic     dead-letter topic, "" for none
 * @param autoOffsetReset     {@code earliest} or {@code latest}
 * @param maxInFlightRecords  in-flight bound per share-partition
 * @param partitions          every share-partition
 */
public record ShareGroupDescription(String groupId, String state, long memberCount, int maxDeliveryAttempts,
                                    int acquisitionLockMs, String deadLetterTopic, String autoOffsetReset,
                                    int maxInFlightRecords, Map<TopicPartition, SharePartitionInfo> partitions) {
    public ShareGroupDescription {
        partitions = Map.copyOf(partitions);
    }

    /**
     * One share-partition.
     *
     * @param startOffset          SPSO: every offset below it is finished for the group
     * @param inFlightRecords      SPEO - SPSO
     * @param inFlightLimitReached the window is full while unexamined committed data lies beyond it
     */
    public record SharePartitionInfo(long startOffset, long inFlightRecords, boolean inFlightLimitReached) {
    }
}
