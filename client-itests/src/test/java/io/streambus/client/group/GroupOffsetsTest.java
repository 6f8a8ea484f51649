package io.streambus.client.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.client.StreamBusClient;
import io.streambus.common.TopicPartition;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.client.consumer.GroupConsumer;
import io.streambus.client.consumer.NoOffsetException;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.broker.testing.LeakCheck;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Committed offsets: manual commits across rebalances, auto-commit, broker restart, seeks. */
@ExtendWith(LeakCheck.class)
class GroupOffsetsTest {

    /** Polls until {@code n} records came back or the time is up. */
    private static List<ConsumerRecord<String, String>> consume(GroupConsumer<String, String> c, int n,
                                                                Duration max) {
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        long deadline = System.nanoTime() + max.toNanos();
        while (got.size() < n && System.nanoTime() < deadline) {
            c.poll(Duration.ofMillis(50)).forEach(got::add);
        }
        return got;
    }

    private static Set<TopicPartition> parts(String topic, int n) {
        Set<TopicPartition> s = new HashSet<>();
        for (int i = 0; i < n; i++) {
            s.add(new TopicPartition(topic, i));
        }
        return s;
    }

    /**
     * Members join and leave while 3000 records are processed; each member commits what it processed after every
     * poll (manual commit). Nothing is lost, and since every processed record was committed before the member's
     * next poll (where revocation happens), nothing is processed twice either; records whose commit failed are the
     * only ones allowed to come again.
     */
    @Test
    void manualCommitAcrossRebalancesLosesNothing(@TempDir Path dir) throws Exception {
        int total = 3000;
        try (EmbeddedBroker broker = GroupTests.start(dir); StreamBusClient client = GroupTests.client(broker)) {
            client.admin().createTopic("orders", 6).get();
            GroupTests.produce(client, "orders", 6, 0, total);
            Map<String, Integer> seen = new HashMap<>();
            Set<String> uncommitted = new HashSet<>();
            List<GroupConsumer<String, String>> members = new ArrayList<>();
            int step = 0;
            long deadline = System.nanoTime() + 30_000_000_000L;
            try {
                members.add(GroupTests.consumer(client, "manual", Map.of("max.poll.records", 10)));
                members.get(0).subscribe(List.of("orders"), null);
                while (seen.size() < total && System.nanoTime() < deadline) {
                    if (step == 0 && seen.size() >= 500 || step == 1 && seen.size() >= 1000) {
                        step++;
                        GroupConsumer<String, String> c = GroupTests.consumer(client, "manual",
                                Map.of("max.poll.records", 10));
                        c.subscribe(List.of("orders"), null);
                        members.add(c);
                    }
                    if (step == 2 && seen.size() >= 1800) {
                        step++;
                        members.remove(0).close(Duration.ofSeconds(5)); // leaves mid-stream
                    }
                    for (GroupConsumer<String, String> c : members) {
                        ConsumerRecords<String, String> rs = c.poll(Duration.ofMillis(20));
                        if (rs.isEmpty()) {
                            continue;
                        }
                        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
                        List<String> batch = new ArrayList<>();
                        for (ConsumerRecord<String, String> r : rs) {
                            String id = GroupTests.id(r);
                            seen.merge(id, 1, Integer::sum);
                            batch.add(id);
                            assertThat(r.value()).isEqualTo("v" + r.key().substring(1));
                            commit.put(new TopicPartition(r.topic(), r.partition()),
                                    new OffsetAndMetadata(r.offset() + 1));
                        }
                        try {
                            c.commitSync(commit, Duration.ofSeconds(5));
                        } catch (RuntimeException e) {
                            uncommitted.addAll(batch); // at-least-once window: these may come again
                        }
                    }
                }
            } finally {
                members.forEach(c -> c.close(Duration.ofSeconds(5)));
            }
            assertThat(step).isEqualTo(3); // the joins and the leave happened mid-stream
            assertThat(seen).hasSize(total);
            List<String> dups = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                    .toList();
            assertThat(uncommitted).containsAll(dups);
            try (GroupConsumer<String, String> probe = GroupTests.consumer(client, "manual", Map.of())) {
                Map<TopicPartition, OffsetAndMetadata> committed = probe.committed(parts("orders", 6),
                        Duration.ofSeconds(5));
                assertThat(committed).hasSize(6);
                assertThat(committed.values()).allSatisfy(o -> assertThat(o.offset()).isEqualTo(total / 6));
            }
        }
    }

    /** Auto-commit with a long interval: only the commit on revocation can hand positions over to the new owner. */
    @Test
    void autoCommitOnRevocationHandsOverWithoutDuplicates(@TempDir Path dir) throws Exception {
        int total = 1200;
        try (EmbeddedBroker broker = GroupTests.start(dir); StreamBusClient client = GroupTests.client(broker)) {
            client.admin().createTopic("handover", 4).get();
            GroupTests.produce(client, "handover", 4, 0, total);
            Map<String, Integer> seen = new HashMap<>();
            Map<String, Object> cfg = Map.of("enable.auto.commit", true, "auto.commit.interval.ms", 600_000,
                    "max.poll.records", 10);
            GroupTests.Recorder recA = new GroupTests.Recorder();
            List<GroupConsumer<String, String>> members = new ArrayList<>();
            try {
                members.add(GroupTests.consumer(client, "handover", cfg));
                members.get(0).subscribe(List.of("handover"), recA);
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (seen.size() < total && System.nanoTime() < deadline) {
                    if (members.size() == 1 && seen.size() >= total / 3) {
                        members.add(GroupTests.consumer(client, "handover", cfg));
                        members.get(1).subscribe(List.of("handover"), null);
                    }
                    for (GroupConsumer<String, String> c : members) {
                        c.poll(Duration.ofMillis(20)).forEach(r -> seen.merge(GroupTests.id(r), 1, Integer::sum));
                    }
                }
            } finally {
                members.forEach(c -> c.close(Duration.ofSeconds(5)));
            }
            assertThat(recA.events).contains("revoked 4", "assigned 2");
            assertThat(seen).hasSize(total);
            assertThat(seen.entrySet()).filteredOn(e -> e.getValue() > 1).isEmpty();
        }
    }

    @Test
    void committedOffsetsSurviveBrokerRestart(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = GroupTests.start(dir); StreamBusClient client = GroupTests.client(broker)) {
            client.admin().createTopic("durable", 2).get();
            GroupTests.produce(client, "durable", 2, 0, 100);
            GroupTests.Recorder rec = new GroupTests.Recorder();
            try (GroupConsumer<String, String> c = GroupTests.consumer(client, "restart", Map.of())) {
                c.subscribe(List.of("durable"), rec);
                List<ConsumerRecord<String, String>> first = consume(c, 100, Duration.ofSeconds(10));
                assertThat(first).hasSize(100);
                c.commitSync(Duration.ofSeconds(5));

                String before = c.memberId();
                broker.stop();
                broker.start();
                // the restarted broker kept the group's membership (durable membership): the member heartbeats
                // within its session timeout, keeps its id and its partitions, and its commits succeed
                GroupTests.produce(client, "durable", 2, 100, 50);
                List<ConsumerRecord<String, String>> after = consume(c, 50, Duration.ofSeconds(15));
                assertThat(after).extracting(ConsumerRecord::value).hasSize(50)
                        .doesNotHaveDuplicates().allMatch(v -> Integer.parseInt(v.substring(1)) >= 100);
                assertThat(c.assignment()).hasSize(2);
                c.commitSync(Duration.ofSeconds(5));
                assertThat(c.memberId()).isEqualTo(before);
                assertThat(rec.events).contains("assigned 2").doesNotContain("lost 2", "revoked 2");
            }
            broker.stop();
            broker.start();
            try (GroupConsumer<String, String> fresh = GroupTests.consumer(client, "restart", Map.of())) {
                assertThat(fresh.committed(parts("durable", 2), Duration.ofSeconds(5)).values())
                        .extracting(OffsetAndMetadata::offset).containsExactly(75L, 75L);
                fresh.subscribe(List.of("durable"), null);
                GroupTests.produce(client, "durable", 2, 150, 2);
                List<ConsumerRecord<String, String>> got = consume(fresh, 2, Duration.ofSeconds(10));
                assertThat(got).extracting(ConsumerRecord::offset).containsOnly(75L);
            }
        }
    }

    /**
     * Durable membership over real sockets: after a broker restart the member that heartbeats keeps its id and its
     * partition (an ordinary rebalance follows, not a lost membership), while the member that never comes back
     * expires after its session timeout and its partition moves to the other one, whose commits succeed.
     */
    @Test
    void afterARestartTheMemberThatComesBackStaysAndTheOtherExpires(@TempDir Path dir) throws Exception {
        EmbeddedBroker broker = GroupTests.start(dir);
        StreamBusClient goneClient = GroupTests.client(broker);
        GroupConsumer<String, String> gone = GroupTests.consumer(goneClient, "stay", Map.of());
        try (broker; StreamBusClient client = GroupTests.client(broker);
             GroupConsumer<String, String> stays = GroupTests.consumer(client, "stay", Map.of())) {
            client.admin().createTopic("stay", 2).get();
            GroupTests.Recorder rec = new GroupTests.Recorder();
            stays.subscribe(List.of("stay"), rec);
            gone.subscribe(List.of("stay"), null);
            GroupTests.pollUntil(List.of(stays, gone), Duration.ofSeconds(15),
                    () -> stays.assignment().size() == 1 && gone.assignment().size() == 1);
            String id = stays.memberId();
            broker.stop();
            goneClient.close(); // this member never talks to the broker again
            broker.start();
            GroupTests.pollUntil(List.of(stays), Duration.ofSeconds(15), () -> stays.assignment().size() == 2);
            assertThat(stays.memberId()).isEqualTo(id);
            assertThat(rec.events).doesNotContain("lost 1").endsWith("revoked 1", "assigned 2");
            GroupTests.produce(client, "stay", 2, 0, 10);
            assertThat(consume(stays, 10, Duration.ofSeconds(10))).hasSize(10);
            stays.commitSync(Duration.ofSeconds(5));
            assertThat(stays.committed(parts("stay", 2), Duration.ofSeconds(5)).values())
                    .extracting(OffsetAndMetadata::offset).containsExactly(5L, 5L);
        } finally {
            gone.close(Duration.ofSeconds(1));
        }
    }

    @Test
    void autoCommitCommitsReturnedRecords(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = GroupTests.start(dir); StreamBusClient client = GroupTests.client(broker)) {
            client.admin().createTopic("auto", 3).get();
            GroupTests.produce(client, "auto", 3, 0, 300);
            try (GroupConsumer<String, String> c = GroupTests.consumer(client, "auto",
                    Map.of("enable.auto.commit", true, "auto.commit.interval.ms", 100))) {
                c.subscribe(List.of("auto"), null);
                assertThat(consume(c, 300, Duration.ofSeconds(10))).hasSize(300);
                // by interval, from later polls, without closing
                long deadline = System.nanoTime() + 5_000_000_000L;
                Map<TopicPartition, OffsetAndMetadata> committed = Map.of();
                while (System.nanoTime() < deadline) {
                    c.poll(Duration.ofMillis(50));
                    committed = c.committed(parts("auto", 3), Duration.ofSeconds(5));
                    if (committed.size() == 3 && committed.values().stream().allMatch(o -> o.offset() == 100)) {
                        break;
                    }
                }
                assertThat(committed.values()).extracting(OffsetAndMetadata::offset).containsOnly(100L);
                GroupTests.produce(client, "auto", 3, 300, 30);
                assertThat(consume(c, 30, Duration.ofSeconds(10))).hasSize(30);
            } // close commits too
            try (GroupConsumer<String, String> c = GroupTests.consumer(client, "auto", Map.of())) {
                assertThat(c.committed(parts("auto", 3), Duration.ofSeconds(5)).values())
                        .extracting(OffsetAndMetadata::offset).containsOnly(110L);
            }
        }
    }

    @Test
    void seeksAndResetPolicy(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = GroupTests.start(dir); StreamBusClient client = GroupTests.client(broker)) {
            client.admin().createTopic("seek", 1).get();
            GroupTests.produce(client, "seek", 1, 0, 20);
            TopicPartition tp = new TopicPartition("seek", 0);
            try (GroupConsumer<String, String> c = GroupTests.consumer(client, "seek", Map.of())) {
                c.subscribe(List.of("seek"), null);
                assertThat(consume(c, 20, Duration.ofSeconds(10))).hasSize(20);
                c.seekToBeginning(List.of(tp));
                assertThat(consume(c, 20, Duration.ofSeconds(10))).extracting(ConsumerRecord::offset)
                        .startsWith(0L, 1L).hasSize(20);
                c.seek(tp, 15);
                assertThat(c.position(tp, Duration.ofSeconds(5))).isEqualTo(15);
                assertThat(consume(c, 5, Duration.ofSeconds(10))).extracting(ConsumerRecord::offset)
                        .containsExactly(15L, 16L, 17L, 18L, 19L);
                c.seekToEnd(List.of(tp));
                assertThat(c.position(tp, Duration.ofSeconds(5))).isEqualTo(20);
            }
            // latest: no committed offset, starts at the end
            try (GroupConsumer<String, String> c = GroupTests.consumer(client, "seek-latest",
                    Map.of("auto.offset.reset", "latest"))) {
                c.subscribe(List.of("seek"), null);
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (c.assignment().isEmpty() && System.nanoTime() < deadline) {
                    c.poll(Duration.ofMillis(50));
                }
                assertThat(c.position(tp, Duration.ofSeconds(5))).isEqualTo(20);
            }
            // none: no committed offset is an error naming the partition
            try (GroupConsumer<String, String> c = GroupTests.consumer(client, "seek-none",
                    Map.of("auto.offset.reset", "none"))) {
                c.subscribe(List.of("seek"), null);
                assertThatThrownBy(() -> consume(c, 1, Duration.ofSeconds(10)))
                        .isInstanceOf(NoOffsetException.class).hasMessageContaining("seek");
            }
        }
    }

    @Test
    void wakeupInterruptsPoll(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = GroupTests.start(dir); StreamBusClient client = GroupTests.client(broker)) {
            client.admin().createTopic("idle", 1).get();
            try (GroupConsumer<String, String> c = GroupTests.consumer(client, "wake", Map.of())) {
                c.subscribe(List.of("idle"), null);
                Thread poller = Thread.currentThread();
                // wakes the poll up once it is blocked (not before, which would not test interrupting it)
                new Thread(() -> {
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> poller.getState() == Thread.State.TIMED_WAITING);
                    c.wakeup();
                }).start();
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> c.poll(Duration.ofSeconds(20)))
                        .isInstanceOf(io.streambus.client.WakeupException.class);
                assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5000);
                c.poll(Duration.ofMillis(10)); // usable again
            }
        }
    }

    @SuppressWarnings("unused")
    private static void unused() throws IOException {
    }
}
