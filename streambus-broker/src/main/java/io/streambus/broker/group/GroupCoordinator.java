package io.streambus.broker.group;

import io.streambus.broker.log.FlushPolicy;

import io.streambus.broker.limits.LogText;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.group.Utf8Order;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The group coordinator of spec B.6: membership (JoinGroup, SyncGroup, Heartbeat, LeaveGroup), committed offsets
 * (OffsetCommit, OffsetFetch) and group administration (DeleteGroups, ListGroups). See the package documentation
 * for how a server maps requests onto it.
 *
 * <p>This class is the façade: it applies each request's validity checks and group authorization in the order of
 * B.6 and delegates the rest to the {@link GroupMembershipManager} (membership, rebalances, sessions) and the
 * {@link OffsetManager} (committed offsets, retention, the durable {@link OffsetStore}). Per-topic authorization is
 * decided here too and handed to the offset side as a predicate.
 *
 * <p><b>Threading.</b> Thread-safe. Every method returns at once with a future and never blocks: state changes run
 * under a lock per group (held only for in-memory work), durable writes go to the {@link OffsetStore} writer thread,
 * and timeouts run on the {@link GroupTimer}. JoinGroup and SyncGroup futures may stay incomplete for up to the
 * group's rebalance timeout (held requests, B.6.10). Futures complete normally with a wire error code; they never
 * complete under a group lock, so a callback may call the coordinator again. They complete exceptionally only on an
 * internal bug, which is logged.
 */
public final class GroupCoordinator implements AutoCloseable {

    /** Longest group id in UTF-8 bytes (B.6.1). */
    public static final int MAX_GROUP_ID_BYTES = 1024;
    /** Longest client id in UTF-8 bytes (B.6.1). */
    public static final int MAX_CLIENT_ID_BYTES = 255;
    /** Longest offset metadata string in UTF-8 bytes (B.6.8, else code 26). */
    public static final int MAX_METADATA_BYTES = 4096;

    private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);

    private final GroupCoordinatorConfig config;
    private final GroupAuthorizer authorizer;
    private final GroupRegistry groups = new GroupRegistry();
    private final OffsetManager offsets;
    private final GroupMembershipManager membership;
    private volatile boolean closed;

    /**
     * A coordinator over an open store, which the caller keeps ownership of (close it after the coordinator).
     * Groups that hold stored offsets or state come back Empty: this coordinator keeps no membership across
     * restarts (B.6.1); {@link #open} keeps it (see {@link GroupCoordinatorConfig#durableMembership()}).
     */
    public GroupCoordinator(GroupCoordinatorConfig config, OffsetStore store, TopicMetadata topics,
                            GroupAuthorizer authorizer, GroupTimer timer) {
        this(config, store, false, topics, authorizer, timer, false);
    }

    /**
     * As the public constructor, with membership kept in {@code store} if {@code durableMembership}; for tests that
     * restart a coordinator on a manual timer.
     */
    GroupCoordinator(GroupCoordinatorConfig config, OffsetStore store, TopicMetadata topics,
                     GroupAuthorizer authorizer, GroupTimer timer, boolean durableMembership) {
        this(config, store, false, topics, authorizer, timer, durableMembership);
    }

    /** As above, with the membership kept by {@code durable}; for tests that control when its writes complete. */
    GroupCoordinator(GroupCoordinatorConfig config, OffsetStore store, TopicMetadata topics,
                     GroupAuthorizer authorizer, GroupTimer timer, DurableMembership durable) {
        this(config, store, false, topics, authorizer, timer, durable);
    }

    private GroupCoordinator(GroupCoordinatorConfig config, OffsetStore store, boolean ownsStore,
                             TopicMetadata topics, GroupAuthorizer authorizer, GroupTimer timer,
                             boolean durableMembership) {
        this(config, store, ownsStore, topics, authorizer, timer,
                durableMembership ? DurableMembership.in(store) : DurableMembership.disabled());
    }

    private GroupCoordinator(GroupCoordinatorConfig config, OffsetStore store, boolean ownsStore,
                             TopicMetadata topics, GroupAuthorizer authorizer, GroupTimer timer,
                             DurableMembership durable) {
        this.config = config;
        this.authorizer = authorizer;
        this.offsets = new OffsetManager(config, store, ownsStore, topics, timer, groups);
        this.membership = new GroupMembershipManager(config, timer, groups, offsets, durable);
        membership.restore();
    }

    /**
     * Opens the offset store under {@code <dataDir>/__offsets} and starts a coordinator that owns it (closing the
     * coordinator closes the store). Timers run on {@code scheduler}, which the caller owns. With
     * {@link GroupCoordinatorConfig#durableMembership()} the membership of groups is kept in the offsets log and
     * restored: members that heartbeat within their session timeout after a restart
     * keep their ids, generation and assignments (sessions restart when the coordinator opens).
     */
    public static GroupCoordinator open(Path dataDir, GroupCoordinatorConfig config, TopicMetadata topics,
                                        GroupAuthorizer authorizer, ScheduledExecutorService scheduler)
            throws IOException {
        return open(dataDir, FlushPolicy.EVERY_WRITE, config, topics, authorizer, scheduler);
    }

    /**
     * As {@link #open(Path, GroupCoordinatorConfig, TopicMetadata, GroupAuthorizer, ScheduledExecutorService)},
     * with the offset store following the broker's flush {@code policy}.
     */
    public static GroupCoordinator open(Path dataDir, FlushPolicy policy, GroupCoordinatorConfig config,
                                        TopicMetadata topics, GroupAuthorizer authorizer,
                                        ScheduledExecutorService scheduler) throws IOException {
        OffsetStore store = OffsetStore.open(dataDir, config.offsetsCompactionThresholdBytes(), policy,
                config.offsetsQueueLimits());
        try {
            return new GroupCoordinator(config, store, true, topics, authorizer, GroupTimer.system(scheduler),
                    config.durableMembership());
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    // =========================================================================================== membership

    /**
     * JoinGroup (B.6.4). The future is held until the join phase ends (B.6.10), except for a retry in
     * CompletingRebalance/Stable, which is answered at once. Checks in order: 2 (invalid request), 30
     * (authorization), 26 (session timeout), then the membership rules.
     */
    public CompletableFuture<JoinResult> joinGroup(JoinRequest request) {
        if (closed) {
            return CompletableFuture.completedFuture(JoinResult.error(ErrorCode.REQUEST_TIMEOUT));
        }
        String cid = request.clientId() == null ? "" : request.clientId();
        List<Protocol> protocols = request.protocols();
        if (!validGroupId(request.groupId()) || request.protocolType() == null || request.protocolType().isEmpty()
                || protocols == null || protocols.isEmpty() || hasDuplicateNames(protocols)
                || request.rebalanceTimeoutMs() <= 0 || request.rebalanceTimeoutMs() > config.maxRebalanceTimeoutMs()
                || utf8Length(cid) > MAX_CLIENT_ID_BYTES) {
            return CompletableFuture.completedFuture(JoinResult.error(ErrorCode.INVALID_REQUEST));
        }
        if (!authorizer.authorizeGroup(request.principal(), GroupAction.JOIN, request.groupId())) {
            return CompletableFuture.completedFuture(JoinResult.error(ErrorCode.GROUP_AUTHORIZATION_FAILED));
        }
        if (request.sessionTimeoutMs() < config.minSessionTimeoutMs()
                || request.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            return CompletableFuture.completedFuture(JoinResult.error(ErrorCode.INVALID_SESSION_TIMEOUT));
        }
        return membership.join(request);
    }

    /**
     * The connection {@code connectionId} closed: every new member (joined with an empty member id) whose held
     * JoinGroup came on it is removed, since it never learnt its id (B.6.10). Other members are unaffected.
     */
    public void connectionClosed(Object connectionId) {
        membership.connectionClosed(connectionId);
    }

    /**
     * SyncGroup (B.6.5). A follower's future is held until the leader's SyncGroup arrives or the sync phase ends.
     *
     * @param assignments the leader's entries (one per member); empty for followers
     */
    public CompletableFuture<SyncResult> syncGroup(String principal, String groupId, int generation,
                                                   String memberId, List<MemberAssignment> assignments) {
        if (closed) {
            return CompletableFuture.completedFuture(SyncResult.error(ErrorCode.REQUEST_TIMEOUT));
        }
        List<MemberAssignment> given = assignments == null ? List.of() : assignments;
        Set<String> ids = new HashSet<>();
        boolean duplicate = false;
        for (MemberAssignment a : given) {
            duplicate |= !ids.add(a.memberId());
        }
        if (!validGroupId(groupId) || duplicate) {
            return CompletableFuture.completedFuture(SyncResult.error(ErrorCode.INVALID_REQUEST));
        }
        if (!authorizer.authorizeGroup(principal, GroupAction.SYNC, groupId)) {
            return CompletableFuture.completedFuture(SyncResult.error(ErrorCode.GROUP_AUTHORIZATION_FAILED));
        }
        return membership.sync(groupId, generation, memberId, given);
    }

    /** Heartbeat (B.6.6). Completes at once with 0, 2, 6, 20, 22, 24, 27 or 28. */
    public CompletableFuture<Integer> heartbeat(String principal, String groupId, int generation, String memberId) {
        if (closed) {
            return CompletableFuture.completedFuture(ErrorCode.REQUEST_TIMEOUT);
        }
        if (!validGroupId(groupId)) {
            return CompletableFuture.completedFuture(ErrorCode.INVALID_REQUEST);
        }
        if (!authorizer.authorizeGroup(principal, GroupAction.HEARTBEAT, groupId)) {
            return CompletableFuture.completedFuture(ErrorCode.GROUP_AUTHORIZATION_FAILED);
        }
        return CompletableFuture.completedFuture(membership.heartbeat(groupId, generation, memberId));
    }

    /** LeaveGroup (B.6.7). Completes at once with 0, 2, 6, 20, 24 or 27. */
    public CompletableFuture<Integer> leaveGroup(String principal, String groupId, String memberId) {
        if (closed) {
            return CompletableFuture.completedFuture(ErrorCode.REQUEST_TIMEOUT);
        }
        if (!validGroupId(groupId)) {
            return CompletableFuture.completedFuture(ErrorCode.INVALID_REQUEST);
        }
        if (!authorizer.authorizeGroup(principal, GroupAction.LEAVE, groupId)) {
            return CompletableFuture.completedFuture(ErrorCode.GROUP_AUTHORIZATION_FAILED);
        }
        return CompletableFuture.completedFuture(membership.leave(groupId, memberId));
    }

    // =========================================================================================== offsets

    /**
     * OffsetCommit (B.6.8). Completes once the accepted offsets are durable, or at once with request-level code 6
     * (retriable) when the offset store's write queue is full.
     *
     * @param generation the member's generation, or -1 for a standalone commit (member id ignored)
     * @param offsets    the request's TopicPartitions structure as sent (duplicates and empty topic entries are
     *                   checked here, code 2)
     */
    public CompletableFuture<OffsetCommitResult> offsetCommit(String principal, String groupId, int generation,
                                                              String memberId,
                                                              List<TopicData<CommitPartition>> offsets) {
        if (closed) {
            return CompletableFuture.completedFuture(OffsetCommitResult.error(ErrorCode.REQUEST_TIMEOUT));
        }
        if (!validGroupId(groupId) || generation < -1 || !validCommit(offsets)) {
            return CompletableFuture.completedFuture(OffsetCommitResult.error(ErrorCode.INVALID_REQUEST));
        }
        if (!authorizer.authorizeGroup(principal, GroupAction.COMMIT_OFFSETS, groupId)) {
            return CompletableFuture.completedFuture(
                    OffsetCommitResult.error(ErrorCode.GROUP_AUTHORIZATION_FAILED));
        }
        return this.offsets.commit(groupId, generation, memberId, offsets,
                topic -> authorizer.authorizeTopic(principal, GroupAction.COMMIT_OFFSETS, topic),
                membership::checkCommitter);
    }

    /**
     * Applies offsets that a committed transaction staged for {@code groupId} (B.7.5), creating the group (Empty,
     * empty protocol type) if it does not exist (B.6.12). No membership or topic checks: the transaction
     * coordinator did them when the offsets were staged. Completes once they are durable; fails with the storage
     * error otherwise.
     */
    public CompletableFuture<Void> applyTransactionOffsets(String groupId,
                                                           List<TopicData<CommitPartition>> offsets) {
        if (!validGroupId(groupId) || !validCommit(offsets)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "invalid transactional offsets for group '" + groupId + "'"));
        }
        return this.offsets.applyTransactionOffsets(groupId, offsets);
    }

    /**
     * OffsetFetch (B.6.9). Reads the durable committed offsets; never creates a group and is not a sign of life.
     *
     * @param partitions the request's TopicPartitions: an empty list means every committed offset of the group; a
     *                   topic with an empty partition list means every committed partition of that topic
     */
    public CompletableFuture<OffsetFetchResult> offsetFetch(String principal, String groupId,
                                                            List<TopicData<Integer>> partitions) {
        if (closed) {
            return CompletableFuture.completedFuture(OffsetFetchResult.error(ErrorCode.REQUEST_TIMEOUT));
        }
        List<TopicData<Integer>> wanted = partitions == null ? List.of() : partitions;
        if (!validGroupId(groupId) || !validFetch(wanted)) {
            return CompletableFuture.completedFuture(OffsetFetchResult.error(ErrorCode.INVALID_REQUEST));
        }
        if (!authorizer.authorizeGroup(principal, GroupAction.FETCH_OFFSETS, groupId)) {
            return CompletableFuture.completedFuture(OffsetFetchResult.error(ErrorCode.GROUP_AUTHORIZATION_FAILED));
        }
        return CompletableFuture.completedFuture(offsets.fetch(groupId, wanted,
                topic -> authorizer.authorizeTopic(principal, GroupAction.FETCH_OFFSETS, topic)));
    }

    /**
     * A topic was deleted: its committed offsets are deleted in every group (B.6.8). Completes when durable.
     */
    public CompletableFuture<Void> topicDeleted(String topic) {
        return offsets.topicDeleted(topic);
    }

    // =========================================================================================== administration

    /**
     * DeleteGroups (B.6.12). Each group is handled on its own; the future completes when every deletion is
     * durable, with one result per requested group in request order.
     */
    public CompletableFuture<DeleteGroupsResult> deleteGroups(String principal, List<String> groupIds) {
        if (closed) {
            return CompletableFuture.completedFuture(new DeleteGroupsResult(ErrorCode.REQUEST_TIMEOUT, List.of()));
        }
        if (groupIds == null) {
            return CompletableFuture.completedFuture(new DeleteGroupsResult(ErrorCode.INVALID_REQUEST, List.of()));
        }
        Set<String> seen = new HashSet<>();
        for (String id : groupIds) {
            if (!validGroupId(id) || !seen.add(id)) {
                return CompletableFuture.completedFuture(
                        new DeleteGroupsResult(ErrorCode.INVALID_REQUEST, List.of()));
            }
        }
        List<CompletableFuture<GroupResult>> parts = new ArrayList<>(groupIds.size());
        for (String id : groupIds) {
            parts.add(authorizer.authorizeGroup(principal, GroupAction.DELETE, id)
                    ? offsets.deleteGroup(id)
                    : CompletableFuture.completedFuture(new GroupResult(id, ErrorCode.GROUP_AUTHORIZATION_FAILED)));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            List<GroupResult> results = new ArrayList<>(parts.size());
            for (CompletableFuture<GroupResult> p : parts) {
                results.add(p.join());
            }
            return new DeleteGroupsResult(ErrorCode.NONE, List.copyOf(results));
        });
    }

    /**
     * ListGroups (B.6.13): existing groups whose id starts with {@code prefix} (empty = all) and whose state is one
     * of {@code states} (empty = all; unknown names match nothing) that the principal may describe, in ascending
     * unsigned byte order of group id.
     */
    public CompletableFuture<ListGroupsResult> listGroups(String principal, String prefix, List<String> states) {
        if (closed) {
            return CompletableFuture.completedFuture(new ListGroupsResult(ErrorCode.REQUEST_TIMEOUT, List.of()));
        }
        String p = prefix == null ? "" : prefix;
        Set<GroupState> wanted = null;
        if (states != null && !states.isEmpty()) {
            wanted = EnumSet.noneOf(GroupState.class);
            for (String name : states) {
                GroupState s = GroupState.forWireName(name);
                if (s != null) {
                    wanted.add(s);
                }
            }
        }
        List<GroupOverview> out = new ArrayList<>();
        for (Group g : groups.all()) {
            if (!g.id.startsWith(p)) {
                continue; // a string prefix is a UTF-8 byte prefix
            }
            GroupState state;
            String protocolType;
            synchronized (g) {
                state = g.state();
                protocolType = g.protocolType;
            }
            if (state == GroupState.DEAD || (wanted != null && !wanted.contains(state))
                    || !authorizer.authorizeGroup(principal, GroupAction.DESCRIBE, g.id)) {
                continue;
            }
            out.add(new GroupOverview(g.id, protocolType, state));
        }
        out.sort((a, b) -> Utf8Order.compare(a.groupId(), b.groupId()));
        return CompletableFuture.completedFuture(new ListGroupsResult(ErrorCode.NONE, List.copyOf(out)));
    }

    // =========================================================================================== misc

    /**
     * True if {@code groupId} names a live consumer group, including an Empty one that only holds committed offsets
     * (share groups share the namespace and get 50 for it, B.13.3). Non-blocking.
     */
    public boolean hasGroup(String groupId) {
        Group g = groups.get(groupId);
        if (g == null) {
            return false;
        }
        synchronized (g) {
            return g.state() != GroupState.DEAD;
        }
    }

    /**
     * Stops the coordinator: held JoinGroup/SyncGroup requests and later calls are answered with 6
     * RequestTimeout (retriable, B.8), timers are cancelled, and an owned store is closed (queued writes finish).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        membership.close();
        offsets.close();
    }

    /** A consistent view of one group, for tests and diagnostics; null if the group does not exist. */
    GroupSnapshot snapshot(String groupId) {
        Group g = groups.get(groupId);
        if (g == null) {
            return null;
        }
        synchronized (g) {
            if (g.state() == GroupState.DEAD) {
                return null;
            }
            List<String> ids = new ArrayList<>(g.members.keySet());
            ids.sort(Utf8Order.STRINGS);
            return new GroupSnapshot(g.state(), g.generation, g.leaderId, g.protocol, g.protocolType,
                    List.copyOf(ids));
        }
    }

    /** What {@link #snapshot} returns. Immutable. */
    record GroupSnapshot(GroupState state, int generation, String leaderId, String protocol, String protocolType,
                         List<String> members) {
    }

    private static boolean validGroupId(String id) {
        return id != null && !id.isEmpty() && utf8Length(id) <= MAX_GROUP_ID_BYTES;
    }

    private static boolean hasDuplicateNames(List<Protocol> protocols) {
        Set<String> names = new HashSet<>();
        for (Protocol p : protocols) {
            if (p == null || !names.add(p.name())) {
                return true;
            }
        }
        return false;
    }

    private static boolean validCommit(List<TopicData<CommitPartition>> offsets) {
        if (offsets == null) {
            return false;
        }
        Set<String> seenTopics = new HashSet<>();
        for (TopicData<CommitPartition> td : offsets) {
            if (td == null || td.topic() == null || td.partitions() == null || td.partitions().isEmpty()
                    || !seenTopics.add(td.topic())) {
                return false;
            }
            if (!PartitionChecks.validEntries(td.partitions(), CommitPartition::partition)) {
                return false;
            }
            for (CommitPartition p : td.partitions()) {
                if (p.offset() < 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean validFetch(List<TopicData<Integer>> partitions) {
        Set<String> seenTopics = new HashSet<>();
        for (TopicData<Integer> td : partitions) {
            if (td == null || td.topic() == null || td.partitions() == null || !seenTopics.add(td.topic())) {
                return false;
            }
            if (!PartitionChecks.validIds(td.partitions())) {
                return false;
            }
        }
        return true;
    }

    /** UTF-8 length without encoding. */
    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < 0x80) {
                n++;
            } else if (ch < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(ch) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** Logs an internal bug and fails the request's future with it. */
    static void fail(CompletableFuture<?> f, String request, String groupId, RuntimeException e) {
        log.error("{} for group {} failed", LogText.safe(request), LogText.safe(groupId), e);
        f.completeExceptionally(e);
    }
}
