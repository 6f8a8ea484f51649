package io.streambus.client.consumer;

import io.streambus.common.TopicPartition;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;

/**
 * Reads records from explicitly assigned partitions, prefetching in the background. <b>Not thread-safe</b>: use one
 * consumer from one thread at a time, except {@link #wakeup()}, which any thread may call.
 */
public interface Consumer<K, V> extends RecordConsumer<K, V> {

    /** Replaces the assignment with these partitions of {@code topic}. */
    void assign(String topic, Collection<Integer> partitions);

    /** Replaces the assignment. */
    void assign(Collection<TopicPartition> partitions);

    /** Partitions currently paused. */
    Set<TopicPartition> paused();

    /** Stops prefetching and releases buffered records; waits up to {@code timeout}. */
    @Override
    void close(Duration timeout);
}
