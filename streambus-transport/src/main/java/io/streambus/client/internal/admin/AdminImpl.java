package io.streambus.client.internal.admin;

import io.streambus.client.internal.net.Errors;
import io.streambus.client.producer.XaBranchException;
import io.streambus.protocol.txn.EndXaBranchRequest;
import io.streambus.protocol.txn.InitProducerIdRequest;
import io.streambus.protocol.txn.ListXaBranchesRequest;
import io.streambus.protocol.txn.ListXaBranchesResponse;
import io.streambus.protocol.txn.XaAction;
import io.streambus.protocol.txn.XaBranch;
import io.streambus.protocol.txn.Xid;
import io.streambus.common.TopicPartition;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.admin.Admin;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.admin.GroupListing;
import io.streambus.client.admin.ShareGroupDescription;
import io.streambus.client.admin.ShareGroupSettings;
import io.streambus.protocol.share.ShareGroupConfigureRequest;
import io.streambus.protocol.share.ShareGroupConfigureResponse;
import io.streambus.client.admin.PartitionOffsets;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.client.internal.ClientContext;
import io.streambus.client.internal.net.Errors;
import io.streambus.client.internal.net.RequestSender;
import io.streambus.protocol.core.CreateTopicRequest;
import io.streambus.protocol.group.DeleteGroupsRequest;
import io.streambus.protocol.group.DeleteGroupsResponse;
import io.streambus.protocol.core.DeleteTopicRequest;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.core.GetOffsetRequest;
import io.streambus.protocol.core.GetOffsetResponse;
import io.streambus.protocol.group.GroupInfo;
import io.streambus.protocol.group.GroupResult;
import io.streambus.protocol.core.HealthCheckRequest;
import io.streambus.protocol.core.HealthCheckResponse;
import io.streambus.protocol.group.ListGroupsRequest;
import io.streambus.protocol.group.ListGroupsResponse;
import io.streambus.protocol.core.ListTopicsRequest;
import io.streambus.protocol.core.ListTopicsResponse;
import io.streambus.protocol.group.OffsetCommitRequest;
import io.streambus.protocol.group.OffsetCommitResponse;
import io.streambus.protocol.group.OffsetFetchRequest;
import io.streambus.protocol.group.OffsetFetchResponse;
import io.streambus.protocol.PartitionOffset;
import io.streambus.protocol.PartitionOffsetResult;
import io.streambus.protocol.PartitionResult;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.core.TopicInfo;
import io.streambus.protocol.TopicNames;
import io.streambus.protocol.TopicPartitions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Admin operations as requests to the active broker with the client's retry policy, each bounded by
 * {@code api.timeout.ms}. Group operations first check the broker's capabilities and fail at once with
 * {@link UnsupportedFeatureException} on a core-only broker (spec B.4). Thread-safe.
 */
public final class AdminImpl implements Admin {
    private final ClientContext client;
    private final RequestSender network;

    /** Admin operations on the connections of {@code client}. */
    public AdminImpl(ClientContext client) {
        this.client = client;
        this.network = client.network();
    }

    private <T> CompletableFuture<T> call(RequestBody body, Function<io.streambus.protocol.DecodedResponse, T> map) {
        return network.call(body, map);
    }

    private static CompletableFuture<Void> invalid(String message) {
        return CompletableFuture.failedFuture(new IllegalArgumentException(message));
    }

    @Override
    public CompletableFuture<Void> createTopic(String topic, int partitions) {
        String bad = TopicNames.problem(topic);
        if (bad != null) {
            return invalid("invalid topic name '" + topic + "': " + bad);
        }
        if (partitions < 1) {
            return invalid("a topic needs at least 1 partition, got " + partitions + " for " + topic);
        }
        return this.<Void>call(new CreateTopicRequest(topic, partitions, 1), r -> null)
                .thenRun(() -> client.metadata().update(topic, partitions));
    }

    @Override
    public CompletableFuture<Void> deleteTopic(String topic) {
        client.metadata().invalidate(topic);
        return call(new DeleteTopicRequest(topic), r -> null);
    }

    @Override
    public CompletableFuture<Map<String, Integer>> listTopics() {
        return call(ListTopicsRequest.INSTANCE, r -> {
            Map<String, Integer> m = new TreeMap<>();
            for (TopicInfo t : r.body(ListTopicsResponse.class).topics()) {
                m.put(t.name(), t.partitionCount());
            }
            return m;
        });
    }

    @Override
    public CompletableFuture<PartitionOffsets> offsets(TopicPartition partition) {
        return call(new GetOffsetRequest(partition.topic(), partition.partition()), r -> {
            GetOffsetResponse g = r.body(GetOffsetResponse.class);
            return new PartitionOffsets(g.startOffset(), g.endOffset(), g.highWaterMark());
        });
    }

    @Override
    public CompletableFuture<String> health() {
        return call(HealthCheckRequest.INSTANCE, r -> r.body(HealthCheckResponse.class).status());
    }

    @Override
    public CompletableFuture<BrokerCapabilities> capabilities() {
        return network.capabilities(client.time().nanoTime() + network.apiTimeoutNanos());
    }

    /** Fails at once unless the active broker serves what {@code test} checks. */
    private <T> CompletableFuture<T> requiring(String capability, Predicate<BrokerCapabilities> test,
                                               Function<BrokerCapabilities, CompletableFuture<T>> then) {
        return capabilities().thenCompose(caps -> {
            if (!test.test(caps)) {
                return CompletableFuture.failedFuture(new UnsupportedFeatureException(capability,
                        network.activeAddress()));
            }
            return then.apply(caps);
        });
    }

    @Override
    public CompletableFuture<ShareGroupDescription> configureShareGroup(String groupId, ShareGroupSettings settings) {
        int mask = 0;
        mask |= settings.maxDeliveryAttempts().isPresent() ? ShareGroupConfigureRequest.CHANGE_MAX_DELIVERY_ATTEMPTS : 0;
        mask |= settings.acquisitionLockMs().isPresent() ? ShareGroupConfigureRequest.CHANGE_ACQUISITION_LOCK_MS : 0;
        mask |= settings.deadLetterTopic().isPresent() ? ShareGroupConfigureRequest.CHANGE_DEAD_LETTER_TOPIC : 0;
        mask |= settings.autoOffsetReset().isPresent() ? ShareGroupConfigureRequest.CHANGE_AUTO_OFFSET_RESET : 0;
        mask |= settings.maxInFlightRecords().isPresent() ? ShareGroupConfigureRequest.CHANGE_MAX_IN_FLIGHT_RECORDS
                : 0;
        if (mask == 0) {
            return describeShareGroup(groupId);
        }
        return shareGroupConfigure(groupId, new ShareGroupConfigureRequest(groupId, mask,
                settings.maxDeliveryAttempts().orElse(0), settings.acquisitionLockMs().orElse(0),
                settings.deadLetterTopic().orElse(""),
                "latest".equals(settings.autoOffsetReset().orElse("earliest"))
                        ? ShareGroupConfigureRequest.AUTO_OFFSET_RESET_LATEST
                        : ShareGroupConfigureRequest.AUTO_OFFSET_RESET_EARLIEST,
                settings.maxInFlightRecords().orElse(0)));
    }

    @Override
    public CompletableFuture<ShareGroupDescription> describeShareGroup(String groupId) {
        return shareGroupConfigure(groupId, ShareGroupConfigureRequest.describe(groupId));
    }

    private CompletableFuture<ShareGroupDescription> shareGroupConfigure(String groupId,
                                                                         ShareGroupConfigureRequest request) {
        return requiring(BrokerCapabilities.CAP_SHARE_GROUPS, BrokerCapabilities::supportsShareGroups, c ->
                call(request, r -> {
                    ShareGroupConfigureResponse b = r.body(ShareGroupConfigureResponse.class);
                    Map<TopicPartition, ShareGroupDescription.SharePartitionInfo> parts = new LinkedHashMap<>();
                    b.sharePartitions().asMap().forEach((t, ps) -> ps.forEach(p -> parts.put(
                            new TopicPartition(t, p.partition()), new ShareGroupDescription.SharePartitionInfo(
                                    p.startOffset(), p.inFlightRecords(), p.inFlightLimitReached()))));
                    return new ShareGroupDescription(groupId, b.state(), b.memberCount(), b.maxDeliveryAttempts(),
                            b.acquisitionLockMs(), b.deadLetterTopic(),
                            b.autoOffsetReset() == ShareGroupConfigureRequest.AUTO_OFFSET_RESET_LATEST ? "latest"
                                    : "earliest", b.maxInFlightRecords(), parts);
                }));
    }

    @Override
    public CompletableFuture<List<GroupListing>> listGroups(String prefix) {
        return requiring(BrokerCapabilities.CAP_GROUP_ADMIN, c -> c.serves(0x14), c ->
                call(new ListGroupsRequest(prefix == null ? "" : prefix, List.of()), r -> {
                    List<GroupListing> out = new ArrayList<>();
                    for (GroupInfo g : r.body(ListGroupsResponse.class).groups()) {
                        out.add(new GroupListing(g.groupId(), g.protocolType(), g.state()));
                    }
                    return out;
                }));
    }

    @Override
    public CompletableFuture<Void> deleteGroups(Collection<String> groupIds) {
        List<String> ids = List.copyOf(groupIds);
        if (ids.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return requiring(BrokerCapabilities.CAP_GROUP_ADMIN, c -> c.serves(0x13), c ->
                call(new DeleteGroupsRequest(ids), r -> {
                    Map<String, Integer> failures = new LinkedHashMap<>();
                    for (GroupResult g : r.body(DeleteGroupsResponse.class).results()) {
                        if (g.errorCode() != 0) {
                            failures.put(g.groupId(), g.errorCode());
                        }
                    }
                    throwIfAny(failures, "DeleteGroups");
                    return null;
                }));
    }

    @Override
    public CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> committedOffsets(
            String groupId, Collection<TopicPartition> partitions) {
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        for (TopicPartition tp : partitions) {
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
        }
        return requiring(BrokerCapabilities.CAP_GROUPS, BrokerCapabilities::supportsCommittedOffsets, c ->
                call(new OffsetFetchRequest(groupId, TopicPartitions.of(byTopic)), r -> {
                    Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
                    Map<String, Integer> failures = new LinkedHashMap<>();
                    r.body(OffsetFetchResponse.class).offsets().asMap().forEach((topic, list) -> {
                        for (PartitionOffsetResult p : list) {
                            if (p.errorCode() != 0) {
                                failures.put(topic + "-" + p.partition(), p.errorCode());
                            } else if (p.offset() >= 0) {
                                out.put(new TopicPartition(topic, p.partition()),
                                        new OffsetAndMetadata(p.offset(), p.metadata()));
                            }
                        }
                    });
                    throwIfAny(failures, "OffsetFetch for group " + groupId);
                    return out;
                }));
    }

    @Override
    public CompletableFuture<Void> commitOffsets(String groupId, Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<String, List<PartitionOffset>> byTopic = new TreeMap<>();
        offsets.forEach((tp, om) -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>())
                .add(new PartitionOffset(tp.partition(), om.offset(), om.metadata())));
        if (byTopic.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return requiring(BrokerCapabilities.CAP_GROUPS, BrokerCapabilities::supportsCommittedOffsets, c ->
                call(new OffsetCommitRequest(groupId, -1, "", TopicPartitions.of(byTopic)), r -> {
                    Map<String, Integer> failures = new LinkedHashMap<>();
                    r.body(OffsetCommitResponse.class).results().asMap().forEach((topic, list) -> {
                        for (PartitionResult p : list) {
                            if (p.errorCode() != 0) {
                                failures.put(topic + "-" + p.partition(), p.errorCode());
                            }
                        }
                    });
                    throwIfAny(failures, "standalone commit for group " + groupId);
                    return null;
                }));
    }

    /**
     * Per-group or per-partition error codes of a status-0 reply (spec B.2) as one typed exception carrying the first
     * failure's code, so callers can act on it (e.g. 46 NonEmptyGroup) without parsing text.
     */
    private static void throwIfAny(Map<String, Integer> failures, String context) {
        if (failures.isEmpty()) {
            return;
        }
        StringBuilder detail = new StringBuilder("failed for");
        failures.forEach((entry, code) -> detail.append(' ').append(entry).append('=').append(ErrorCode.nameOf(code)));
        throw Errors.fromCode(failures.values().iterator().next(), detail.toString(), context);
    }

    // ---- transactions and two-phase commit -----------------------------------------------------------------------

    private static final List<String> RECOVER_STATES = List.of("Prepared", "HeuristicCommit", "HeuristicRollback");

    private <T> CompletableFuture<T> twoPhase(Function<BrokerCapabilities, CompletableFuture<T>> then) {
        return requiring(BrokerCapabilities.CAP_TWO_PHASE_COMMIT, BrokerCapabilities::supportsTwoPhaseCommit, then);
    }

    @Override
    public CompletableFuture<List<XaBranch>> listXaBranches(String transactionIdPrefix, Collection<String> states) {
        return twoPhase(c -> call(new ListXaBranchesRequest(transactionIdPrefix == null ? "" : transactionIdPrefix,
                states == null ? List.of() : List.copyOf(states)), r -> r.body(ListXaBranchesResponse.class).branches()));
    }

    @Override
    public CompletableFuture<List<Xid>> recoverXaBranches(String prefix) {
        return listXaBranches(prefix + ":xa:", RECOVER_STATES).thenApply(list -> {
            List<Xid> xids = new java.util.ArrayList<>();
            for (XaBranch b : list) {
                xids.add(b.xid());
            }
            return xids;
        });
    }

    private CompletableFuture<Void> endXaBranch(String prefix, Xid xid, XaAction action, boolean heuristic) {
        String what = action.name().toLowerCase(java.util.Locale.ROOT) + (heuristic ? " (heuristic)" : "")
                + " of XA branch " + xid;
        CompletableFuture<Void> f = twoPhase(c -> call(new EndXaBranchRequest(xid.transactionId(prefix), xid, action,
                heuristic), r -> (Void) null));
        return f.handle((v, e) -> {
            if (e != null) {
                throw new java.util.concurrent.CompletionException(XaBranchException.of(Errors.unwrap(e), what));
            }
            return v;
        });
    }

    @Override
    public CompletableFuture<Void> commitXaBranch(String prefix, Xid xid) {
        return endXaBranch(prefix, xid, XaAction.COMMIT, false);
    }

    @Override
    public CompletableFuture<Void> rollbackXaBranch(String prefix, Xid xid) {
        return endXaBranch(prefix, xid, XaAction.ROLLBACK, false);
    }

    @Override
    public CompletableFuture<Void> forgetXaBranch(String prefix, Xid xid) {
        return endXaBranch(prefix, xid, XaAction.FORGET, false);
    }

    @Override
    public CompletableFuture<Void> decideXaBranchHeuristically(String prefix, Xid xid, boolean commit) {
        return endXaBranch(prefix, xid, commit ? XaAction.COMMIT : XaAction.ROLLBACK, true);
    }

    @Override
    public CompletableFuture<Void> abortTransaction(String transactionalId) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return invalid("a transaction id is needed");
        }
        return requiring(BrokerCapabilities.CAP_TRANSACTIONS, BrokerCapabilities::supportsTransactions, c ->
                call(new InitProducerIdRequest(transactionalId, 0), r -> (Void) null));
    }
}
