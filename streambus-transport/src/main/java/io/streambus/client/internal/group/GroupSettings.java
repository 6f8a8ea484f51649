package io.streambus.client.internal.group;

import io.streambus.client.ClientConfig;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The settings of one group consumer, read once from its configuration. Immutable; thread-safe.
 *
 * @param assignorNames        strategies offered in JoinGroup, in preference order (B.6.3)
 * @param sessionTimeoutMs     sent in JoinGroup (B.6.1)
 * @param heartbeatIntervalMs  time between heartbeats
 * @param rebalanceTimeoutMs   sent in JoinGroup; JoinGroup/SyncGroup wait this + 5 s (B.6.1)
 * @param autoCommit           commit positions periodically, on revocation and on close
 * @param autoCommitIntervalNanos time between auto-commits
 * @param metadataMaxAgeNanos  time between checks of the topic list (pattern, partition counts)
 * @param requestTimeoutNanos  timeout of one request
 * @param apiTimeoutNanos      default deadline of a call with retries
 * @param backoffMs            first backoff after a failed coordinator request
 * @param backoffMaxMs         longest backoff
 */
record GroupSettings(List<String> assignorNames, int sessionTimeoutMs, int heartbeatIntervalMs,
                     int rebalanceTimeoutMs, boolean autoCommit, long autoCommitIntervalNanos,
                     long metadataMaxAgeNanos, long requestTimeoutNanos, long apiTimeoutNanos, long backoffMs,
                     long backoffMaxMs) {

    GroupSettings {
        assignorNames = List.copyOf(assignorNames);
    }

    /** Reads the consumer settings of {@code config}; the timeouts come from the client's network. */
    static GroupSettings of(ClientConfig config, long requestTimeoutNanos, long apiTimeoutNanos) {
        long backoff = Math.max(1, config.getInt(ClientConfig.RETRY_BACKOFF_MS));
        return new GroupSettings(config.getList(ClientConfig.PARTITION_ASSIGNMENT_STRATEGY),
                config.getInt(ClientConfig.SESSION_TIMEOUT_MS),
                config.getInt(ClientConfig.HEARTBEAT_INTERVAL_MS),
                config.getInt(ClientConfig.REBALANCE_TIMEOUT_MS),
                config.getBoolean(ClientConfig.ENABLE_AUTO_COMMIT),
                TimeUnit.MILLISECONDS.toNanos(config.getInt(ClientConfig.AUTO_COMMIT_INTERVAL_MS)),
                TimeUnit.MILLISECONDS.toNanos(Math.max(100, config.getLong(ClientConfig.METADATA_MAX_AGE_MS))),
                requestTimeoutNanos, apiTimeoutNanos, backoff,
                Math.max(backoff, config.getInt(ClientConfig.RETRY_BACKOFF_MAX_MS)));
    }

    long sessionTimeoutNanos() {
        return TimeUnit.MILLISECONDS.toNanos(sessionTimeoutMs);
    }

    long heartbeatIntervalNanos() {
        return TimeUnit.MILLISECONDS.toNanos(heartbeatIntervalMs);
    }

    /** How long a JoinGroup or SyncGroup response may be held, plus margin (B.6.1: rebalance timeout + 5 s). */
    long heldRequestTimeoutNanos() {
        return TimeUnit.MILLISECONDS.toNanos(rebalanceTimeoutMs + 5_000L);
    }
}
