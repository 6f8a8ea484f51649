package io.streambus.client.consumer;

import io.streambus.common.TopicPartition;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;

/**
 * What every StreamBus consumer does, however its partitions are chosen: explicitly ({@link Consumer}) or by a
 * consumer group ({@link GroupConsumer}). Code that only polls, seeks and pauses can take either through this type.
 * <b>Not thread-safe</b>: use one consumer from one thread at a time, except {@link #wakeup()}.
 */
public interface RecordConsumer<K, V> extends AutoCloseable {

    /** Partitions currently assigned. */
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

    /**
     * Returns buffered records, waiting up to {@code timeout} for some to arrive. At most {@code max.poll.records}.
     *
     * @throws io.streambus.client.WakeupException if {@link #wakeup()} was called
     */
    ConsumerRecords<K, V> poll(Duration timeout);

    /** Makes a running or the next {@link #poll(Duration)} throw {@link io.streambus.client.WakeupException}. */
    void wakeup();

    /** Releases the consumer within {@code timeout}; see the subtypes for what else happens. */
    void close(Duration timeout);

    @Override
    default void close() {
        close(Duration.ofSeconds(30));
    }
}
