package io.streambus.client.consumer;

import io.streambus.client.TopicPartition;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;

/**
 * Reads records from explicitly assigned partitions, prefetching in the background. <b>Not thread-safe</b>: use one
 * consumer from one thread at a time, except {@link #wakeup()}, which any thread may call.
 */
public interface Consumer<K, V> extends AutoCloseable {

    /** Replaces the assignment with these partitions of {@code topic}. */
    void assign(String topic, Collection<Integer> partitions);

    /** Replaces the assignment. */
    void assign(Collection<TopicPartition> partitions);

    /** Currently assigned partitions. */
    Set<TopicPartition> assignment();

    /** The next poll returns records of {@code partition} from {@code offset} on. */
    void seek(TopicPartition partition, long offset);

    /** Moves to the first readable offset of each partition, resolved with GetOffset. */
    void seekToBeginning(Collection<TopicPartition> partitions);

    /** Moves to the log end of each partition, resolved with GetOffset (the protocol has no "latest" sentinel). */
    void seekToEnd(Collection<TopicPartition> partitions);

    /** The offset of the next record poll will return for the partition; resolves the reset strategy if needed. */
    long position(TopicPartition partition, Duration timeout);

    /** Stops returning and prefetching records of these partitions until resumed. */
    void pause(Collection<TopicPartition> partitions);

    void resume(Collection<TopicPartition> partitions);

    Set<TopicPartition> paused();

    /**
     * Returns buffered records, waiting up to {@code timeout} for some to arrive. At most {@code max.poll.records}.
     *
     * @throws io.streambus.client.WakeupException if {@link #wakeup()} was called
     */
    ConsumerRecords<K, V> poll(Duration timeout);

    /** Makes a running or the next {@link #poll(Duration)} throw {@link io.streambus.client.WakeupException}. */
    void wakeup();

    /** Stops prefetching and releases buffered records; waits up to {@code timeout}. */
    void close(Duration timeout);

    @Override
    default void close() {
        close(Duration.ofSeconds(30));
    }
}
