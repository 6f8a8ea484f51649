package io.streambus.camel.internal.consumer;

import io.streambus.client.Futures;
import io.streambus.client.StreamBusException;
import io.streambus.client.admin.Admin;
import io.streambus.client.consumer.GroupConsumer;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.client.consumer.OffsetCommits;
import io.streambus.common.TopicPartition;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.spi.StateRepository;

/**
 * Where a consumer thread commits offsets ("next offset to read" values) and reads them back: the group it is a
 * member of, a group it commits to without membership, or a Camel {@link StateRepository}. It only sends and reads
 * offsets; the broker (or the repository) keeps them. Called only from the consumer thread that owns it, except that
 * futures may complete on other threads.
 */
interface CommitTarget {

    /** Committed offsets of these partitions; partitions without one are absent. */
    Map<TopicPartition, Long> fetch(Set<TopicPartition> partitions, Duration timeout);

    /** Commits these offsets, waiting up to {@code timeout}. */
    void commitSync(Map<TopicPartition, Long> offsets, Duration timeout);

    /** Starts committing these offsets; the future completes when they are committed. */
    CompletableFuture<Void> commitAsync(Map<TopicPartition, Long> offsets);

    /** For logs: where the offsets go. */
    String describe();

    /** Commits through the group consumer (member of the group, generation checked by the broker). */
    static CommitTarget group(GroupConsumer<?, ?> consumer) {
        OffsetCommits commits = OffsetCommits.of(consumer);
        return new CommitTarget() {
            @Override
            public Map<TopicPartition, Long> fetch(Set<TopicPartition> partitions, Duration timeout) {
                return commits.committed(partitions, timeout);
            }

            @Override
            public void commitSync(Map<TopicPartition, Long> offsets, Duration timeout) {
                commits.commitSync(offsets, timeout);
            }

            @Override
            public CompletableFuture<Void> commitAsync(Map<TopicPartition, Long> offsets) {
                return commits.commitAsync(offsets);
            }

            @Override
            public String describe() {
                return "group " + commits.groupId();
            }
        };
    }

    /** Standalone commits (generation -1) of a group this consumer is not a member of, for explicit partitions. */
    static CommitTarget standalone(Admin admin, String groupId) {
        return new CommitTarget() {
            @Override
            public Map<TopicPartition, Long> fetch(Set<TopicPartition> partitions, Duration timeout) {
                Map<TopicPartition, Long> out = new HashMap<>();
                Futures.await(admin.committedOffsets(groupId, partitions), timeout.toNanos(),
                        "reading committed offsets of group " + groupId).forEach((tp, om) -> out.put(tp, om.offset()));
                return out;
            }

            @Override
            public void commitSync(Map<TopicPartition, Long> offsets, Duration timeout) {
                Futures.await(admin.commitOffsets(groupId, toMeta(offsets)), timeout.toNanos(),
                        "committing offsets of group " + groupId);
            }

            @Override
            public CompletableFuture<Void> commitAsync(Map<TopicPartition, Long> offsets) {
                return admin.commitOffsets(groupId, toMeta(offsets));
            }

            @Override
            public String describe() {
                return "group " + groupId + " (standalone commits)";
            }
        };
    }

    /** A Camel StateRepository, keyed {@code topic/partition}, the next offset as decimal text. */
    static CommitTarget repository(StateRepository<String, String> repository) {
        return new CommitTarget() {
            @Override
            public Map<TopicPartition, Long> fetch(Set<TopicPartition> partitions, Duration timeout) {
                Map<TopicPartition, Long> out = new HashMap<>();
                for (TopicPartition tp : partitions) {
                    String v = repository.getState(key(tp));
                    if (v != null && !v.isBlank()) {
                        try {
                            out.put(tp, Long.parseLong(v.trim()));
                        } catch (NumberFormatException e) {
                            throw new StreamBusException("offsetRepository holds '" + v + "' for " + key(tp)
                                    + ", which is not an offset");
                        }
                    }
                }
                return out;
            }

            @Override
            public void commitSync(Map<TopicPartition, Long> offsets, Duration timeout) {
                offsets.forEach((tp, o) -> repository.setState(key(tp), Long.toString(o)));
            }

            @Override
            public CompletableFuture<Void> commitAsync(Map<TopicPartition, Long> offsets) {
                try {
                    commitSync(offsets, null);
                    return CompletableFuture.completedFuture(null);
                } catch (RuntimeException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }

            @Override
            public String describe() {
                return "offsetRepository " + repository.getClass().getSimpleName();
            }
        };
    }

    /** The repository key of a partition. */
    static String key(TopicPartition tp) {
        return tp.topic() + "/" + tp.partition();
    }

    private static Map<TopicPartition, OffsetAndMetadata> toMeta(Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, OffsetAndMetadata> m = new LinkedHashMap<>();
        offsets.forEach((tp, o) -> m.put(tp, new OffsetAndMetadata(o)));
        return m;
    }
}
