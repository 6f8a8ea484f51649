package io.streambus.client.consumer;

import io.streambus.common.TopicPartition;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * A member of a consumer group (spec B.6): partitions are assigned by the group, positions start from committed
 * offsets, heartbeats run on their own thread. <b>Not thread-safe</b> except {@link #wakeup()}.
 */
public interface GroupConsumer<K, V> extends RecordConsumer<K, V> {

    void subscribe(Collection<String> topics, RebalanceListener listener);

    /** Subscribes to every topic whose name matches, re-evaluated when the topic list changes. */
    void subscribe(Pattern pattern, RebalanceListener listener);

    void unsubscribe();

    /** Polls, taking part in rebalances and auto-commit as configured. */
    @Override
    ConsumerRecords<K, V> poll(Duration timeout);

    /** Commits the positions of every assigned partition (records returned by poll so far), waiting up to timeout. */
    void commitSync(Duration timeout);

    /** Commits these offsets (next offset to consume), waiting up to timeout. */
    void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout);

    CompletableFuture<Void> commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets);

    /** Committed offsets of the group for these partitions (absent when none). */
    Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions, Duration timeout);

    String groupId();

    /** Member id assigned by the broker, empty before the first join. */
    String memberId();

    /**
     * The group id, generation and member id, for {@link io.streambus.client.producer.Producer#sendOffsetsToTransaction}
     * (consume-transform-produce, as Kafka's {@code groupMetadata()}).
     */
    ConsumerGroupMetadata groupMetadata();

    /** Commits (if auto-commit), leaves the group and releases resources, within timeout. */
    @Override
    void close(Duration timeout);
}
