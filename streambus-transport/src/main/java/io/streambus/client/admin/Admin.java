package io.streambus.client.admin;

import io.streambus.common.TopicPartition;
import io.streambus.client.consumer.OffsetAndMetadata;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import io.streambus.protocol.txn.XaBranch;
import io.streambus.protocol.txn.Xid;
import java.util.concurrent.CompletableFuture;

/**
 * Topic, offset and group administration. Thread-safe. Every operation completes within the client's request timeout
 * (with retries as configured) and fails the future with a {@link io.streambus.client.StreamBusException}.
 * Group operations fail at once with {@link io.streambus.client.UnsupportedFeatureException} on a core-only broker.
 */
public interface Admin {

    /** Creates a topic; succeeds if it already exists with the same partition count (spec A.6.4). */
    CompletableFuture<Void> createTopic(String topic, int partitions);

    CompletableFuture<Void> deleteTopic(String topic);

    /** Topic name to partition count. */
    CompletableFuture<Map<String, Integer>> listTopics();

    CompletableFuture<PartitionOffsets> offsets(TopicPartition partition);

    /** HealthCheck: status text from the broker (for example {@code healthy}). */
    CompletableFuture<String> health();

    /** Capabilities of the first reachable bootstrap broker. */
    CompletableFuture<BrokerCapabilities> capabilities();

    /**
     * Groups whose id starts with {@code prefix}, of both types: {@link GroupListing#isShareGroup()} tells share
     * groups (protocol type {@code share}, spec B.13.3) from consumer groups.
     */
    CompletableFuture<List<GroupListing>> listGroups(String prefix);

    /**
     * Deletes empty groups (consumer groups with their committed offsets, share groups with their configuration and
     * share-partitions, B.13.3); per-group failures complete the future exceptionally. */
    CompletableFuture<Void> deleteGroups(Collection<String> groupIds);

    /**
     * Creates or changes share group {@code groupId} (ShareGroupConfigure, spec B.13.7): delivery limit, lock
     * duration, dead-letter topic, reset policy, in-flight limit. Completes with the configuration in effect.
     * Fails with {@link io.streambus.client.BrokerErrorException} code 54 for a setting out of range, 50 when the
     * id names a consumer group, and at once with {@link io.streambus.client.UnsupportedFeatureException}
     * ({@code share-groups}) on a broker without share groups.
     */
    CompletableFuture<ShareGroupDescription> configureShareGroup(String groupId, ShareGroupSettings settings);

    /** Describes share group {@code groupId} (ShareGroupConfigure with no change); code 24 if it does not exist. */
    CompletableFuture<ShareGroupDescription> describeShareGroup(String groupId);

    /** Committed offsets of a group; an empty collection means every committed partition. */
    CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> committedOffsets(String groupId,
                                                                               Collection<TopicPartition> partitions);

    /** Standalone commit (generation -1, spec B.6.8) for consumers of explicitly assigned partitions. */
    CompletableFuture<Void> commitOffsets(String groupId, Map<TopicPartition, OffsetAndMetadata> offsets);

    // ---- transactions and two-phase commit (spec B.7, B.7.8): XAResource recovery and operators' tools ----------

    /**
     * XA branches (ListXaBranches, B.7.8.5) whose transaction id starts with {@code transactionIdPrefix} ("" for
     * all) and whose state is one of {@code states} (empty for all): {@code Prepared} ones are in doubt, holding
     * back read_committed consumers of their partitions. Fails with UnsupportedFeatureException
     * ({@code two-phase-commit}) on a broker without TWO_PHASE_COMMIT.
     */
    CompletableFuture<List<XaBranch>> listXaBranches(String transactionIdPrefix, Collection<String> states);

    /**
     * {@code XAResource.recover}: the Xids of the branches of resource manager {@code prefix} that are Prepared or
     * heuristically completed (B.7.8.8 item 9).
     */
    CompletableFuture<List<Xid>> recoverXaBranches(String prefix);

    /**
     * {@code commit(xid, false)}: commits a prepared branch by Xid from any client (EndXaBranch, B.7.8.4). Failures
     * are {@link io.streambus.client.producer.XaBranchException}s with the XA error code (57/58: XA_HEURCOM,
     * XA_HEURRB; 55: XAER_NOTA; ...).
     */
    CompletableFuture<Void> commitXaBranch(String prefix, Xid xid);

    /** {@code rollback(xid)}: rolls a branch back by Xid, whatever its state (EndXaBranch rollback). */
    CompletableFuture<Void> rollbackXaBranch(String prefix, Xid xid);

    /** {@code forget(xid)}: forgets a complete or heuristically completed branch (EndXaBranch forget). */
    CompletableFuture<Void> forgetXaBranch(String prefix, Xid xid);

    /**
     * An operator's heuristic decision on a Prepared branch whose transaction manager is gone (B.7.8.7): the
     * branch ends HeuristicCommit or HeuristicRollback, reported to the TM if it returns. Check the TM's log first.
     */
    CompletableFuture<Void> decideXaBranchHeuristically(String prefix, Xid xid, boolean commit);

    /**
     * Aborts the open transaction of an ordinary transaction id (a hanging transaction of a producer that is gone)
     * by registering the id again (InitProducerID, B.7.2): the open transaction is aborted and the old producer is
     * fenced. Fails with UnsupportedFeatureException ({@code transactions}) on a broker without transactions.
     */
    CompletableFuture<Void> abortTransaction(String transactionalId);
}
