package io.streambus.cli;

import io.streambus.client.BrokerErrorException;
import io.streambus.client.ClientConfig;
import io.streambus.client.Futures;
import io.streambus.client.StreamBusClient;
import io.streambus.client.admin.Admin;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.admin.PartitionOffsets;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.ErrorCode;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

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
        require(command, BrokerCapabilities.CAP_GROUPS,
                caps -> caps.supportsCommittedOffsets() && caps.serves(0x13) && caps.serves(0x14),
                "OffsetFetch, OffsetCommit, DeleteGroups and ListGroups");
    }

    /**
     * Fails unless the broker serves share groups (B.13) and ListGroups and DeleteGroups, which list and delete them.
     *
     * @param command the command, for the message ({@code share-groups list})
     */
    public void requireShareGroups(String command) {
        require(command, BrokerCapabilities.CAP_SHARE_GROUPS,
                caps -> caps.supportsShareGroups() && caps.serves(0x13) && caps.serves(0x14),
                "share groups (feature bit SHARE_GROUPS, ShareGroupConfigure) with ListGroups and DeleteGroups");
    }

    /**
     * Fails unless the broker serves transactions (B.7).
     *
     * @param command the command, for the message ({@code transactions abort})
     */
    public void requireTransactions(String command) {
        require(command, BrokerCapabilities.CAP_TRANSACTIONS, BrokerCapabilities::supportsTransactions,
                "transactions (InitProducerID to EndTxn, feature bit TXN_DATA_PATH)");
    }

    /**
     * Fails unless the broker serves two-phase commit (B.7.8): the listing and the decisions of XA branches.
     *
     * @param command the command, for the message ({@code xa list})
     */
    public void requireTwoPhaseCommit(String command) {
        require(command, BrokerCapabilities.CAP_TWO_PHASE_COMMIT, BrokerCapabilities::supportsTwoPhaseCommit,
                "two-phase commit (feature bit TWO_PHASE_COMMIT, InitXaBranch to ListXaBranches)");
    }

    /**
     * Fails with a message naming {@code capability} unless {@code served} holds for the broker's capabilities: a
     * core-only broker is named as such, an extended broker that lacks the capability by what it does not serve.
     */
    private void require(String command, String capability, Predicate<BrokerCapabilities> served, String what) {
        BrokerCapabilities caps = capabilities();
        if (caps.coreOnly()) {
            throw new CliFailure("`" + command + "` needs an extended broker (" + capability + "); this broker is "
                    + "core-only (" + bootstrap() + " serves the core protocol only): start it without --core-only, "
                    + "or use --bootstrap to name an extended broker");
        }
        if (!served.test(caps)) {
            throw new CliFailure("`" + command + "` needs an extended broker (" + capability + "); the broker at "
                    + bootstrap() + " does not serve " + what + " (see `streambus capabilities`): enable it on the "
                    + "broker, or use --bootstrap to name a broker that serves it");
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

    /**
     * The high-water mark {@code offsets} reports for {@code tp}, or null when the topic or partition is gone (its
     * committed offsets and share-partitions go with it, B.6.8, B.13.1).
     */
    public Long highWaterMark(TopicPartition tp, CompletableFuture<PartitionOffsets> offsets) {
        try {
            return await(offsets, "reading the offsets of " + tp).highWaterMark();
        } catch (BrokerErrorException e) {
            if (e.code() == ErrorCode.TOPIC_NOT_FOUND || e.code() == ErrorCode.PARTITION_NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }
}
