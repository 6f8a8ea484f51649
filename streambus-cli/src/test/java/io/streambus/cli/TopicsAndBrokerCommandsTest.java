package io.streambus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** topics, health, capabilities and completion against an extended broker over a real socket. */
@ExtendWith(LeakCheck.class)
class TopicsAndBrokerCommandsTest {
    private static EmbeddedBroker broker;
    private static Cli cli;

    @BeforeAll
    static void start() throws IOException {
        broker = EmbeddedBroker.builder().temporary().build();
        broker.start();
        cli = new Cli(broker.address());
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void createListDescribeAndDeleteATopicInTableAndJson() {
        Cli.Result created = cli.run("topics", "create", "orders", "--partitions", "3");
        assertThat(created.exit()).as(created.toString()).isZero();
        assertThat(created.out()).contains("Created topic orders with 3 partitions.");

        Cli.Result table = cli.run("topics", "list");
        assertThat(table.exit()).as(table.toString()).isZero();
        assertThat(table.out()).containsPattern("TOPIC\\s+PARTITIONS").containsPattern("orders\\s+3");

        Cli.Result json = cli.run("topics", "list", "--output", "json");
        assertThat(json.exit()).isZero();
        assertThat(json.jsonArray()).contains(Map.of("topic", "orders", "partitions", 3L));

        assertThat(cli.runWithInput("a\nb\nc\n", "produce", "orders", "--partition", "1").exit()).isZero();
        Cli.Result described = cli.run("topics", "describe", "orders");
        assertThat(described.exit()).as(described.toString()).isZero();
        assertThat(described.out()).contains("Topic: orders  Partitions: 3  Records: 3")
                .containsPattern("PARTITION\\s+START\\s+END\\s+HIGH-WATER\\s+RECORDS")
                .containsPattern("(?m)^1\\s+0\\s+3\\s+3\\s+3$").containsPattern("(?m)^0\\s+0\\s+0\\s+0\\s+0$");

        Map<String, Object> d = cli.run("topics", "describe", "orders", "-o", "json").jsonObject();
        assertThat(d).containsEntry("topic", "orders").containsEntry("partitions", 3L).containsEntry("records", 3L);
        assertThat((List<?>) d.get("details")).hasSize(3).element(1).isEqualTo(Map.of("partition", 1L, "start", 0L,
                "end", 3L, "highWaterMark", 3L, "records", 3L));

        Cli.Result deleted = cli.run("topics", "delete", "orders");
        assertThat(deleted.exit()).as(deleted.toString()).isZero();
        assertThat(deleted.out()).contains("Deleted topic orders.");
        assertThat(cli.run("topics", "list", "-o", "json").jsonArray())
                .noneMatch(t -> "orders".equals(((Map<?, ?>) t).get("topic")));
    }

    @Test
    void describingAMissingTopicFailsNamingTheFix() {
        Cli.Result r = cli.run("topics", "describe", "nope");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("topic 'nope' does not exist").contains("streambus topics list");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void deletingAMissingTopicFailsWithTheBrokersReason() {
        Cli.Result r = cli.run("topics", "delete", "never-created");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: ").contains("streambus topics list");
    }

    @Test
    void creatingAnExistingTopicWithAnotherPartitionCountFails() {
        assertThat(cli.run("topics", "create", "fixed", "--partitions", "2").exit()).isZero();
        assertThat(cli.run("topics", "create", "fixed", "--partitions", "2").exit()).isZero();
        Cli.Result r = cli.run("topics", "create", "fixed", "--partitions", "4");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: ");
    }

    @Test
    void anInvalidTopicNameIsExplained() {
        Cli.Result r = cli.run("topics", "create", "bad name!");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: invalid topic name 'bad name!'");
    }

    @Test
    void healthInTableAndJson() {
        Cli.Result table = cli.run("health");
        assertThat(table.exit()).as(table.toString()).isZero();
        assertThat(table.out()).containsPattern("BROKER\\s+STATUS\\s+LATENCY")
                .containsPattern(broker.address().replace(".", "\\.") + "\\s+healthy\\s+\\d+ ms");
        Map<String, Object> json = cli.run("health", "--output=json").jsonObject();
        assertThat(json).containsEntry("status", "healthy").containsEntry("healthy", true)
                .containsEntry("bootstrap", broker.address()).containsKey("latencyMs");
    }

    @Test
    @SuppressWarnings("unchecked")
    void capabilitiesOfAnExtendedBroker() {
        Cli.Result table = cli.run("capabilities");
        assertThat(table.exit()).as(table.toString()).isZero();
        assertThat(table.out()).containsPattern("extended").containsPattern("consumer-groups\\s+yes")
                .containsPattern("group-admin\\s+yes").containsPattern("share-groups\\s+yes")
                .containsPattern("two-phase-commit\\s+yes").contains("0x01 PRODUCE").contains("0x14 LIST_GROUPS");
        Map<String, Object> json = cli.run("capabilities", "-o", "json").jsonObject();
        assertThat(json).containsEntry("mode", "extended").containsEntry("coreOnly", false);
        assertThat((Map<Object, Object>) json.get("capabilities")).containsEntry("consumer-groups", true)
                .containsEntry("topics", true);
        assertThat((List<Object>) json.get("requestTypes")).contains(Map.of("code", 1L, "name", "PRODUCE"));
        assertThat((List<Object>) json.get("features")).contains("PRESERVES_HEADERS_AND_TIMESTAMPS");
    }

    @Test
    void globalOptionsMayComeBeforeTheCommand() {
        Cli.Result r = Cli.raw("", "--bootstrap", broker.address(), "health", "-o", "json");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.jsonObject()).containsEntry("status", "healthy");
    }
}
