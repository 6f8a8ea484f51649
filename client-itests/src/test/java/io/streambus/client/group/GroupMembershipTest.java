package io.streambus.client.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.client.BrokerErrorException;
import io.streambus.client.StreamBusClient;
import io.streambus.common.TopicPartition;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.consumer.GroupConsumer;
import io.streambus.client.internal.group.DefaultGroupConsumer;
import io.streambus.client.serialization.Serdes;
import io.streambus.broker.testing.LeakCheck;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Membership: balanced assignment per strategy, expiry of a crashed member, pattern subscriptions, failures. */
@ExtendWith(LeakCheck.class)
class GroupMembershipTest {
    @TempDir
    static Path dir;
    static EmbeddedBroker broker;
    static StreamBusClient client;

    @BeforeAll
    static void start() throws Exception {
        broker = GroupTests.start(dir);
        client = GroupTests.client(broker.address(), Map.of("metadata.max.age.ms", 300));
        client.admin().createTopic("six", 6).get();
    }

    @AfterAll
    static void stop() {
        client.close();
        broker.close();
    }

    private static boolean balanced(List<? extends GroupConsumer<?, ?>> consumers, int total) {
        Set<TopicPartition> all = new HashSet<>();
        int sum = 0;
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (GroupConsumer<?, ?> c : consumers) {
            Set<TopicPartition> a = c.assignment();
            all.addAll(a);
            sum += a.size();
            min = Math.min(min, a.size());
            max = Math.max(max, a.size());
        }
        return all.size() == total && sum == total && max - min <= 1;
    }

    @ParameterizedTest
    @ValueSource(strings = {"range", "roundrobin", "sticky"})
    void threeMembersShareSixPartitions(String strategy) {
        List<GroupConsumer<String, String>> cs = new ArrayList<>();
        List<GroupTests.Recorder> recorders = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                GroupConsumer<String, String> c = GroupTests.consumer(client, "balance-" + strategy,
                        Map.of("partition.assignment.strategy", strategy));
                GroupTests.Recorder r = new GroupTests.Recorder();
                c.subscribe(List.of("six"), r);
                cs.add(c);
                recorders.add(r);
            }
            GroupTests.pollUntil(cs, Duration.ofSeconds(15), () -> balanced(cs, 6));
            for (GroupConsumer<String, String> c : cs) {
                assertThat(c.assignment()).hasSize(2);
                assertThat(c.memberId()).isNotEmpty();
            }
            if (strategy.equals("range")) {
                // range: consecutive partitions per member (B.6.3)
                for (GroupConsumer<String, String> c : cs) {
                    List<Integer> ps = c.assignment().stream().map(TopicPartition::partition).sorted().toList();
                    assertThat(ps.get(1) - ps.get(0)).isEqualTo(1);
                }
            }
            // every member saw assigned after revoked, never lost
            for (GroupTests.Recorder r : recorders) {
                assertThat(r.events).isNotEmpty().noneMatch(e -> e.startsWith("lost"));
                assertThat(r.events.get(r.events.size() - 1)).startsWith("assigned");
            }
        } finally {
            cs.forEach(c -> c.close(Duration.ofSeconds(5)));
        }
    }

    @Test
    void crashedMemberPartitionsMoveAfterSessionTimeout() {
        List<GroupConsumer<String, String>> cs = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                GroupConsumer<String, String> c = GroupTests.consumer(client, "crash", Map.of());
                c.subscribe(List.of("six"), null);
                cs.add(c);
            }
            GroupTests.pollUntil(cs, Duration.ofSeconds(15), () -> balanced(cs, 6));
            GroupConsumer<String, String> victim = cs.remove(2);
            Set<TopicPartition> orphaned = victim.assignment();
            long crashedAt = System.nanoTime();
            ((DefaultGroupConsumer<String, String>) victim).crashForTesting(); // no LeaveGroup, no heartbeats
            GroupTests.pollUntil(cs, Duration.ofSeconds(15), () -> balanced(cs, 6));
            long tookMs = (System.nanoTime() - crashedAt) / 1_000_000;
            Set<TopicPartition> survivors = new HashSet<>(cs.get(0).assignment());
            survivors.addAll(cs.get(1).assignment());
            assertThat(survivors).containsAll(orphaned).hasSize(6);
            // only the session timeout could have told the broker (no LeaveGroup was sent)
            assertThat(tookMs).isGreaterThanOrEqualTo(GroupTests.SESSION_MS - GroupTests.HEARTBEAT_MS);
        } finally {
            cs.forEach(c -> c.close(Duration.ofSeconds(5)));
        }
    }

    @Test
    void leavingMemberHandsOverAtOnce() {
        List<GroupConsumer<String, String>> cs = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                GroupConsumer<String, String> c = GroupTests.consumer(client, "leave", Map.of());
                c.subscribe(List.of("six"), null);
                cs.add(c);
            }
            GroupTests.pollUntil(cs, Duration.ofSeconds(15), () -> balanced(cs, 6));
            long t0 = System.nanoTime();
            cs.remove(1).close(Duration.ofSeconds(5));
            GroupTests.pollUntil(cs, Duration.ofSeconds(10), () -> balanced(cs, 6));
            // LeaveGroup: well before the session timeout would have removed it
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(GroupTests.SESSION_MS);
        } finally {
            cs.forEach(c -> c.close(Duration.ofSeconds(5)));
        }
    }

    @Test
    void patternSubscriptionPicksUpNewTopic() throws Exception {
        client.admin().createTopic("pat-a", 2).get();
        GroupTests.Recorder rec = new GroupTests.Recorder();
        try (GroupConsumer<String, String> c = GroupTests.consumer(client, "pattern", Map.of())) {
            c.subscribe(Pattern.compile("pat-.*"), rec);
            GroupTests.pollUntil(List.of(c), Duration.ofSeconds(10), () -> c.assignment().size() == 2);
            client.admin().createTopic("pat-b", 3).get();
            GroupTests.pollUntil(List.of(c), Duration.ofSeconds(10), () -> c.assignment().size() == 5);
            assertThat(c.assignment()).contains(new TopicPartition("pat-b", 2), new TopicPartition("pat-a", 1));
            assertThat(rec.events).contains("revoked 2", "assigned 5");
        }
    }

    @Test
    void topicCreatedAfterSubscribeIsAssignedWithoutWaitingForMetadataMaxAge() throws Exception {
        // default metadata.max.age.ms (5 min): only the leader's short re-check of missing topics can find it
        try (StreamBusClient own = GroupTests.client(broker.address(), Map.of());
             GroupConsumer<String, String> c = GroupTests.consumer(own, "late-topic", Map.of())) {
            c.subscribe(List.of("late"), null);
            GroupTests.pollUntil(List.of(c), Duration.ofSeconds(5), () -> !c.memberId().isEmpty());
            assertThat(c.assignment()).isEmpty();
            own.admin().createTopic("late", 2).get();
            GroupTests.pollUntil(List.of(c), Duration.ofSeconds(10), () -> c.assignment().size() == 2);
        }
    }

    @Test
    void sessionTimeoutOutsideBrokerRangeFailsThePoll() {
        try (GroupConsumer<String, String> c = GroupTests.consumer(client, "bad-session",
                Map.of("session.timeout.ms", 600, "heartbeat.interval.ms", 100))) {
            c.subscribe(List.of("six"), null);
            assertThatThrownBy(() -> {
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (System.nanoTime() < deadline) {
                    c.poll(Duration.ofMillis(50));
                }
            }).isInstanceOf(BrokerErrorException.class)
                    .satisfies(e -> assertThat(((BrokerErrorException) e).code()).isEqualTo(21))
                    .hasMessageContaining("bad-session");
        }
    }

    @Test
    void coreOnlyBrokerFailsAtOnce(@TempDir Path coreDir) {
        try (EmbeddedBroker core = GroupTests.start(GroupTests.brokerBuilder(coreDir).coreOnly(true));
             StreamBusClient c = GroupTests.client(core)) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> c.newGroupConsumer("g", Serdes.stringDeserializer(),
                    Serdes.stringDeserializer()))
                    .isInstanceOf(UnsupportedFeatureException.class)
                    .satisfies(e -> assertThat(((UnsupportedFeatureException) e).capability())
                            .isEqualTo(BrokerCapabilities.CAP_GROUPS));
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(3000);
        }
    }
}
