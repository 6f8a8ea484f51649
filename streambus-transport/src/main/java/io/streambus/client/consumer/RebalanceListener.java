package io.streambus.client.consumer;

import io.streambus.common.TopicPartition;
import java.util.Collection;

/**
 * Callbacks of a {@link GroupConsumer} around a rebalance, called on the thread that calls {@code poll}.
 * {@link #onPartitionsRevoked} runs before the member rejoins (commit processed offsets there);
 * {@link #onPartitionsAssigned} after the new assignment arrived and before records of it are returned.
 */
public interface RebalanceListener {
    void onPartitionsRevoked(Collection<TopicPartition> partitions);

    void onPartitionsAssigned(Collection<TopicPartition> partitions);

    /** Called instead of revoked when partitions were lost without the chance to commit (member expired). */
    default void onPartitionsLost(Collection<TopicPartition> partitions) {
        onPartitionsRevoked(partitions);
    }
}
