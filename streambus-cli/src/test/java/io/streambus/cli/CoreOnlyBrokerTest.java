package io.streambus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Against a core-only broker: Part A commands work, group commands fail at once naming the missing capability. */
@ExtendWith(LeakCheck.class)
class CoreOnlyBrokerTest {
    private static final String NEEDS_EXTENDED = "needs an extended broker (consumer-groups); this broker is core-only";

    private static EmbeddedBroker broker;
    private static Cli cli;

    @BeforeAll
    static void start() throws IOException {
        broker = EmbeddedBroker.builder().temporary().coreOnly(true).build();
        broker.start();
        cli = new Cli(broker.address());
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void groupCommandsNeedAnExtendedBroker() {
        assertNeedsExtended(cli.run("groups", "list"), "groups list");
        assertNeedsExtended(cli.run("groups", "list", "-o", "json"), "groups list");
        assertNeedsExtended(cli.run("groups", "describe", "g"), "groups describe");
        assertNeedsExtended(cli.run("groups", "reset-offsets", "g", "--topic", "t", "--to-earliest"),
                "groups reset-offsets");
        assertNeedsExtended(cli.run("groups", "delete", "g"), "groups delete");
        assertNeedsExtended(cli.run("consume", "t", "--group", "g", "--timeout", "1s"), "consume --group");
    }

    @Test
    void shareGroupTransactionAndXaCommandsNeedAnExtendedBroker() {
        String shareGroups = "needs an extended broker (share-groups); this broker is core-only";
        assertFails(cli.run("share-groups", "list"), "share-groups list", shareGroups);
        assertFails(cli.run("share-groups", "describe", "q", "-o", "json"), "share-groups describe", shareGroups);
        assertFails(cli.run("share-groups", "configure", "q", "--lock-ms", "5000"), "share-groups configure",
                shareGroups);
        assertFails(cli.run("share-groups", "delete", "q"), "share-groups delete", shareGroups);
        String twoPhase = "needs an extended broker (two-phase-commit); this broker is core-only";
        assertFails(cli.run("transactions", "list"), "transactions list", twoPhase);
        assertFails(cli.run("transactions", "describe", "p:xa:00000001:ab:"), "transactions describe", twoPhase);
        assertFails(cli.run("transactions", "abort", "app-1"), "transactions abort",
                "needs an extended broker (transactions); this broker is core-only");
        assertFails(cli.run("xa", "list", "--in-doubt"), "xa list", twoPhase);
        assertFails(cli.run("xa", "commit", "p:xa:00000001:ab:"), "xa commit", twoPhase);
        assertFails(cli.run("xa", "rollback", "--heuristic", "p:xa:00000001:ab:"), "xa rollback", twoPhase);
        assertFails(cli.run("xa", "forget", "--prefix", "p", "00000001:ab:"), "xa forget", twoPhase);
    }

    @Test
    void capabilitiesSayCoreOnly() {
        Cli.Result table = cli.run("capabilities");
        assertThat(table.exit()).as(table.toString()).isZero();
        assertThat(table.out()).containsPattern("core-only").containsPattern("consumer-groups\\s+no")
                .containsPattern("topics\\s+yes").containsPattern("share-groups\\s+no")
                .containsPattern("two-phase-commit\\s+no").contains("Features: none");
        Map<String, Object> json = cli.run("capabilities", "--output", "json").jsonObject();
        assertThat(json).containsEntry("mode", "core-only").containsEntry("coreOnly", true)
                .containsEntry("featureBits", 0L);
        assertThat(Cli.list(json.get("requestTypes"))).hasSize(7);
    }

    @Test
    void topicsProduceConsumeAndHealthWork() {
        assertThat(cli.run("health", "-o", "json").jsonObject()).containsEntry("status", "healthy");
        assertThat(cli.run("topics", "create", "core", "--partitions", "2").exit()).isZero();
        assertThat(cli.run("topics", "list", "-o", "json").jsonArray())
                .contains(Map.of("topic", "core", "partitions", 2L));
        Cli.Result produced = cli.runWithInput("k:v1\nk:v2\n", "produce", "core", "--key-separator", ":",
                "--partition", "0");
        assertThat(produced.exit()).as(produced.toString()).isZero();
        assertThat(cli.run("topics", "describe", "core", "-o", "json").jsonObject()).containsEntry("records", 2L);
        Cli.Result consumed = cli.run("consume", "core", "--from-beginning", "--max", "2", "--print-key",
                "--print-offset");
        assertThat(consumed.exit()).as(consumed.toString()).isZero();
        assertThat(consumed.out().lines()).containsExactly("Offset:0\tk\tv1", "Offset:1\tk\tv2");
    }

    private static void assertNeedsExtended(Cli.Result r, String command) {
        assertFails(r, command, NEEDS_EXTENDED);
    }

    private static void assertFails(Cli.Result r, String command, String message) {
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).as(r.toString()).contains("`" + command + "` " + message);
        assertThat(r.out()).isEmpty();
    }
}
