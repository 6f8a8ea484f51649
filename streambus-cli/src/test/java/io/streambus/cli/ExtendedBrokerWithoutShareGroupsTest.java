package io.streambus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.testing.LeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An extended broker with consumer groups but share groups switched off: the share-groups commands name what this
 * broker does not serve (not "core-only"), while the group commands work.
 */
@ExtendWith(LeakCheck.class)
class ExtendedBrokerWithoutShareGroupsTest {
    @RegisterExtension
    static final CliBroker ENV = new CliBroker(b -> b.shareGroups(null));

    @Test
    void shareGroupCommandsSayWhatTheBrokerDoesNotServe() {
        String lacks = "needs an extended broker (share-groups); the broker at " + ENV.address() + " does not "
                + "serve share groups (feature bit SHARE_GROUPS, ShareGroupConfigure) with ListGroups and DeleteGroups "
                + "(see `streambus capabilities`): enable it on the broker, or use --bootstrap to name a broker that "
                + "serves it";
        for (String[] command : new String[][] {{"share-groups", "list"}, {"share-groups", "describe", "q"},
                {"share-groups", "configure", "q", "--lock-ms", "5000"}, {"share-groups", "delete", "q"}}) {
            assertThat(Cli.failed(ENV.cli().run(command), 1).err()).contains("`" + command[0] + " " + command[1]
                    + "` " + lacks);
        }
        assertThat(Cli.ok(ENV.cli().run("capabilities")).out()).containsPattern("extended").containsPattern("share-groups\\s+no")
                .containsPattern("consumer-groups\\s+yes");
        Cli.ok(ENV.cli().run("groups", "list"));
    }
}
