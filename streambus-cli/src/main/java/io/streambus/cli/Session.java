package io.streambus.cli;

import io.streambus.client.ClientConfig;
import io.streambus.client.Futures;
import io.streambus.client.StreamBusClient;
import io.streambus.client.admin.Admin;
import io.streambus.client.admin.BrokerCapabilities;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What a command works with while it runs: the client on the chosen brokers, the terminal, and waiting for the
 * client's futures within its API timeout. Not thread-safe beyond what {@link StreamBusClient} offers.
 */
public final class Session {
    private final StreamBusClient client;
    private final Terminal terminal;
    private final long timeoutNanos;

    /** A session on {@code client} writing to {@code terminal}. */
    public Session(StreamBusClient client, Terminal terminal) {
        this.client = client;
        this.terminal = terminal;
        // The admin futures complete (or fail) within api.timeout.ms; the extra second lets them report why.
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(client.config().getInt(ClientConfig.API_TIMEOUT_MS) + 1000L);
    }

    /** The client. */
    public StreamBusClient client() {
        return client;
    }

    /** The client's admin API. */
    public Admin admin() {
        return client.admin();
    }

    /** The streams. */
    public Terminal terminal() {
        return terminal;
    }

    /** The broker list in effect. */
    public String bootstrap() {
        return String.join(",", client.config().getList(ClientConfig.BOOTSTRAP_SERVERS));
    }

    /** Waits for {@code future} within the client's API timeout; failures propagate as client exceptions. */
    public <T> T await(CompletableFuture<T> future, String what) {
        return Futures.await(future, timeoutNanos, what);
    }

    /** The broker's capabilities (ApiVersions), probing it if needed. */
    public BrokerCapabilities capabilities() {
        return await(admin().capabilities(), "asking the broker for its capabilities");
    }

    /**
     * Fails unless the broker serves consumer groups and their administration.
     *
     * @param command the command, for the message ({@code groups list})
     * @throws CliFailure naming the missing capability, for a core-only broker
     */
    public void requireGroups(String command) {
        BrokerCapabilities caps = capabilities();
        if (caps.coreOnly()) {
            throw new CliFailure("`" + command + "` needs an extended broker (" + BrokerCapabilities.CAP_GROUPS
                    + "); this broker is core-only (" + bootstrap() + " serves the core protocol only): start it "
                    + "without --core-only, or use --bootstrap to name an extended broker");
        }
        if (!caps.supportsCommittedOffsets() || !caps.serves(0x13) || !caps.serves(0x14)) {
            throw new CliFailure("`" + command + "` needs an extended broker (" + BrokerCapabilities.CAP_GROUPS
                    + ", " + BrokerCapabilities.CAP_GROUP_ADMIN + "); the broker at " + bootstrap()
                    + " does not serve OffsetFetch, OffsetCommit, DeleteGroups and ListGroups (see "
                    + "`streambus capabilities`)");
        }
    }

    /** Topic name to partition count. */
    public Map<String, Integer> topics() {
        return await(admin().listTopics(), "listing topics");
    }

    /**
     * The partition count of {@code topic}.
     *
     * @throws CliFailure if the topic does not exist
     */
    public int partitionCount(String topic) {
        Integer n = topics().get(topic);
        if (n == null) {
            throw new CliFailure("topic '" + topic + "' does not exist: `streambus topics list` shows the topics, "
                    + "`streambus topics create " + topic + " --partitions N` creates it");
        }
        return n;
    }
}
