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

/** The console producer and consumer: keys, headers, partitions, text and JSON formats, --max and --timeout. */
@ExtendWith(LeakCheck.class)
class ConsoleRoundTripTest {
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
    void keysAndHeadersRoundTripInTextAndJson() {
        assertThat(cli.run("topics", "create", "rt", "--partitions", "1").exit()).isZero();
        Cli.Result produced = cli.runWithInput("k1:hello\nk2:wörld: with \"quotes\"\tand tab\nk3:\n", "produce", "rt",
                "--key-separator", ":", "--header", "source=cli", "--header", "trace=a=b");
        assertThat(produced.exit()).as(produced.toString()).isZero();
        assertThat(produced.err()).contains("Produced 3 records to rt.");

        Cli.Result text = cli.run("consume", "rt", "--from-beginning", "--max", "3", "--timeout", "10s",
                "--print-key", "--print-headers", "--print-offset", "--print-timestamp");
        assertThat(text.exit()).as(text.toString()).isZero();
        List<String> lines = text.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).matches("CreateTime:\\d+\tOffset:0\tsource:cli,trace:a=b\tk1\thello");
        assertThat(lines.get(1)).endsWith("Offset:1\tsource:cli,trace:a=b\tk2\twörld: with \"quotes\"\tand tab");
        assertThat(lines.get(2)).endsWith("Offset:2\tsource:cli,trace:a=b\tk3\t");
        assertThat(text.err()).contains("Processed a total of 3 messages.");

        Cli.Result json = cli.run("consume", "rt", "--from-beginning", "--max", "3", "--timeout", "10s",
                "--format", "json");
        assertThat(json.exit()).as(json.toString()).isZero();
        List<Map<String, Object>> records = json.out().lines().map(JsonParser::object).toList();
        assertThat(records).hasSize(3);
        Map<String, Object> second = records.get(1);
        assertThat(second).containsEntry("topic", "rt").containsEntry("partition", 0L).containsEntry("offset", 1L)
                .containsEntry("key", "k2").containsEntry("value", "wörld: with \"quotes\"\tand tab");
        assertThat(second.get("timestamp")).isInstanceOf(Long.class);
        assertThat(Cli.list(second.get("headers"))).containsExactly(Map.of("key", "source", "value", "cli"),
                Map.of("key", "trace", "value", "a=b"));
    }

    @Test
    void valuesWithoutKeysGoToTheChosenPartitionAndMaxStopsEarly() {
        assertThat(cli.run("topics", "create", "plain", "--partitions", "3").exit()).isZero();
        assertThat(cli.runWithInput("one\ntwo\nthree\n", "produce", "plain", "--partition", "2").exit()).isZero();

        Cli.Result all = cli.run("consume", "plain", "--from-beginning", "--timeout", "2s", "--print-partition",
                "--print-key");
        assertThat(all.exit()).as(all.toString()).isZero();
        assertThat(all.out().lines()).containsExactly("Partition:2\tnull\tone", "Partition:2\tnull\ttwo",
                "Partition:2\tnull\tthree");

        Cli.Result two = cli.run("consume", "plain", "--partition", "2", "--from-beginning", "--max", "2");
        assertThat(two.out().lines()).containsExactly("one", "two");
        assertThat(cli.run("consume", "plain", "--partition", "0", "--from-beginning", "--timeout", "500ms")
                .out()).isEmpty();
    }

    @Test
    void withoutFromBeginningOnlyNewRecordsArePrinted() {
        assertThat(cli.run("topics", "create", "tail", "--partitions", "1").exit()).isZero();
        assertThat(cli.runWithInput("before\n", "produce", "tail").exit()).isZero();
        Cli.Result r = cli.run("consume", "tail", "--timeout", "1s");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("Processed a total of 0 messages.");
    }

    @Test
    void aLineWithoutTheKeySeparatorFailsNamingTheLine() {
        Cli.Result r = cli.runWithInput("a:1\nno separator\n", "produce", "sep", "--key-separator", ":");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("line 2 has no key separator ':'").contains("KEY:VALUE");
    }

    @Test
    void consumingAMissingTopicOrPartitionFails() {
        Cli.Result topic = cli.run("consume", "absent", "--timeout", "1s");
        assertThat(topic.exit()).isEqualTo(1);
        assertThat(topic.err()).contains("topic 'absent' does not exist");

        assertThat(cli.run("topics", "create", "one-part", "--partitions", "1").exit()).isZero();
        Cli.Result partition = cli.run("consume", "one-part", "--partition", "5", "--timeout", "1s");
        assertThat(partition.exit()).isEqualTo(1);
        assertThat(partition.err()).contains("topic 'one-part' has no partition 5");
    }
}
