package io.streambus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.testing.LeakCheck;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Bad usage gives exit code 2 with a message; an unreachable broker or bad settings name the fix. */
@ExtendWith(LeakCheck.class)
class UsageAndFailureTest {

    @Test
    void helpAndVersion() {
        Cli.Result help = Cli.raw("", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Usage: streambus").contains("--bootstrap").contains("--command-config")
                .contains("topics").contains("groups").contains("produce").contains("consume").contains("health")
                .contains("capabilities").contains("completion").contains("Exit codes:");
        Cli.Result groupsHelp = Cli.raw("", "groups", "describe", "--help");
        assertThat(groupsHelp.out()).contains("no DescribeGroups").contains("--output");
        assertThat(Cli.raw("", "help", "consume").out()).contains("--from-beginning").contains("--print-headers");
        assertThat(Cli.raw("", "--version").out()).startsWith("streambus ");
    }

    @Test
    void badUsageExitsWithTwoAndSaysWhy() {
        assertUsage(Cli.raw(""), "a command is missing");
        assertUsage(Cli.raw("", "topics"), "a subcommand is missing");
        assertUsage(Cli.raw("", "bogus"), "Unmatched argument");
        assertUsage(Cli.raw("", "topics", "list", "--bogus"), "Unknown option: '--bogus'");
        assertUsage(Cli.raw("", "topics", "describe"), "Missing required parameter: 'TOPIC'");
        assertUsage(Cli.raw("", "topics", "create", "t", "--partitions", "x"), "'x' is not an int");
        assertUsage(Cli.raw("", "topics", "list", "--output", "xml"), "'xml' is not an output format");
        assertUsage(Cli.raw("", "consume", "t", "--format", "csv"), "'csv' is not a record format");
        assertUsage(Cli.raw("", "consume", "t", "--timeout", "soon"), "'soon' is not a duration");
        assertUsage(Cli.raw("", "produce", "t", "--header", "novalue"), "'novalue' is not a header");
        assertUsage(Cli.raw("", "groups", "reset-offsets", "g", "--topic", "t"), "--to-earliest");
        assertUsage(Cli.raw("", "groups", "reset-offsets", "g", "--topic", "t", "--to-earliest", "--to-latest"),
                "mutually exclusive");
        assertUsage(Cli.raw("", "groups", "reset-offsets", "g", "--topic", "t", "--to-datetime", "yesterday"),
                "'yesterday' is not an ISO-8601 date-time");
        assertUsage(Cli.raw("", "groups", "reset-offsets", "g", "--to-earliest"), "--topic");
    }

    @Test
    void badUsageOfTheShareGroupTransactionAndXaCommandsExitsWithTwo() {
        assertUsage(Cli.raw("", "share-groups"), "a subcommand is missing: list, describe, configure or delete");
        assertUsage(Cli.raw("", "share-groups", "describe"), "Missing required parameter: 'GROUP'");
        assertUsage(Cli.raw("", "share-groups", "configure", "q", "--lock-ms", "x"), "'x' is not an int");
        assertUsage(Cli.raw("", "share-groups", "list", "--output", "xml"), "'xml' is not an output format");
        assertUsage(Cli.raw("", "transactions"), "a subcommand is missing: list, describe or abort");
        assertUsage(Cli.raw("", "transactions", "describe"), "Missing required parameter: 'ID'");
        assertUsage(Cli.raw("", "transactions", "abort"), "Missing required parameter: 'ID'");
        assertUsage(Cli.raw("", "transactions", "list", "--state", "Open"), "--state Open is not a branch state");
        assertUsage(Cli.raw("", "xa"), "a subcommand is missing: list, commit, rollback or forget");
        assertUsage(Cli.raw("", "xa", "commit"), "Missing required parameter: 'BRANCH'");
        assertUsage(Cli.raw("", "xa", "forget", "--heuristic", "p:xa:00000001:ab:"), "Unknown option: '--heuristic'");
        assertUsage(Cli.raw("", "xa", "bogus"), "Unmatched argument");
    }

    @Test
    void theHelpSaysWhatTheWireProtocolCannotShow() {
        assertThat(help("share-groups")).contains("it does not report the in-flight records by state or their "
                + "delivery counts");
        assertThat(help("transactions", "list"))
                .contains("Ordinary transactions are not listed: no request of the wire protocol lists them.");
        assertThat(help("transactions", "describe"))
                .contains("An ordinary transaction id cannot be described: the wire protocol has no request for it.");
        assertThat(help("xa", "rollback")).contains("--heuristic").contains("--prefix");
    }

    /** The help of a command, its lines joined (picocli wraps the descriptions at 80 columns). */
    private static String help(String... command) {
        String[] args = java.util.Arrays.copyOf(command, command.length + 1);
        args[command.length] = "--help";
        Cli.Result r = Cli.raw("", args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r.out().replaceAll("\\s+", " ");
    }

    /** Checked after parsing, before anything is sent: still bad usage. */
    @Test
    void semanticUsageErrorsAreBadUsageToo() throws IOException {
        int port = freePort();
        String bootstrap = "127.0.0.1:" + port;
        assertUsage(Cli.raw("", "topics", "create", "t", "--partitions", "0", "-b", bootstrap),
                "--partitions must be at least 1");
        assertUsage(Cli.raw("", "consume", "t", "--group", "g", "--partition", "0", "-b", bootstrap),
                "--partition cannot be used with --group");
        assertUsage(Cli.raw("", "consume", "t", "--max", "0", "-b", bootstrap), "--max must be at least 1");
        assertUsage(Cli.raw("", "groups", "reset-offsets", "g", "--topic", "t", "--to-offset", "-1", "-b",
                bootstrap), "--to-offset must be 0 or more");
        assertUsage(Cli.raw("", "produce", "t", "--key-separator", "", "-b", bootstrap),
                "--key-separator must not be empty");
    }

    @Test
    void anUnreachableBrokerIsNamedWithTheFix() throws IOException {
        String bootstrap = "127.0.0.1:" + freePort();
        Cli.Result r = Cli.raw("", "topics", "list", "--bootstrap", bootstrap);
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: cannot reach " + bootstrap
                + ": is a broker running there? use --bootstrap host:port");
    }

    @Test
    void commandConfigIsReadAndCheckedAndBadSettingsAreBadUsage(@TempDir Path dir) throws IOException {
        Cli.Result missing = Cli.raw("", "health", "--command-config", dir.resolve("nope.properties").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).startsWith("error: --command-config ").contains("nope.properties does not exist")
                .doesNotContain("Exception");

        Path bad = dir.resolve("bad.properties");
        Files.writeString(bad, "sasl.mechanism=ROT13\n");
        Cli.Result badSetting = Cli.raw("", "health", "--command-config", bad.toString());
        assertThat(badSetting.exit()).as(badSetting.toString()).isEqualTo(2);
        assertThat(badSetting.err()).contains("bad client setting").contains("sasl.mechanism")
                .contains("--command-config");

        // the file's bootstrap.servers is used when --bootstrap is not given
        String bootstrap = "127.0.0.1:" + freePort();
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "bootstrap.servers=" + bootstrap + "\napi.timeout.ms=2000\n");
        Cli.Result fromFile = Cli.raw("", "health", "-c", file.toString());
        assertThat(fromFile.exit()).isEqualTo(1);
        assertThat(fromFile.err()).contains("cannot reach " + bootstrap);
    }

    @Test
    void completionScriptCoversTheCommands() {
        Cli.Result r = Cli.raw("", "completion");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("complete -F").contains("streambus").contains("reset-offsets")
                .contains("--from-beginning").contains("--to-datetime").contains("share-groups")
                .contains("--max-delivery-attempts").contains("transactions").contains("--heuristic")
                .contains("--in-doubt");
    }

    private static void assertUsage(Cli.Result r, String message) {
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).as(r.toString()).contains(message);
    }

    /** A port nothing listens on (bound, then released). */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
