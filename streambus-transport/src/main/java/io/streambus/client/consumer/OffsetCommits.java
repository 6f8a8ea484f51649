package io.streambus.client.consumer;

import io.streambus.common.TopicPartition;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Commits plain "next offset to read" values ({@code Map<TopicPartition, Long>}) through a {@link GroupConsumer},
 * adding the same metadata to every committed offset. Integrations that track offsets as numbers (Camel's consumer,
 * the JMS provider) use this one adapter instead of each building {@link OffsetAndMetadata} maps themselves.
 *
 * <p>The commits are the member's own: the broker checks the group generation, so a commit after the partitions were
 * revoked fails as it would through {@link GroupConsumer#commitSync(Map, Duration)}. Offsets are passed on in the
 * iteration order of the given map.
 *
 * <p><b>Thread-safety:</b> the adapter itself is immutable, but it calls the group consumer, which is not
 * thread-safe: call its methods only from the thread that polls that consumer. The future of
 * {@link #commitAsync(Map)} may complete on a client thread.
 */
public final class OffsetCommits {
    private final GroupConsumer<?, ?> consumer;
    private final String metadata;

    private OffsetCommits(GroupConsumer<?, ?> consumer, String metadata) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.metadata = metadata == null ? "" : metadata;
    }

    /**
     * An adapter that commits without metadata (the empty string).
     *
     * @param consumer the group member whose offsets are committed
     * @return the adapter
     */
    public static OffsetCommits of(GroupConsumer<?, ?> consumer) {
        return new OffsetCommits(consumer, "");
    }

    /**
     * An adapter that attaches {@code metadata} to every committed offset.
     *
     * @param consumer the group member whose offsets are committed
     * @param metadata free-form text stored with each offset (null means none); the broker limits it to 4096 UTF-8
     *                 bytes (spec B.6.8) and refuses the commit beyond that
     * @return the adapter
     */
    public static OffsetCommits of(GroupConsumer<?, ?> consumer, String metadata) {
        return new OffsetCommits(consumer, metadata);
    }

    /**
     * Commits these offsets and waits for the broker's answer.
     *
     * @param offsets next offset to read per partition
     * @param timeout how long to wait for the commit
     * @throws io.streambus.client.StreamBusException as {@link GroupConsumer#commitSync(Map, Duration)} does, for
     *         example a {@link io.streambus.client.StreamBusTimeoutException} when the time runs out
     */
    public void commitSync(Map<TopicPartition, Long> offsets, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        consumer.commitSync(withMetadata(offsets), timeout);
    }

    /**
     * Starts committing these offsets without waiting.
     *
     * @param offsets next offset to read per partition
     * @return completes when the broker accepted the commit, exceptionally when it did not
     */
    public CompletableFuture<Void> commitAsync(Map<TopicPartition, Long> offsets) {
        return consumer.commitAsync(withMetadata(offsets));
    }

    /**
     * The group's committed offsets of these partitions, without their metadata.
     *
     * @param partitions the partitions to look up
     * @param timeout    how long to wait for the broker
     * @return next offset to read per partition; partitions without a committed offset are absent
     */
    public Map<TopicPartition, Long> committed(Set<TopicPartition> partitions, Duration timeout) {
        Map<TopicPartition, Long> out = new LinkedHashMap<>();
        consumer.committed(partitions, timeout).forEach((tp, om) -> out.put(tp, om.offset()));
        return out;
    }

    /**
     * The id of the group the offsets are committed to.
     *
     * @return the group id
     */
    public String groupId() {
        return consumer.groupId();
    }

    /**
     * The metadata attached to every commit.
     *
     * @return the metadata, the empty string for none
     */
    public String metadata() {
        return metadata;
    }

    private Map<TopicPartition, OffsetAndMetadata> withMetadata(Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, OffsetAndMetadata> m = new LinkedHashMap<>();
        offsets.forEach((tp, off) -> m.put(tp, new OffsetAndMetadata(off, metadata)));
        return m;
    }

    @Override
    public String toString() {
        return "OffsetCommits[group " + consumer.groupId() + (metadata.isEmpty() ? "" : ", metadata " + metadata)
                + "]";
    }
}
