package io.streambus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An extended broker with consumer groups but share groups switched off: the share-groups commands name what this
 * broker does not serve (not "core-only"), while the group commands work.
 */
@ExtendWith(LeakCheck.class)
class ExtendedBrokerWithoutShareGroupsTest {
    private static EmbeddedBroker broker;
    private static Cli cli;

    @BeforeAll
    static void start() throws IOException {
        broker = EmbeddedBroker.builder().temporary().shareGroups(null).build();
        broker.start();
        cli = new Cli(broker.address());
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void shareGroupCommandsSayWhatTheBrokerDoesNotServe() {
        String lacks = "needs an extended broker (share-groups); the broker at " + broker.address() + " does not "
                + "serve share groups (feature bit SHARE_GROUPS, ShareGroupConfigure) with ListGroups and DeleteGroups "
                + "(see `streambus capabilities`): enable it on the broker, or use --bootstrap to name a broker that "
                + "serves it";
        for (String[] command : new String[][] {{"share-groups", "list"}, {"share-groups", "describe", "q"},
                {"share-groups", "configure", "q", "--lock-ms", "5000"}, {"share-groups", "delete", "q"}}) {
            Cli.Result r = cli.run(command);
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).as(r.toString()).contains("`" + command[0] + " " + command[1] + "` " + lacks);
            assertThat(r.out()).isEmpty();
        }
        Cli.Result caps = cli.run("capabilities");
        assertThat(caps.out()).containsPattern("extended").containsPattern("share-groups\\s+no")
                .containsPattern("consumer-groups\\s+yes");
        Cli.Result groups = cli.run("groups", "list");
        assertThat(groups.exit()).as(groups.toString()).isZero();
    }
}
