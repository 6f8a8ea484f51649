package io.streambus.cli;

import static io.streambus.cli.Cli.failed;
import static io.streambus.cli.Cli.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.txn.EosConfig;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.client.serialization.Serdes;
import io.streambus.client.share.ShareConsumer;
import io.streambus.client.share.ShareRecord;
import io.streambus.common.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * share-groups list, describe, configure and delete against an extended broker with share groups (and without
 * transactions, so that the transaction commands say what this broker lacks).
 */
@ExtendWith(LeakCheck.class)
class ShareGroupsCommandTest {
    @RegisterExtension
    static final CliBroker ENV = new CliBroker(b -> b.exactlyOnce(EosConfig.defaults().withTransactions(false)));

    @Test
    @SuppressWarnings("unchecked")
    void configureThenDescribeRoundTripInTableAndJson() {
        Cli.Result created = ok(ENV.cli().run("share-groups", "configure", "jobs", "--max-delivery-attempts", "3",
                "--lock-ms", "15000", "--dead-letter-topic", "jobs-dlq", "--auto-offset-reset", "latest",
                "--max-in-flight-records", "50"));
        assertThat(created.out()).contains("Configured share group jobs.")
                .contains("Share group: jobs  State: Empty  Members: 0  Total lag: 0")
                .contains("Settings: max-delivery-attempts 3, lock-ms 15000, dead-letter-topic jobs-dlq, "
                        + "auto-offset-reset latest, max-in-flight-records 50")
                .contains("No share-partitions");

        Map<String, Object> json = ok(ENV.cli().run("share-groups", "describe", "jobs", "-o", "json")).jsonObject();
        assertThat(json).containsEntry("group", "jobs").containsEntry("state", "Empty").containsEntry("members", 0L)
                .containsEntry("totalLag", 0L).containsEntry("recordStatesAvailable", false);
        assertThat((Map<String, Object>) json.get("settings")).isEqualTo(Map.of(
                "maxDeliveryAttempts", 3L, "acquisitionLockMs", 15000L, "deadLetterTopic", "jobs-dlq",
                "autoOffsetReset", "latest", "maxInFlightRecords", 50L));
        assertThat(Cli.list(json.get("partitions"))).isEmpty();

        // one change keeps the others; '' removes the dead-letter topic; the aliases work
        Map<String, Object> changed = ok(ENV.cli().run("share-groups", "configure", "jobs", "--dead-letter-topic", "",
                "--in-flight-limit", "7", "--output", "json")).jsonObject();
        assertThat((Map<String, Object>) changed.get("settings")).containsEntry("deadLetterTopic", "")
                .containsEntry("maxInFlightRecords", 7L).containsEntry("maxDeliveryAttempts", 3L)
                .containsEntry("acquisitionLockMs", 15000L).containsEntry("autoOffsetReset", "latest");
        assertThat(ok(ENV.cli().run("share-groups", "describe", "jobs")).out())
                .contains("dead-letter-topic -,").contains("max-in-flight-records 7");
        assertThat(ENV.client().admin().describeShareGroup("jobs").join().maxInFlightRecords()).isEqualTo(7);

        Cli.Result list = ok(ENV.cli().run("share-groups", "list"));
        assertThat(list.out()).containsPattern("GROUP\\s+STATE").containsPattern("jobs\\s+Empty");
        assertThat(ok(ENV.cli().run("share-groups", "list", "-o", "json")).jsonArray())
                .contains(Map.of("group", "jobs", "state", "Empty"));
    }

    @Test
    void describeShowsTheSharePartitionsOfAMember() {
        ok(ENV.cli().run("topics", "create", "queue", "--partitions", "1"));
        ok(ENV.cli().runWithInput("a\nb\nc\nd\ne\n", "produce", "queue"));
        ok(ENV.cli().run("share-groups", "configure", "workers", "--max-in-flight-records", "2"));
        try (ShareConsumer<String, String> member = ENV.client().newShareConsumer("workers",
                Serdes.stringDeserializer(), Serdes.stringDeserializer(), Map.of("share.fetch.max.wait.ms", 100,
                        "share.acknowledgement.mode", "explicit"))) {
            member.subscribe(List.of("queue"));
            // polls until records arrive (then stops: explicit mode holds them unacknowledged)
            List<ShareRecord<String, String>> held = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                held.addAll(member.poll(Duration.ofMillis(100)));
                return !held.isEmpty();
            });
            // the window holds the two acquired records and is full while three more wait beyond it
            await().atMost(Duration.ofSeconds(10)).until(() -> ENV.client().admin().describeShareGroup("workers").join()
                    .partitions().get(new TopicPartition("queue", 0)).inFlightRecords() == 2);
            Map<String, Object> json = ok(ENV.cli().run("share-groups", "describe", "workers", "-o", "json"))
                    .jsonObject();
            assertThat(json).containsEntry("state", "Stable").containsEntry("members", 1L)
                    .containsEntry("totalLag", 5L);
            assertThat(Cli.list(json.get("partitions"))).containsExactly(Map.of("topic", "queue", "partition", 0L,
                    "startOffset", 0L, "inFlightRecords", 2L, "inFlightLimitReached", true, "highWaterMark", 5L,
                    "lag", 5L));
            Cli.Result table = ok(ENV.cli().run("share-groups", "describe", "workers"));
            assertThat(table.out()).contains("Share group: workers  State: Stable  Members: 1  Total lag: 5")
                    .containsPattern("TOPIC\\s+PARTITION\\s+START-OFFSET\\s+IN-FLIGHT\\s+LIMIT-REACHED\\s+"
                            + "HIGH-WATER\\s+LAG")
                    .containsPattern("queue\\s+0\\s+0\\s+2\\s+yes\\s+5\\s+5")
                    .contains("In-flight records by state and their delivery counts: not available, the wire "
                            + "protocol does not report them: ShareGroupConfigure, the only request that describes a "
                            + "share group, gives per share-partition only the start offset, the in-flight count");
            assertThat(ok(ENV.cli().run("share-groups", "list", "--prefix", "work", "-o", "json")).jsonArray())
                    .containsExactly(Map.of("group", "workers", "state", "Stable"));

            Cli.Result refused = failed(ENV.cli().run("share-groups", "delete", "workers"), 1);
            assertThat(refused.err()).contains("share group 'workers' has members").contains("stop its consumers");
        }
        Map<String, Object> deleted = ok(ENV.cli().run("share-groups", "delete", "workers", "-o", "json")).jsonObject();
        assertThat(deleted).containsEntry("group", "workers").containsEntry("deleted", true);
        assertThat(failed(ENV.cli().run("share-groups", "describe", "workers"), 1).err())
                .contains("share group 'workers' does not exist").contains("streambus share-groups configure workers");
        assertThat(failed(ENV.cli().run("share-groups", "delete", "workers"), 1).err())
                .contains("share group 'workers' does not exist");
    }

    @Test
    void consumerGroupsAndShareGroupsAreToldApart() {
        ok(ENV.cli().run("topics", "create", "ledger-in", "--partitions", "1"));
        ENV.client().admin().commitOffsets("ledger", Map.of(new TopicPartition("ledger-in", 0),
                new OffsetAndMetadata(1))).join();
        ok(ENV.cli().run("share-groups", "configure", "tasks", "--max-delivery-attempts", "2"));
        assertThat(ok(ENV.cli().run("share-groups", "list", "-o", "json")).jsonArray())
                .noneMatch(g -> ((Map<?, ?>) g).get("group").equals("ledger"));
        assertThat(failed(ENV.cli().run("share-groups", "describe", "ledger"), 1).err())
                .contains("'ledger' is a consumer group, not a share group").contains("streambus groups describe");
        assertThat(failed(ENV.cli().run("share-groups", "configure", "ledger", "--lock-ms", "5000"), 1).err())
                .contains("'ledger' is a consumer group");
        assertThat(failed(ENV.cli().run("share-groups", "delete", "ledger"), 1).err())
                .contains("'ledger' is a consumer group").contains("streambus groups delete ledger");
        assertThat(failed(ENV.cli().run("groups", "describe", "tasks"), 1).err())
                .contains("'tasks' is a share group").contains("streambus share-groups describe tasks");
        assertThat(failed(ENV.cli().run("groups", "reset-offsets", "tasks", "--topic", "ledger-in", "--to-earliest"), 1)
                .err()).contains("'tasks' is a share group");
    }

    @Test
    void badSettingsAreBadUsage() {
        assertThat(failed(ENV.cli().run("share-groups", "configure", "g"), 2).err()).contains("nothing to change")
                .contains("--max-delivery-attempts");
        assertThat(failed(ENV.cli().run("share-groups", "configure", "g", "--max-delivery-attempts", "0"), 2).err())
                .contains("--max-delivery-attempts must be 1 to 1000, got 0");
        assertThat(failed(ENV.cli().run("share-groups", "configure", "g", "--lock-ms", "999"), 2).err())
                .contains("--lock-ms must be 1000 to 3600000");
        assertThat(failed(ENV.cli().run("share-groups", "configure", "g", "--max-in-flight-records", "100001"), 2)
                .err()).contains("--max-in-flight-records must be 1 to 100000");
        assertThat(failed(ENV.cli().run("share-groups", "configure", "g", "--auto-offset-reset", "newest"), 2).err())
                .contains("--auto-offset-reset must be earliest or latest");
        assertThat(failed(ENV.cli().run("share-groups", "configure", "g", "--lock-ms", "soon"), 2).err())
                .contains("--lock-ms");
        assertThat(failed(ENV.cli().run("share-groups"), 2).err()).contains("a subcommand is missing");
        assertThat(ENV.cli().run("share-groups", "list", "-o", "json").jsonArray())
                .noneMatch(g -> ((Map<?, ?>) g).get("group").equals("g"));
    }

    @Test
    void transactionCommandsNameWhatThisBrokerLacks() {
        Cli.Result xa = failed(ENV.cli().run("xa", "list"), 1);
        assertThat(xa.err()).contains("`xa list` needs an extended broker (two-phase-commit); the broker at "
                + ENV.address() + " does not serve two-phase commit");
        assertThat(failed(ENV.cli().run("transactions", "list"), 1).err())
                .contains("`transactions list` needs an extended broker (two-phase-commit)");
        assertThat(failed(ENV.cli().run("transactions", "abort", "app-1"), 1).err())
                .contains("`transactions abort` needs an extended broker (transactions)");
    }
}
