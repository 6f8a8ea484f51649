package io.streambus.cli;

import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code streambus}: the operator's command line for a StreamBus broker, after Kafka's {@code kafka-topics},
 * {@code kafka-consumer-groups} and console producer and consumer. This class is the top-level command: it holds
 * the global options (inherited by every subcommand, so they may be given before or after the subcommand), the
 * terminal streams, and the wiring of picocli's error handling to the exit codes 0 (ok), 1 (failed) and 2 (bad
 * usage). Not thread-safe: one instance per invocation.
 */
@Command(name = "streambus", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Operate a StreamBus broker: topics, consumer groups, share groups, transactions and XA "
                + "branches, console producer and consumer, health and capabilities.",
        subcommands = {TopicsCommand.class, GroupsCommand.class, ShareGroupsCommand.class,
                TransactionsCommand.class, XaCommand.class, ProduceCommand.class, ConsumeCommand.class,
                HealthCommand.class, CapabilitiesCommand.class, CompletionCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:failed (the message names the problem and the fix)",
                "2:bad usage (unknown command or option, bad value, bad client setting)"},
        footerHeading = "%nExamples:%n",
        footer = {"  streambus topics list",
                "  streambus topics create orders --partitions 3",
                "  echo 'k1:hello' | streambus produce orders --key-separator :",
                "  streambus consume orders --from-beginning --max 10 --print-key",
                "  streambus groups describe billing --output json",
                "  streambus share-groups configure jobs --max-delivery-attempts 3 --dead-letter-topic jobs-dlq",
                "  streambus xa list --in-doubt",
                "  source <(streambus completion)"})
public final class StreamBusCli implements Callable<Integer> {
    private final Terminal terminal;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-b", "--bootstrap"}, paramLabel = "HOST:PORT[,HOST:PORT...]", scope = ScopeType.INHERIT,
            description = "Brokers to connect to (default: bootstrap.servers of --command-config, else "
                    + ClientSettings.DEFAULT_BOOTSTRAP + ").")
    private String bootstrap;

    @Option(names = {"-c", "--command-config"}, paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Client properties file: sasl.mechanism, sasl.username, sasl.password, ssl.enabled, "
                    + "ssl.truststore.location, timeouts (any client setting).")
    private Path commandConfig;

    /** A command writing to and reading from {@code terminal}. */
    public StreamBusCli(Terminal terminal) {
        this.terminal = terminal;
    }

    /** Runs the command line and exits the JVM with its exit code. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(run(System.in, out, err, args));
    }

    /** Runs one command line with these streams and returns its exit code (0, 1 or 2). */
    public static int run(InputStream in, PrintWriter out, PrintWriter err, String... args) {
        return commandLine(new Terminal(in, out, err)).execute(args);
    }

    /** As {@link #run(InputStream, PrintWriter, PrintWriter, String...)} with print streams. */
    public static int run(InputStream in, PrintStream out, PrintStream err, String... args) {
        return run(in, new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true),
                new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true), args);
    }

    /**
     * The picocli command line for {@code terminal}, with the exit codes and error messages of this tool; tests
     * and embedders call {@link CommandLine#execute(String...)} on it.
     */
    public static CommandLine commandLine(Terminal terminal) {
        StreamBusCli root = new StreamBusCli(terminal);
        CommandLine cl = new CommandLine(root);
        cl.setOut(terminal.out());
        cl.setErr(terminal.err());
        // picocli answers bad usage with CommandLine.ExitCode.USAGE (2), as FailureExplainer.USAGE.
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            terminal.out().flush();
            terminal.err().println("error: " + FailureExplainer.explain(ex, root.settings().effectiveBootstrap()));
            terminal.err().flush();
            return FailureExplainer.exitCode(ex);
        });
        return cl;
    }

    /** The connection settings from the global options. */
    public ClientSettings settings() {
        return new ClientSettings(bootstrap, commandConfig);
    }

    /** The streams of this invocation. */
    public Terminal terminal() {
        return terminal;
    }

    /** Without a subcommand: bad usage, with the list of commands. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a command is missing: use one of "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
