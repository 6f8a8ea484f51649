package io.streambus.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.client.StreamBusClient;
import io.streambus.client.consumer.GroupConsumer;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.client.consumer.RebalanceListener;
import io.streambus.client.serialization.Serdes;
import io.streambus.common.TopicPartition;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** groups list, describe, reset-offsets and delete, and consume --group, against an extended broker. */
@ExtendWith(LeakCheck.class)
class GroupsCommandTest {
    private static EmbeddedBroker broker;
    private static Cli cli;
    private static StreamBusClient client;

    @BeforeAll
    static void start() throws IOException {
        broker = EmbeddedBroker.builder().temporary().groupInitialRebalanceDelay(Duration.ZERO).build();
        broker.start();
        cli = new Cli(broker.address());
        client = StreamBusClient.builder().bootstrap(broker.address()).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        broker.close();
    }

    /** Topic with 2 partitions holding {@code perPartition} records each. */
    private static void topicWithRecords(String topic, int perPartition) {
        assertThat(cli.run("topics", "create", topic, "--partitions", "2").exit()).isZero();
        String lines = "x\n".repeat(perPartition);
        for (int p = 0; p < 2; p++) {
            Cli.Result r = cli.runWithInput(lines, "produce", topic, "--partition", String.valueOf(p));
            assertThat(r.exit()).as(r.toString()).isZero();
        }
    }

    private static void commit(String group, String topic, long p0, long p1) {
        client.admin().commitOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(p0),
                new TopicPartition(topic, 1), new OffsetAndMetadata(p1))).join();
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(String group) {
        return client.admin().committedOffsets(group, List.of()).join();
    }

    /** A member of {@code group}, subscribed to {@code topic}, once it has its assignment. */
    private static GroupConsumer<String, String> member(String group, String topic) {
        GroupConsumer<String, String> c = client.newGroupConsumer(group, Serdes.stringDeserializer(),
                Serdes.stringDeserializer(), Map.of("enable.auto.commit", false));
        c.subscribe(List.of(topic), new RebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            c.poll(Duration.ofMillis(100));
            return !c.assignment().isEmpty();
        });
        return c;
    }

    @Test
    void listAndDescribeInTableAndJson() {
        topicWithRecords("billing-in", 5);
        commit("billing", "billing-in", 2, 5);

        Cli.Result list = cli.run("groups", "list");
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out()).containsPattern("GROUP\\s+STATE\\s+PROTOCOL").containsPattern("billing\\s+Empty");
        List<Object> groups = cli.run("groups", "list", "-o", "json").jsonArray();
        assertThat(groups).contains(Map.of("group", "billing", "state", "Empty", "protocolType", ""));
        assertThat(cli.run("groups", "list", "--prefix", "zzz", "-o", "json").jsonArray()).isEmpty();

        Cli.Result describe = cli.run("groups", "describe", "billing");
        assertThat(describe.exit()).as(describe.toString()).isZero();
        assertThat(describe.out()).contains("Group: billing  State: Empty  Protocol: -  Total lag: 3")
                .containsPattern("TOPIC\\s+PARTITION\\s+COMMITTED\\s+HIGH-WATER\\s+LAG")
                .containsPattern("billing-in\\s+0\\s+2\\s+5\\s+3").containsPattern("billing-in\\s+1\\s+5\\s+5\\s+0")
                .contains("Members and assignments: not available, the wire protocol has no request that returns "
                        + "them");

        Map<String, Object> json = cli.run("groups", "describe", "billing", "--output", "json").jsonObject();
        assertThat(json).containsEntry("group", "billing").containsEntry("state", "Empty")
                .containsEntry("hasMembers", false).containsEntry("totalLag", 3L);
        assertThat(Cli.list(json.get("partitions"))).containsExactly(
                Map.of("topic", "billing-in", "partition", 0L, "committedOffset", 2L, "highWaterMark", 5L, "lag", 3L,
                        "metadata", ""),
                Map.of("topic", "billing-in", "partition", 1L, "committedOffset", 5L, "highWaterMark", 5L, "lag", 0L,
                        "metadata", ""));

        Cli.Result missing = cli.run("groups", "describe", "no-such-group");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("group 'no-such-group' does not exist").contains("streambus groups list");
    }

    @Test
    void resetOffsetsIsRefusedWithMembersAndAppliedWithout() {
        topicWithRecords("reset-in", 4);
        commit("resetters", "reset-in", 1, 1);
        try (GroupConsumer<String, String> m = member("resetters", "reset-in")) {
            assertThat(m.assignment()).hasSize(2);
            Cli.Result refused = cli.run("groups", "reset-offsets", "resetters", "--topic", "reset-in",
                    "--to-earliest");
            assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
            assertThat(refused.err()).contains("group 'resetters' has active members").contains("stop its consumers");

            Map<String, Object> described = cli.run("groups", "describe", "resetters", "-o", "json").jsonObject();
            assertThat(described).containsEntry("hasMembers", true);
            assertThat(described.get("state")).isNotEqualTo("Empty");

            Cli.Result deleteRefused = cli.run("groups", "delete", "resetters");
            assertThat(deleteRefused.exit()).isEqualTo(1);
            assertThat(deleteRefused.err()).contains("has active members");
        }
        assertThat(committed("resetters").get(new TopicPartition("reset-in", 0)).offset()).isEqualTo(1);

        Cli.Result dry = cli.run("groups", "reset-offsets", "resetters", "--topic", "reset-in", "--to-latest",
                "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.out()).containsPattern("TOPIC\\s+PARTITION\\s+CURRENT\\s+NEW")
                .containsPattern("reset-in\\s+0\\s+1\\s+4").contains("Dry run: nothing was changed.");
        assertThat(committed("resetters")).containsEntry(new TopicPartition("reset-in", 0), new OffsetAndMetadata(1))
                .containsEntry(new TopicPartition("reset-in", 1), new OffsetAndMetadata(1));

        Map<String, Object> latest = cli.run("groups", "reset-offsets", "resetters", "--topic", "reset-in",
                "--to-latest", "-o", "json").jsonObject();
        assertThat(latest).containsEntry("dryRun", false).containsEntry("applied", true);
        assertThat(Cli.list(latest.get("partitions"))).contains(Map.of("topic", "reset-in", "partition", 0L,
                "currentOffset", 1L, "newOffset", 4L));
        assertThat(committed("resetters").get(new TopicPartition("reset-in", 1)).offset()).isEqualTo(4);

        assertThat(cli.run("groups", "reset-offsets", "resetters", "--topic", "reset-in:1", "--shift-by", "-3")
                .exit()).isZero();
        assertThat(committed("resetters")).containsEntry(new TopicPartition("reset-in", 0), new OffsetAndMetadata(4))
                .containsEntry(new TopicPartition("reset-in", 1), new OffsetAndMetadata(1));

        // clamped to the high-water mark, as Kafka does
        Cli.Result toOffset = cli.run("groups", "reset-offsets", "resetters", "--topic", "reset-in",
                "--to-offset", "99");
        assertThat(toOffset.exit()).as(toOffset.toString()).isZero();
        assertThat(committed("resetters").get(new TopicPartition("reset-in", 1)).offset()).isEqualTo(4);

        assertThat(cli.run("groups", "reset-offsets", "resetters", "--topic", "reset-in", "--to-earliest").exit())
                .isZero();
        assertThat(committed("resetters").get(new TopicPartition("reset-in", 0)).offset()).isZero();

        Cli.Result deleted = cli.run("groups", "delete", "resetters");
        assertThat(deleted.exit()).as(deleted.toString()).isZero();
        assertThat(deleted.out()).contains("Deleted group resetters.");
        assertThat(committed("resetters")).isEmpty();
        assertThat(cli.run("groups", "delete", "resetters").err()).contains("does not exist");
    }

    @Test
    void resetToADateTimeFindsTheFirstRecordAtOrAfterIt() {
        assertThat(cli.run("topics", "create", "timed", "--partitions", "1").exit()).isZero();
        assertThat(cli.runWithInput("old1\nold2\n", "produce", "timed").exit()).isZero();
        Map<String, Object> first = JsonParser.object(cli.run("consume", "timed", "--from-beginning", "--max", "1",
                "--timeout", "10s", "--format", "json").out().trim());
        Instant cut = Instant.ofEpochMilli((Long) first.get("timestamp") + 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(cut));
        assertThat(cli.runWithInput("new1\n", "produce", "timed").exit()).isZero();

        Cli.Result r = cli.run("groups", "reset-offsets", "timed-group", "--topic", "timed", "--to-datetime",
                cut.toString(), "-o", "json");
        assertThat(r.exit()).as(r.toString()).isZero();
        long newOffset = (Long) ((Map<?, ?>) ((List<?>) r.jsonObject().get("partitions")).get(0)).get("newOffset");
        // old2 may share old1's millisecond or not; the new record is at offset 2 and nothing before cut qualifies
        assertThat(newOffset).isBetween(1L, 2L);
        assertThat(committed("timed-group").get(new TopicPartition("timed", 0)).offset()).isEqualTo(newOffset);

        assertThat(cli.run("groups", "reset-offsets", "timed-group", "--topic", "timed", "--to-datetime",
                "2999-01-01T00:00:00Z").exit()).isZero();
        assertThat(committed("timed-group").get(new TopicPartition("timed", 0)).offset()).isEqualTo(3);
    }

    @Test
    void consumeAsAGroupCommitsWhatItPrinted() {
        topicWithRecords("group-read", 3);
        Cli.Result r = cli.run("consume", "group-read", "--group", "readers", "--from-beginning", "--max", "4",
                "--timeout", "20s", "--print-partition");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out().lines()).hasSize(4);
        assertThat(r.err()).contains("Processed a total of 4 messages.");
        Map<TopicPartition, OffsetAndMetadata> c = committed("readers");
        assertThat(c.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(4);

        Cli.Result rest = cli.run("consume", "group-read", "--group", "readers", "--timeout", "3s");
        assertThat(rest.exit()).as(rest.toString()).isZero();
        assertThat(rest.out().lines()).hasSize(2);
        assertThat(committed("readers").values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(6);
    }
}
