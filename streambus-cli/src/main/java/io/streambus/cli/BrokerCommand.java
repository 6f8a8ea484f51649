package io.streambus.cli;

import io.streambus.client.StreamBusClient;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to the broker: opens a client from the global options, runs, and closes the client.
 * Subclasses implement {@link #run(Session)}. Not thread-safe: one instance per invocation.
 */
public abstract class BrokerCommand implements Callable<Integer> {
    /** How long closing the client may take (delivering what a producer accepted, leaving a group). */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /** This command's model, injected by picocli. */
    @Spec
    protected CommandSpec spec;

    /** Opens the client, runs the command, closes the client; returns the exit code. */
    @Override
    public final Integer call() throws Exception {
        StreamBusCli root = (StreamBusCli) spec.root().userObject();
        StreamBusClient client = root.settings().open();
        try {
            return run(new Session(client, root.terminal()));
        } finally {
            client.close(CLOSE_TIMEOUT);
        }
    }

    /**
     * Runs the command.
     *
     * @return the exit code: 0 done, 1 failed
     * @throws Exception any failure; it is explained on standard error with exit code 1
     */
    protected abstract int run(Session session) throws Exception;
}
