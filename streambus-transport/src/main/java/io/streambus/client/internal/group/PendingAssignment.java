package io.streambus.client.internal.group;

import io.streambus.common.TopicPartition;
import java.util.List;

/**
 * A SyncGroup result handed from the coordinator thread to the consumer thread, which applies it. Immutable;
 * thread-safe.
 *
 * @param generation the generation it belongs to
 * @param partitions this member's partitions in that generation
 */
record PendingAssignment(int generation, List<TopicPartition> partitions) {
    PendingAssignment {
        partitions = List.copyOf(partitions);
    }
}
