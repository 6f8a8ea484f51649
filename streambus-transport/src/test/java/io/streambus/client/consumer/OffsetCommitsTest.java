package io.streambus.client.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.client.StreamBusTimeoutException;
import io.streambus.common.TopicPartition;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class OffsetCommitsTest {
    private static final TopicPartition A0 = new TopicPartition("a", 0);
    private static final TopicPartition A1 = new TopicPartition("a", 1);

    /** Records what the adapter hands to the group consumer; answers committed() from a fixed map. */
    private static final class Recorder {
        final List<Object[]> calls = new ArrayList<>();
        RuntimeException syncFailure;
        CompletableFuture<Void> asyncResult = CompletableFuture.completedFuture(null);
        Map<TopicPartition, OffsetAndMetadata> committed = Map.of();

        @SuppressWarnings("unchecked")
        GroupConsumer<Object, Object> consumer() {
            return (GroupConsumer<Object, Object>) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {GroupConsumer.class}, (proxy, method, args) -> {
                        calls.add(new Object[] {method.getName(), args});
                        switch (method.getName()) {
                            case "commitSync":
                                if (syncFailure != null) {
                                    throw syncFailure;
                                }
                                return null;
                            case "commitAsync":
                                return asyncResult;
                            case "committed":
                                return committed;
                            case "groupId":
                                return "g1";
                            default:
                                throw new UnsupportedOperationException(method.getName());
                        }
                    });
        }

        Object[] last() {
            return (Object[]) calls.get(calls.size() - 1)[1];
        }

        /** The offsets map handed to the consumer by call {@code i}. */
        @SuppressWarnings("unchecked")
        Map<TopicPartition, OffsetAndMetadata> sent(int i) {
            return (Map<TopicPartition, OffsetAndMetadata>) ((Object[]) calls.get(i)[1])[0];
        }
    }

    private static Map<TopicPartition, Long> offsets() {
        Map<TopicPartition, Long> m = new LinkedHashMap<>();
        m.put(A1, 7L);
        m.put(A0, 3L);
        return m;
    }

    @Test
    void commitSyncAddsTheMetadataToEveryOffsetKeepingOrderAndTimeout() {
        Recorder r = new Recorder();
        OffsetCommits commits = OffsetCommits.of(r.consumer(), "queue q1");

        commits.commitSync(offsets(), Duration.ofSeconds(3));

        assertThat(r.sent(0)).containsExactly(Map.entry(A1, new OffsetAndMetadata(7, "queue q1")),
                Map.entry(A0, new OffsetAndMetadata(3, "queue q1")));
        assertThat(r.last()[1]).isEqualTo(Duration.ofSeconds(3));
        assertThat(commits.metadata()).isEqualTo("queue q1");
    }

    @Test
    void withoutMetadataCommitsTheEmptyString() {
        Recorder r = new Recorder();
        OffsetCommits.of(r.consumer()).commitAsync(Map.of(A0, 5L));
        OffsetCommits.of(r.consumer(), null).commitAsync(Map.of(A1, 6L));

        assertThat(r.sent(0)).containsExactly(Map.entry(A0, new OffsetAndMetadata(5, "")));
        assertThat(r.sent(1)).containsExactly(Map.entry(A1, new OffsetAndMetadata(6, "")));
    }

    @Test
    void commitAsyncReturnsTheConsumersFuture() {
        Recorder r = new Recorder();
        CompletableFuture<Void> pending = new CompletableFuture<>();
        r.asyncResult = pending;

        CompletableFuture<Void> f = OffsetCommits.of(r.consumer(), "m").commitAsync(offsets());

        assertThat(f).isNotDone();
        pending.completeExceptionally(new StreamBusTimeoutException("late"));
        assertThat(f).isCompletedExceptionally();
    }

    @Test
    void commitSyncFailuresReachTheCaller() {
        Recorder r = new Recorder();
        r.syncFailure = new StreamBusTimeoutException("OffsetCommit did not complete");

        assertThatThrownBy(() -> OffsetCommits.of(r.consumer()).commitSync(offsets(), Duration.ofMillis(10)))
                .isSameAs(r.syncFailure);
    }

    @Test
    void committedDropsTheMetadata() {
        Recorder r = new Recorder();
        r.committed = Map.of(A0, new OffsetAndMetadata(11, "x"));

        Map<TopicPartition, Long> got = OffsetCommits.of(r.consumer()).committed(Set.of(A0, A1),
                Duration.ofSeconds(1));

        assertThat(got).containsExactly(Map.entry(A0, 11L));
        assertThat(r.last()[0]).isEqualTo(Set.of(A0, A1));
    }

    @Test
    void describesItsGroup() {
        Recorder r = new Recorder();
        assertThat(OffsetCommits.of(r.consumer()).groupId()).isEqualTo("g1");
        assertThat(OffsetCommits.of(r.consumer(), "sub s").toString()).contains("g1", "sub s");
        assertThatThrownBy(() -> OffsetCommits.of(null)).isInstanceOf(NullPointerException.class);
    }
}
