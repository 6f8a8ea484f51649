package io.streambus.jms.internal;

import io.streambus.common.TopicPartition;
import io.streambus.client.consumer.GroupConsumer;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.client.consumer.OffsetCommits;
import io.streambus.client.producer.Producer;
import io.streambus.client.consumer.RebalanceListener;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Records of one topic through a consumer group member: queues, durable and shared subscriptions. Partitions are
 * assigned by the group (a member without partitions stands by), positions start at the group's committed offsets,
 * and every commit carries the subscription description as metadata. Not thread-safe (fetcher thread), except
 * {@link #wakeup()}.
 */
final class GroupSource extends ClientConsumerSource {
    private final GroupConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final OffsetCommits commits;
    private final String metadata;
    private final Listener listener;

    GroupSource(GroupConsumer<byte[], byte[]> consumer, String topic, String metadata, Listener listener) {
        super(consumer);
        this.consumer = consumer;
        this.topic = topic;
        this.commits = OffsetCommits.of(consumer, metadata);
        this.metadata = metadata;
        this.listener = listener;
    }

    @Override
    public void open(Duration timeout) {
        consumer.subscribe(List.of(topic), new RebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                listener.revoked(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                listener.assigned(partitions);
            }
        });
    }

    @Override
    public boolean assignsInPoll() {
        return true;
    }

    @Override
    public boolean localCommits() {
        return false;
    }

    @Override
    public void commit(Map<TopicPartition, Long> offsets, Duration timeout) {
        commits.commitSync(offsets, timeout);
    }

    /** Bounded by the client's API timeout ({@code default.api.timeout.ms}). */
    @Override
    public CompletableFuture<Void> commitAsync(Map<TopicPartition, Long> offsets, Duration timeout) {
        return commits.commitAsync(offsets);
    }

    /** The offsets with the subscription metadata, in the producer's transaction for this member's group. */
    @Override
    public boolean stageInTransaction(Map<TopicPartition, Long> offsets, Producer<?, ?> producer) {
        Map<TopicPartition, OffsetAndMetadata> staged = new LinkedHashMap<>();
        offsets.forEach((tp, off) -> staged.put(tp, new OffsetAndMetadata(off, metadata)));
        producer.sendOffsetsToTransaction(staged, consumer.groupMetadata());
        return true;
    }
}
