package io.streambus.camel.internal.consumer;

import io.streambus.client.StreamBusException;
import io.streambus.client.StreamBusTimeoutException;
import io.streambus.common.TopicPartition;
import io.streambus.client.admin.Admin;
import io.streambus.client.consumer.GroupConsumer;
import io.streambus.client.consumer.OffsetAndMetadata;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.spi.StateRepository;

/**
 * Where a consumer thread commits offsets ("next offset to read" values) and reads them back. Called only from the
 * consumer thread that owns it, except that futures may complete on other threads.
 */
interface OffsetStore {

    /** Committed offsets of these partitions; partitions without one are absent. */
    Map<TopicPartition, Long> fetch(Set<TopicPartition> partitions, Duration timeout);

    void commitSync(Map<TopicPartition, Long> offsets, Duration timeout);

    CompletableFuture<Void> commitAsync(Map<TopicPartition, Long> offsets);

    /** For logs: where the offsets go. */
    String describe();

    /** Commits through the group consumer (member of the group, generation checked by the broker). */
    static OffsetStore group(GroupConsumer<?, ?> consumer) {
        return new OffsetStore() {
            @Override
            public Map<TopicPartition, Long> fetch(Set<TopicPartition> partitions, Duration timeout) {
                Map<TopicPartition, Long> out = new HashMap<>();
                consumer.committed(partitions, timeout).forEach((tp, om) -> out.put(tp, om.offset()));
                return out;
            }

            @Override
            public void commitSync(Map<TopicPartition, Long> offsets, Duration timeout) {
                consumer.commitSync(toMeta(offsets), timeout);
            }

            @Override
            public CompletableFuture<Void> commitAsync(Map<TopicPartition, Long> offsets) {
                return consumer.commitAsync(toMeta(offsets));
            }

            @Override
            public String describe() {
                return "group " + consumer.groupId();
            }
        };
    }

    /** Standalone commits (generation -1) of a group this consumer is not a member of, for explicit partitions. */
    static OffsetStore standalone(Admin admin, String groupId) {
        return new OffsetStore() {
            @Override
            public Map<TopicPartition, Long> fetch(Set<TopicPartition> partitions, Duration timeout) {
                Map<TopicPartition, Long> out = new HashMap<>();
                await(admin.committedOffsets(groupId, partitions), timeout, "reading committed offsets of group "
                        + groupId).forEach((tp, om) -> out.put(tp, om.offset()));
                return out;
            }

            @Override
            public void commitSync(Map<TopicPartition, Long> offsets, Duration timeout) {
                await(admin.commitOffsets(groupId, toMeta(offsets)), timeout, "committing offsets of group "
                        + groupId);
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
    static OffsetStore repository(StateRepository<String, String> repository) {
        return new OffsetStore() {
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

    private static <T> T await(CompletableFuture<T> f, Duration timeout, String what) {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(false);
            throw new StreamBusTimeoutException(what + " did not complete within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamBusException(what + " interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof StreamBusException sbe) {
                throw sbe;
            }
            throw new StreamBusException(what + " failed: " + c, c);
        }
    }
}
