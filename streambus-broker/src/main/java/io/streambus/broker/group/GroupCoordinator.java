package io.streambus.broker.group;

import io.streambus.common.TopicPartition;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.group.Utf8Order;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;

/**
 * The group coordinator of spec B.6: membership (JoinGroup, SyncGroup, Heartbeat, LeaveGroup), committed offsets
 * (OffsetCommit, OffsetFetch) and group administration (DeleteGroups, ListGroups). See the package documentation
 * for how a server maps requests onto it.
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
    private static final byte[] NO_BYTES = new byte[0];
    private static final Comparator<Member> BY_MEMBER_ID = (a, b) -> Utf8Order.compare(a.id, b.id);

    private final GroupCoordinatorConfig config;
    private final OffsetStore store;
    private final boolean ownsStore;
    private final TopicMetadata topics;
    private final GroupAuthorizer authorizer;
    private final GroupTimer timer;
    private final ConcurrentHashMap<String, Group> groups = new ConcurrentHashMap<>();
    /** Held JoinGroups of new members by connection, so that closing the connection removes them (B.6.10). */
    private final ConcurrentHashMap<Object, Set<MemberRef>> newMemberJoins = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private record MemberRef(String groupId, String memberId) {
    }

    /**
     * A coordinator over an open store, which the caller keeps ownership of (close it after the coordinator).
     * Groups that hold stored offsets or state come back Empty (membership does not survive a restart, B.6.1).
     */
    public GroupCoordinator(GroupCoordinatorConfig config, OffsetStore store, TopicMetadata topics,
                            GroupAuthorizer authorizer, GroupTimer timer) {
        this(config, store, false, topics, authorizer, timer);
    }

    private GroupCoordinator(GroupCoordinatorConfig config, OffsetStore store, boolean ownsStore,
                             TopicMetadata topics, GroupAuthorizer authorizer, GroupTimer timer) {
        this.config = config;
        this.store = store;
        this.ownsStore = ownsStore;
        this.topics = topics;
        this.authorizer = authorizer;
        this.timer = timer;
        recoverGroups();
    }

    /**
     * Opens the offset store under {@code <dataDir>/__offsets} and starts a coordinator that owns it (closing the
     * coordinator closes the store). Timers run on {@code scheduler}, which the caller owns.
     */
    public static GroupCoordinator open(Path dataDir, GroupCoordinatorConfig config, TopicMetadata topics,
                                        GroupAuthorizer authorizer, ScheduledExecutorService scheduler)
            throws IOException {
        OffsetStore store = OffsetStore.open(dataDir, config.offsetsCompactionThresholdBytes());
        try {
            return new GroupCoordinator(config, store, true, topics, authorizer, GroupTimer.system(scheduler));
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private void recoverGroups() {
        long wallNow = timer.wallClockMs();
        for (String id : store.groups()) {
            Group g = new Group(id);
            StoredGroup sg = store.storedGroup(id);
            g.emptySinceWallMs = wallNow;
            if (sg != null) {
                g.protocolType = sg.protocolType();
                if (sg.emptySinceMs() >= 0) {
                    g.emptySinceWallMs = sg.emptySinceMs();
                } else {
                    // It had members when the broker stopped: it became Empty now.
                    persistGroupState(g);
                }
            }
            groups.put(id, g);
            synchronized (g) {
                scheduleRetention(g);
            }
        }
        if (!groups.isEmpty()) {
            log.info("recovered {} consumer groups from the offsets log", groups.size());
        }
    }

    // =========================================================================================== JoinGroup

    /**
     * JoinGroup (B.6.4). The future is held until the join phase ends (B.6.10), except for a retry in
     * CompletingRebalance/Stable, which is answered at once.
     *
     * @param connectionId identifies the connection the request came on; when it closes, call
     *                     {@link #connectionClosed} so that a new member whose held JoinGroup was on it is removed
     * @param principal    authenticated principal for {@link GroupAuthorizer}
     * @param memberId     empty (or null) on a first join
     * @param protocols    offered strategies in preference order
     */
    public CompletableFuture<JoinResult> joinGroup(Object connectionId, String principal, String groupId,
                                                   int sessionTimeoutMs, int rebalanceTimeoutMs, String memberId,
                                                   String clientId, String protocolType, List<Protocol> protocols) {
        if (closed) {
            return CompletableFuture.completedFuture(JoinResult.error(ErrorCode.REQUEST_TIMEOUT));
        }
        String mid = memberId == null ? "" : memberId;
        String cid = clientId == null ? "" : clientId;
        if (!validGroupId(groupId) || protocolType == null || protocolType.isEmpty() || protocols == null
                || protocols.isEmpty() || hasDuplicateNames(protocols) || rebalanceTimeoutMs <= 0
                || utf8Length(cid) > MAX_CLIENT_ID_BYTES) {
            return CompletableFuture.completedFuture(JoinResult.error(ErrorCode.INVALID_REQUEST));
        }
        if (!authorizer.authorizeGroup(principal, GroupAction.JOIN, groupId)) {
            return CompletableFuture.completedFuture(JoinResult.error(ErrorCode.GROUP_AUTHORIZATION_FAILED));
        }
        if (sessionTimeoutMs < config.minSessionTimeoutMs() || sessionTimeoutMs > config.maxSessionTimeoutMs()) {
            return CompletableFuture.completedFuture(JoinResult.error(ErrorCode.INVALID_SESSION_TIMEOUT));
        }
        CompletableFuture<JoinResult> f = new CompletableFuture<>();
        Completions c = new Completions();
        try {
            while (true) {
                // Only a join with an empty member id creates the group (check 4).
                Group g = mid.isEmpty() ? groups.computeIfAbsent(groupId, Group::new) : groups.get(groupId);
                if (g == null) {
                    c.complete(f, JoinResult.error(ErrorCode.UNKNOWN_MEMBER_ID));
                    break;
                }
                synchronized (g) {
                    if (g.state == GroupState.DEAD) {
                        continue; // deleted meanwhile: look again
                    }
                    join(g, connectionId, sessionTimeoutMs, rebalanceTimeoutMs, mid, cid, protocolType,
                            List.copyOf(protocols), f, c);
                }
                break;
            }
        } catch (RuntimeException e) {
            fail(f, "JoinGroup", groupId, e);
        }
        c.run();
        return f;
    }

    private void join(Group g, Object connectionId, int sessionTimeoutMs, int rebalanceTimeoutMs, String mid,
                      String cid, String protocolType, List<Protocol> protocols, CompletableFuture<JoinResult> f,
                      Completions c) {
        Member m = mid.isEmpty() ? null : g.members.get(mid);
        if (!mid.isEmpty() && m == null) {
            c.complete(f, JoinResult.error(ErrorCode.UNKNOWN_MEMBER_ID));
            return;
        }
        if (g.state != GroupState.EMPTY
                && (!protocolType.equals(g.protocolType) || !sharesProtocolWithOthers(g, m, protocols))) {
            c.complete(f, JoinResult.error(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        if (m == null) {
            if (g.state == GroupState.EMPTY) {
                g.protocolType = protocolType; // the first member to join an Empty group sets it
                cancelRetention(g);
            }
            m = new Member(cid + "-" + UUID.randomUUID());
            m.isNew = true;
            update(m, cid, sessionTimeoutMs, rebalanceTimeoutMs, protocols);
            g.members.put(m.id, m);
            log.info("group {}: new member {} joins", g.id, m.id);
            if (g.state != GroupState.PREPARING_REBALANCE) {
                boolean wasEmpty = g.state == GroupState.EMPTY;
                prepareRebalance(g, c, "new member " + m.id);
                if (wasEmpty) {
                    persistGroupState(g);
                }
            }
            holdJoin(g, m, f, connectionId, c);
            restartSession(g, m);
            checkJoinPhase(g, c);
            return;
        }
        boolean changed = !sameProtocols(m.protocols, protocols);
        update(m, cid, sessionTimeoutMs, rebalanceTimeoutMs, protocols);
        restartSession(g, m);
        switch (g.state) {
            case PREPARING_REBALANCE -> {
                holdJoin(g, m, f, connectionId, c);
                checkJoinPhase(g, c);
            }
            case COMPLETING_REBALANCE, STABLE -> {
                if (m.id.equals(g.leaderId) || changed) {
                    prepareRebalance(g, c, (changed ? "member " + m.id + " changed its protocols"
                            : "leader " + m.id + " rejoined"));
                    holdJoin(g, m, f, connectionId, c);
                    checkJoinPhase(g, c);
                } else {
                    // A retry after a lost response: nothing changes.
                    c.complete(f, new JoinResult(ErrorCode.NONE, g.generation, g.protocol, m.id, g.leaderId,
                            List.of()));
                }
            }
            default -> throw new IllegalStateException("group " + g.id + " in state " + g.state
                    + " has member " + m.id);
        }
    }

    private static void update(Member m, String clientId, int sessionTimeoutMs, int rebalanceTimeoutMs,
                               List<Protocol> protocols) {
        m.clientId = clientId;
        m.sessionTimeoutMs = sessionTimeoutMs;
        m.rebalanceTimeoutMs = rebalanceTimeoutMs;
        m.protocols = protocols;
    }

    private void holdJoin(Group g, Member m, CompletableFuture<JoinResult> f, Object connectionId, Completions c) {
        if (m.heldJoin != null) {
            // A newer JoinGroup of the same member replaces the held one (B.6.10).
            c.complete(m.heldJoin, JoinResult.error(ErrorCode.REBALANCE_IN_PROGRESS));
            unregisterNewJoin(g, m);
        }
        m.heldJoin = f;
        m.heldJoinConnection = connectionId;
        if (m.isNew && connectionId != null) {
            MemberRef ref = new MemberRef(g.id, m.id);
            newMemberJoins.compute(connectionId, (k, set) -> {
                Set<MemberRef> s = set == null ? new HashSet<>() : set;
                s.add(ref);
                return s;
            });
        }
        if (m.phaseJoinSeq < 0) {
            m.phaseJoinSeq = g.nextJoinSeq++;
        }
    }

    private void unregisterNewJoin(Group g, Member m) {
        if (m.isNew && m.heldJoinConnection != null) {
            MemberRef ref = new MemberRef(g.id, m.id);
            newMemberJoins.computeIfPresent(m.heldJoinConnection, (k, set) -> {
                set.remove(ref);
                return set.isEmpty() ? null : set;
            });
        }
    }

    /**
     * The connection {@code connectionId} closed: every new member (joined with an empty member id) whose held
     * JoinGroup came on it is removed, since it never learnt its id (B.6.10). Other members are unaffected.
     */
    public void connectionClosed(Object connectionId) {
        Set<MemberRef> refs = newMemberJoins.remove(connectionId);
        if (refs == null) {
            return;
        }
        Completions c = new Completions();
        for (MemberRef ref : refs) {
            Group g = groups.get(ref.groupId());
            if (g == null) {
                continue;
            }
            synchronized (g) {
                Member m = g.members.get(ref.memberId());
                if (g.state != GroupState.DEAD && m != null && m.isNew && m.heldJoin != null
                        && connectionId.equals(m.heldJoinConnection)) {
                    removeMember(g, m, c, "its connection closed before it learnt its member id");
                }
            }
        }
        c.run();
    }

    // =========================================================================================== phases

    /** Starts a join phase (state PreparingRebalance). The caller then holds joins and calls checkJoinPhase. */
    private void prepareRebalance(Group g, Completions c, String reason) {
        if (g.state == GroupState.COMPLETING_REBALANCE) {
            answerHeldSyncs(g, c, ErrorCode.REBALANCE_IN_PROGRESS);
        }
        boolean fromEmpty = g.state == GroupState.EMPTY;
        cancelPhaseTimer(g);
        g.state = GroupState.PREPARING_REBALANCE;
        g.phaseStartMs = timer.monotonicMs();
        g.phaseFromEmpty = fromEmpty;
        g.nextJoinSeq = 0;
        for (Member m : g.members.values()) {
            m.phaseJoinSeq = -1;
        }
        log.info("group {}: rebalance from generation {}: {}", g.id, g.generation, reason);
    }

    /** Ends the join phase if every member has a held JoinGroup (after the initial delay) or its time is up. */
    private void checkJoinPhase(Group g, Completions c) {
        if (g.state != GroupState.PREPARING_REBALANCE) {
            return;
        }
        if (g.members.isEmpty()) {
            becomeEmpty(g, c);
            return;
        }
        long now = timer.monotonicMs();
        int rebalanceTimeout = g.rebalanceTimeoutMs();
        long deadline = g.phaseStartMs + rebalanceTimeout;
        long earliest = g.phaseFromEmpty
                ? g.phaseStartMs + Math.min(config.initialRebalanceDelayMs(), rebalanceTimeout)
                : g.phaseStartMs;
        boolean allJoined = true;
        for (Member m : g.members.values()) {
            if (m.heldJoin == null) {
                allJoined = false;
                break;
            }
        }
        if ((allJoined && now >= earliest) || now >= deadline) {
            completeJoinPhase(g, c);
        } else {
            setPhaseTimer(g, allJoined ? earliest : deadline, this::checkJoinPhase);
        }
    }

    private void completeJoinPhase(Group g, Completions c) {
        cancelPhaseTimer(g);
        List<Member> missing = new ArrayList<>();
        for (Member m : g.members.values()) {
            if (m.heldJoin == null) {
                missing.add(m);
            }
        }
        for (Member m : missing) {
            removeSilently(g, m, c, "no JoinGroup within the rebalance timeout");
        }
        if (g.members.isEmpty()) {
            becomeEmpty(g, c);
            return;
        }
        g.generation++;
        Member leader = g.leaderId == null ? null : g.members.get(g.leaderId);
        if (leader == null) {
            for (Member m : g.members.values()) {
                if (leader == null || m.phaseJoinSeq < leader.phaseJoinSeq) {
                    leader = m;
                }
            }
        }
        g.leaderId = leader.id;
        g.protocol = selectProtocol(g, leader);
        g.state = GroupState.COMPLETING_REBALANCE;

        List<Member> sorted = new ArrayList<>(g.members.values());
        sorted.sort(BY_MEMBER_ID);
        List<MemberMetadata> list = new ArrayList<>(sorted.size());
        for (Member m : sorted) {
            list.add(new MemberMetadata(m.id, m.metadataFor(g.protocol)));
        }
        list = List.copyOf(list);
        for (Member m : g.members.values()) {
            m.syncedGeneration = -1;
            m.assignment = NO_BYTES;
            CompletableFuture<JoinResult> held = m.heldJoin;
            unregisterNewJoin(g, m);
            m.heldJoin = null;
            m.heldJoinConnection = null;
            m.isNew = false;
            c.complete(held, new JoinResult(ErrorCode.NONE, g.generation, g.protocol, m.id, g.leaderId,
                    m == leader ? list : List.of()));
            restartSession(g, m); // its timer was held with the request
        }
        log.info("group {}: generation {} with {} members, leader {}, protocol {}", g.id, g.generation,
                g.members.size(), g.leaderId, g.protocol);
        int generation = g.generation;
        setPhaseTimer(g, timer.monotonicMs() + g.rebalanceTimeoutMs(),
                (gg, cc) -> onSyncDeadline(gg, generation, cc));
    }

    /** The end of the sync phase (B.6.10). */
    private void onSyncDeadline(Group g, int generation, Completions c) {
        if (g.generation != generation) {
            return;
        }
        if (g.state == GroupState.COMPLETING_REBALANCE) {
            answerHeldSyncs(g, c, ErrorCode.REBALANCE_IN_PROGRESS);
            removeUnsynced(g, generation, c, "no SyncGroup from the leader within the rebalance timeout");
            if (g.members.isEmpty()) {
                becomeEmpty(g, c);
            } else {
                prepareRebalance(g, c, "the leader sent no SyncGroup within the rebalance timeout");
                checkJoinPhase(g, c);
            }
        } else if (g.state == GroupState.STABLE) {
            if (removeUnsynced(g, generation, c, "no SyncGroup within the rebalance timeout")) {
                afterRemoval(g, c, "members sent no SyncGroup within the rebalance timeout");
            }
        }
    }

    private boolean removeUnsynced(Group g, int generation, Completions c, String reason) {
        List<Member> silent = new ArrayList<>();
        for (Member m : g.members.values()) {
            if (m.syncedGeneration != generation) {
                silent.add(m);
            }
        }
        for (Member m : silent) {
            removeSilently(g, m, c, reason);
        }
        return !silent.isEmpty();
    }

    private void answerHeldSyncs(Group g, Completions c, int errorCode) {
        for (Member m : g.members.values()) {
            if (m.heldSync != null) {
                c.complete(m.heldSync, SyncResult.error(errorCode));
                m.heldSync = null;
                restartSession(g, m);
            }
        }
    }

    private void becomeEmpty(Group g, Completions c) {
        cancelPhaseTimer(g);
        g.state = GroupState.EMPTY;
        g.leaderId = null;
        g.protocol = null;
        g.emptySinceWallMs = timer.wallClockMs();
        persistGroupState(g);
        scheduleRetention(g);
        log.info("group {} is empty (generation {})", g.id, g.generation);
    }

    private String selectProtocol(Group g, Member leader) {
        for (Protocol p : leader.protocols) {
            boolean all = true;
            for (Member m : g.members.values()) {
                if (!m.supports(p.name())) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return p.name();
            }
        }
        // Check 29 keeps a common protocol; reaching this means a bug, but the leader's first is a sane answer.
        log.warn("group {}: no protocol supported by every member; using the leader's first", g.id);
        return leader.protocols.get(0).name();
    }

    private static boolean sharesProtocolWithOthers(Group g, Member self, List<Protocol> protocols) {
        for (Protocol p : protocols) {
            boolean all = true;
            for (Member o : g.members.values()) {
                if (o != self && !o.supports(p.name())) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameProtocols(List<Protocol> a, List<Protocol> b) {
        return a.equals(b); // Protocol.equals compares name and metadata bytes; List.equals the order
    }

    // =========================================================================================== SyncGroup

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
        CompletableFuture<SyncResult> f = new CompletableFuture<>();
        Completions c = new Completions();
        try {
            Group g = groups.get(groupId);
            if (g == null) {
                c.complete(f, SyncResult.error(ErrorCode.UNKNOWN_CONSUMER_GROUP_ID));
            } else {
                synchronized (g) {
                    int code = membershipCheck(g, memberId, generation, true);
                    if (code != ErrorCode.NONE) {
                        c.complete(f, SyncResult.error(code));
                    } else {
                        sync(g, g.members.get(memberId), given, f, c);
                    }
                }
            }
        } catch (RuntimeException e) {
            fail(f, "SyncGroup", groupId, e);
        }
        c.run();
        return f;
    }

    private void sync(Group g, Member m, List<MemberAssignment> given, CompletableFuture<SyncResult> f,
                      Completions c) {
        restartSession(g, m);
        switch (g.state) {
            case PREPARING_REBALANCE -> c.complete(f, SyncResult.error(ErrorCode.REBALANCE_IN_PROGRESS));
            case COMPLETING_REBALANCE -> {
                m.syncedGeneration = g.generation;
                if (m.id.equals(g.leaderId)) {
                    Map<String, byte[]> byMember = new HashMap<>();
                    for (MemberAssignment a : given) {
                        byMember.put(a.memberId(), a.assignment()); // ids that are not members are ignored
                    }
                    for (Member member : g.members.values()) {
                        member.assignment = byMember.getOrDefault(member.id, NO_BYTES);
                    }
                    g.state = GroupState.STABLE;
                    for (Member member : g.members.values()) {
                        if (member.heldSync != null) {
                            c.complete(member.heldSync, new SyncResult(ErrorCode.NONE, member.assignment));
                            member.heldSync = null;
                            restartSession(g, member);
                        }
                    }
                    c.complete(f, new SyncResult(ErrorCode.NONE, m.assignment));
                    log.info("group {}: generation {} is stable", g.id, g.generation);
                } else {
                    if (m.heldSync != null) {
                        c.complete(m.heldSync, SyncResult.error(ErrorCode.REBALANCE_IN_PROGRESS));
                    }
                    m.heldSync = f;
                }
            }
            case STABLE -> {
                m.syncedGeneration = g.generation;
                c.complete(f, new SyncResult(ErrorCode.NONE, m.assignment));
            }
            default -> throw new IllegalStateException("group " + g.id + " in state " + g.state
                    + " has member " + m.id);
        }
    }

    /** Membership checks of B.6.10 in order: 24, 20, then 28 if {@code checkGeneration}. Caller holds the lock. */
    private static int membershipCheck(Group g, String memberId, int generation, boolean checkGeneration) {
        if (g.state == GroupState.DEAD) {
            return ErrorCode.UNKNOWN_CONSUMER_GROUP_ID;
        }
        if (memberId == null || !g.members.containsKey(memberId)) {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        if (checkGeneration && generation != g.generation) {
            return ErrorCode.ILLEGAL_GENERATION;
        }
        return ErrorCode.NONE;
    }

    // =========================================================================================== Heartbeat

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
        Group g = groups.get(groupId);
        if (g == null) {
            return CompletableFuture.completedFuture(ErrorCode.UNKNOWN_CONSUMER_GROUP_ID);
        }
        int code;
        synchronized (g) {
            code = membershipCheck(g, memberId, generation, true);
            if (code == ErrorCode.NONE) {
                restartSession(g, g.members.get(memberId));
                if (g.state == GroupState.PREPARING_REBALANCE) {
                    code = ErrorCode.REBALANCE_IN_PROGRESS;
                }
            }
        }
        return CompletableFuture.completedFuture(code);
    }

    // =========================================================================================== LeaveGroup

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
        Group g = groups.get(groupId);
        if (g == null) {
            return CompletableFuture.completedFuture(ErrorCode.UNKNOWN_CONSUMER_GROUP_ID);
        }
        Completions c = new Completions();
        int code;
        synchronized (g) {
            code = membershipCheck(g, memberId, 0, false);
            if (code == ErrorCode.NONE) {
                removeMember(g, g.members.get(memberId), c, "left the group");
            }
        }
        c.run();
        return CompletableFuture.completedFuture(code);
    }

    // =========================================================================================== members

    private void removeMember(Group g, Member m, Completions c, String reason) {
        removeSilently(g, m, c, reason);
        afterRemoval(g, c, "member " + m.id + " " + reason);
    }

    /** Removes a member without starting anything; its held requests get 20. */
    private void removeSilently(Group g, Member m, Completions c, String reason) {
        g.members.remove(m.id);
        cancelSessionTimer(m);
        if (m.heldJoin != null) {
            c.complete(m.heldJoin, JoinResult.error(ErrorCode.UNKNOWN_MEMBER_ID));
            unregisterNewJoin(g, m);
            m.heldJoin = null;
        }
        if (m.heldSync != null) {
            c.complete(m.heldSync, SyncResult.error(ErrorCode.UNKNOWN_MEMBER_ID));
            m.heldSync = null;
        }
        log.info("group {}: member {} removed: {}", g.id, m.id, reason);
    }

    /** What follows a removal (B.6.10): Empty, an earlier end of the join phase, or a new join phase. */
    private void afterRemoval(Group g, Completions c, String reason) {
        if (g.members.isEmpty()) {
            becomeEmpty(g, c);
            return;
        }
        switch (g.state) {
            case PREPARING_REBALANCE -> checkJoinPhase(g, c);
            case COMPLETING_REBALANCE, STABLE -> {
                prepareRebalance(g, c, reason);
                checkJoinPhase(g, c);
            }
            default -> {
            }
        }
    }

    private void restartSession(Group g, Member m) {
        long now = timer.monotonicMs();
        m.sessionDeadlineMs = now + m.sessionTimeoutMs;
        if (m.sessionTimer == null || m.sessionTimerAtMs > m.sessionDeadlineMs) {
            scheduleSessionTimer(g, m, m.sessionDeadlineMs, now);
        }
    }

    private void scheduleSessionTimer(Group g, Member m, long atMs, long now) {
        cancelSessionTimer(m);
        long seq = ++m.sessionTimerSeq;
        m.sessionTimerAtMs = atMs;
        m.sessionTimer = timer.schedule(() -> onSessionTimer(g, m, seq), atMs - now);
    }

    private static void cancelSessionTimer(Member m) {
        if (m.sessionTimer != null) {
            m.sessionTimer.cancel();
            m.sessionTimer = null;
        }
        m.sessionTimerAtMs = Long.MAX_VALUE;
        m.sessionTimerSeq++;
    }

    private void onSessionTimer(Group g, Member m, long seq) {
        Completions c = new Completions();
        try {
            synchronized (g) {
                if (closed || m.sessionTimerSeq != seq || g.state == GroupState.DEAD || g.members.get(m.id) != m) {
                    return;
                }
                m.sessionTimer = null;
                m.sessionTimerAtMs = Long.MAX_VALUE;
                if (m.isHeld()) {
                    return; // never expires while held; the timer restarts when the request is answered
                }
                long now = timer.monotonicMs();
                if (now < m.sessionDeadlineMs) {
                    scheduleSessionTimer(g, m, m.sessionDeadlineMs, now);
                    return;
                }
                removeMember(g, m, c, "session timeout of " + m.sessionTimeoutMs + " ms expired");
            }
        } catch (RuntimeException e) {
            log.error("group {}: session timer failed", g.id, e);
        }
        c.run();
    }

    private void setPhaseTimer(Group g, long atMs, BiConsumer<Group, Completions> action) {
        cancelPhaseTimer(g);
        long seq = g.phaseTimerSeq;
        g.phaseTimerAtMs = atMs;
        g.phaseTimer = timer.schedule(() -> onPhaseTimer(g, seq, action), atMs - timer.monotonicMs());
    }

    private static void cancelPhaseTimer(Group g) {
        if (g.phaseTimer != null) {
            g.phaseTimer.cancel();
            g.phaseTimer = null;
        }
        g.phaseTimerAtMs = Long.MAX_VALUE;
        g.phaseTimerSeq++;
    }

    private void onPhaseTimer(Group g, long seq, BiConsumer<Group, Completions> action) {
        Completions c = new Completions();
        try {
            synchronized (g) {
                if (closed || g.phaseTimerSeq != seq || g.state == GroupState.DEAD) {
                    return;
                }
                g.phaseTimer = null;
                g.phaseTimerAtMs = Long.MAX_VALUE;
                action.accept(g, c);
            }
        } catch (RuntimeException e) {
            log.error("group {}: phase timer failed", g.id, e);
        }
        c.run();
    }

    // =========================================================================================== OffsetCommit

    /**
     * OffsetCommit (B.6.8). Completes once the accepted offsets are durable.
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
        CompletableFuture<OffsetCommitResult> f = new CompletableFuture<>();
        Completions c = new Completions();
        PendingCommit pending = null;
        Group g = null;
        try {
            if (generation >= 0) {
                g = groups.get(groupId);
                if (g == null) {
                    c.complete(f, commitResult(offsets, Map.of(), ErrorCode.UNKNOWN_CONSUMER_GROUP_ID));
                } else {
                    synchronized (g) {
                        int code = membershipCheck(g, memberId, generation, true);
                        if (code == ErrorCode.NONE) {
                            restartSession(g, g.members.get(memberId));
                            if (g.state == GroupState.COMPLETING_REBALANCE) {
                                code = ErrorCode.REBALANCE_IN_PROGRESS;
                            }
                        }
                        if (code != ErrorCode.NONE) {
                            c.complete(f, commitResult(offsets, Map.of(), code));
                        } else {
                            pending = storeCommit(g, principal, offsets, f, c);
                        }
                    }
                }
            } else {
                while (true) {
                    g = groups.computeIfAbsent(groupId, Group::new); // created Empty, protocol type ""
                    synchronized (g) {
                        if (g.state == GroupState.DEAD) {
                            continue;
                        }
                        if (!g.members.isEmpty()) {
                            c.complete(f, commitResult(offsets, Map.of(), ErrorCode.ILLEGAL_GENERATION));
                        } else {
                            pending = storeCommit(g, principal, offsets, f, c);
                        }
                    }
                    break;
                }
            }
        } catch (RuntimeException e) {
            fail(f, "OffsetCommit", groupId, e);
        }
        c.run();
        if (pending != null) {
            Group group = g;
            PendingCommit p = pending;
            // Registered outside the group lock, so f never completes under it.
            p.write.whenComplete((v, e) -> commitDone(group, p, e));
        }
        return f;
    }

    private record PendingCommit(CompletableFuture<Void> write, List<TopicData<CommitPartition>> offsets,
                                 Map<TopicPartition, Integer> codes, CompletableFuture<OffsetCommitResult> f) {
    }

    /** Per-partition checks (8, 5, 41, 26) and the durable write of the rest. Caller holds the group lock. */
    private PendingCommit storeCommit(Group g, String principal, List<TopicData<CommitPartition>> offsets,
                                      CompletableFuture<OffsetCommitResult> f, Completions c) {
        long wallNow = timer.wallClockMs();
        Map<TopicPartition, Integer> codes = new HashMap<>();
        Map<TopicPartition, CommittedOffset> accepted = new HashMap<>();
        for (TopicData<CommitPartition> td : offsets) {
            int count = topics.partitionCount(td.topic());
            boolean authorized = count < 0
                    || authorizer.authorizeTopic(principal, GroupAction.COMMIT_OFFSETS, td.topic());
            for (CommitPartition p : td.partitions()) {
                TopicPartition tp = new TopicPartition(td.topic(), p.partition());
                String metadata = p.metadata() == null ? "" : p.metadata();
                int code;
                if (count < 0) {
                    code = ErrorCode.TOPIC_NOT_FOUND;
                } else if (p.partition() >= count) {
                    code = ErrorCode.PARTITION_NOT_FOUND;
                } else if (!authorized) {
                    code = ErrorCode.AUTHORIZATION_FAILED;
                } else if (utf8Length(metadata) > MAX_METADATA_BYTES) {
                    code = ErrorCode.INVALID_COMMIT_OFFSET_SIZE;
                } else {
                    accepted.put(tp, new CommittedOffset(p.offset(), metadata, wallNow));
                    continue;
                }
                codes.put(tp, code);
            }
        }
        if (accepted.isEmpty()) {
            c.complete(f, commitResult(offsets, codes, ErrorCode.NONE));
            maybeDropStandalone(g);
            return null;
        }
        g.pendingWrites++;
        // Queued under the group lock, so the log order matches the order of decisions on this group.
        return new PendingCommit(store.commit(g.id, accepted), offsets, codes, f);
    }

    private void commitDone(Group g, PendingCommit p, Throwable error) {
        if (error != null) {
            log.warn("group {}: committed offsets could not be stored: {}", g.id, error.toString());
        }
        try {
            synchronized (g) {
                g.pendingWrites--;
                if (g.state == GroupState.EMPTY) {
                    scheduleRetention(g); // standalone partitions' expiry, or a postponed expiry
                }
            }
        } catch (RuntimeException e) {
            log.error("group {}: after commit", g.id, e);
        }
        p.f().complete(commitResult(p.offsets(), p.codes(),
                error == null ? ErrorCode.NONE : ErrorCode.STORAGE_ERROR));
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
            Set<Integer> seen = new HashSet<>();
            for (CommitPartition p : td.partitions()) {
                if (p == null || p.partition() < 0 || p.offset() < 0 || !seen.add(p.partition())) {
                    return false;
                }
            }
        }
        return true;
    }

    private static OffsetCommitResult commitResult(List<TopicData<CommitPartition>> offsets,
                                                   Map<TopicPartition, Integer> codes, int otherwise) {
        TreeMap<String, List<PartitionResult>> byTopic = new TreeMap<>(Utf8Order.STRINGS);
        for (TopicData<CommitPartition> td : offsets) {
            List<PartitionResult> list = byTopic.computeIfAbsent(td.topic(), t -> new ArrayList<>());
            for (CommitPartition p : td.partitions()) {
                list.add(new PartitionResult(p.partition(),
                        codes.getOrDefault(new TopicPartition(td.topic(), p.partition()), otherwise)));
            }
        }
        List<TopicData<PartitionResult>> out = new ArrayList<>(byTopic.size());
        byTopic.forEach((topic, list) -> {
            list.sort(Comparator.comparingInt(PartitionResult::partition));
            out.add(new TopicData<>(topic, List.copyOf(list)));
        });
        return new OffsetCommitResult(ErrorCode.NONE, List.copyOf(out));
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
        long wallNow = timer.wallClockMs();
        Map<TopicPartition, CommittedOffset> accepted = new HashMap<>();
        for (TopicData<CommitPartition> td : offsets) {
            for (CommitPartition p : td.partitions()) {
                accepted.put(new TopicPartition(td.topic(), p.partition()),
                        new CommittedOffset(p.offset(), p.metadata() == null ? "" : p.metadata(), wallNow));
            }
        }
        while (true) {
            Group g = groups.computeIfAbsent(groupId, Group::new);
            CompletableFuture<Void> write;
            synchronized (g) {
                if (g.state == GroupState.DEAD) {
                    continue;
                }
                g.pendingWrites++;
                write = store.commit(g.id, accepted);
            }
            return write.whenComplete((v, e) -> commitDone(g, new PendingCommit(write, List.of(), Map.of(),
                    new CompletableFuture<>()), e));
        }
    }

    // =========================================================================================== OffsetFetch

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
        Group g = groups.get(groupId);
        boolean exists = false;
        if (g != null) {
            synchronized (g) {
                exists = g.state != GroupState.DEAD;
            }
        }
        Map<TopicPartition, CommittedOffset> committed = exists ? store.offsets(groupId) : Map.of();
        TreeMap<String, TreeMap<Integer, FetchedOffset>> out = new TreeMap<>(Utf8Order.STRINGS);
        if (wanted.isEmpty()) {
            // Every committed offset; topics the principal may not read are left out rather than revealed.
            Map<String, Boolean> allowed = new HashMap<>();
            committed.forEach((tp, o) -> {
                if (allowed.computeIfAbsent(tp.topic(),
                        t -> authorizer.authorizeTopic(principal, GroupAction.FETCH_OFFSETS, t))) {
                    out.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(),
                            new FetchedOffset(tp.partition(), o.offset(), o.metadata(), ErrorCode.NONE));
                }
            });
        } else {
            for (TopicData<Integer> td : wanted) {
                boolean authorized = authorizer.authorizeTopic(principal, GroupAction.FETCH_OFFSETS, td.topic());
                TreeMap<Integer, FetchedOffset> list = out.computeIfAbsent(td.topic(), t -> new TreeMap<>());
                List<Integer> ids = td.partitions();
                if (ids.isEmpty()) {
                    ids = new ArrayList<>();
                    for (TopicPartition tp : committed.keySet()) {
                        if (tp.topic().equals(td.topic())) {
                            ids.add(tp.partition());
                        }
                    }
                }
                for (int p : ids) {
                    CommittedOffset o = committed.get(new TopicPartition(td.topic(), p));
                    FetchedOffset r;
                    if (!authorized) {
                        r = new FetchedOffset(p, -1, "", ErrorCode.AUTHORIZATION_FAILED);
                    } else if (o == null) {
                        r = new FetchedOffset(p, -1, "", ErrorCode.NONE);
                    } else {
                        r = new FetchedOffset(p, o.offset(), o.metadata(), ErrorCode.NONE);
                    }
                    list.put(p, r);
                }
            }
        }
        List<TopicData<FetchedOffset>> result = new ArrayList<>(out.size());
        out.forEach((topic, map) -> result.add(new TopicData<>(topic, List.copyOf(map.values()))));
        return CompletableFuture.completedFuture(new OffsetFetchResult(ErrorCode.NONE, List.copyOf(result)));
    }

    private static boolean validFetch(List<TopicData<Integer>> partitions) {
        Set<String> seenTopics = new HashSet<>();
        for (TopicData<Integer> td : partitions) {
            if (td == null || td.topic() == null || td.partitions() == null || !seenTopics.add(td.topic())) {
                return false;
            }
            Set<Integer> seen = new HashSet<>();
            for (Integer p : td.partitions()) {
                if (p == null || p < 0 || !seen.add(p)) {
                    return false;
                }
            }
        }
        return true;
    }

    // =========================================================================================== DeleteGroups

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
            parts.add(deleteGroup(principal, id));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            List<GroupResult> results = new ArrayList<>(parts.size());
            for (CompletableFuture<GroupResult> p : parts) {
                results.add(p.join());
            }
            return new DeleteGroupsResult(ErrorCode.NONE, List.copyOf(results));
        });
    }

    private CompletableFuture<GroupResult> deleteGroup(String principal, String id) {
        if (!authorizer.authorizeGroup(principal, GroupAction.DELETE, id)) {
            return CompletableFuture.completedFuture(new GroupResult(id, ErrorCode.GROUP_AUTHORIZATION_FAILED));
        }
        Group g = groups.get(id);
        if (g == null) {
            return CompletableFuture.completedFuture(new GroupResult(id, ErrorCode.UNKNOWN_CONSUMER_GROUP_ID));
        }
        CompletableFuture<Void> write;
        synchronized (g) {
            if (g.state == GroupState.DEAD) {
                return CompletableFuture.completedFuture(new GroupResult(id, ErrorCode.UNKNOWN_CONSUMER_GROUP_ID));
            }
            if (g.state != GroupState.EMPTY) {
                return CompletableFuture.completedFuture(new GroupResult(id, ErrorCode.NON_EMPTY_GROUP));
            }
            markDead(g);
            write = store.deleteGroup(id);
        }
        log.info("group {} deleted", id);
        return write.handle((v, e) -> {
            if (e != null) {
                log.warn("group {}: deletion could not be stored: {}", id, e.toString());
            }
            return new GroupResult(id, e == null ? ErrorCode.NONE : ErrorCode.STORAGE_ERROR);
        });
    }

    /** The group ceases to exist. Caller holds the lock. */
    private void markDead(Group g) {
        g.state = GroupState.DEAD;
        cancelPhaseTimer(g);
        cancelRetention(g);
        for (Member m : g.members.values()) {
            cancelSessionTimer(m);
        }
        groups.remove(g.id, g);
    }

    // =========================================================================================== ListGroups

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
        for (Group g : groups.values()) {
            if (!g.id.startsWith(p)) {
                continue; // a string prefix is a UTF-8 byte prefix
            }
            GroupState state;
            String protocolType;
            synchronized (g) {
                state = g.state;
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

    // =========================================================================================== retention

    /**
     * A topic was deleted: its committed offsets are deleted in every group (B.6.8). Completes when durable.
     */
    public CompletableFuture<Void> topicDeleted(String topic) {
        return store.deleteTopic(topic).whenComplete((v, e) -> {
            if (e != null) {
                log.warn("offsets of deleted topic {} could not be removed: {}", topic, e.toString());
                return;
            }
            for (Group g : groups.values()) {
                synchronized (g) {
                    if (g.state == GroupState.EMPTY && g.isStandaloneOnly()) {
                        scheduleRetention(g); // a standalone group without offsets left ceases to exist
                    }
                }
            }
        });
    }

    private void persistGroupState(Group g) {
        long emptySince = g.state == GroupState.EMPTY ? g.emptySinceWallMs : -1;
        store.putGroup(g.id, new StoredGroup(g.protocolType, emptySince)).whenComplete((v, e) -> {
            if (e != null) {
                log.warn("group {}: state could not be stored: {}", g.id, e.toString());
            }
        });
    }

    /** (Re)arms the retention countdown of an Empty group (B.6.8). Caller holds the lock. */
    private void scheduleRetention(Group g) {
        cancelRetention(g);
        if (g.state != GroupState.EMPTY) {
            return;
        }
        if (maybeDropStandalone(g)) {
            return;
        }
        Optional<Duration> retention = config.offsetRetention();
        if (retention.isEmpty()) {
            return;
        }
        long retentionMs = retention.get().toMillis();
        long due;
        if (!g.isStandaloneOnly()) {
            due = g.emptySinceWallMs + retentionMs;
        } else {
            long oldest = Long.MAX_VALUE;
            for (CommittedOffset o : store.offsets(g.id).values()) {
                oldest = Math.min(oldest, o.commitTimeMs());
            }
            if (oldest == Long.MAX_VALUE) {
                return; // only pending writes; their completion reschedules
            }
            due = oldest + retentionMs;
        }
        long seq = g.retentionTimerSeq;
        g.retentionTimer = timer.schedule(() -> onRetention(g, seq), due - timer.wallClockMs());
    }

    private static void cancelRetention(Group g) {
        if (g.retentionTimer != null) {
            g.retentionTimer.cancel();
            g.retentionTimer = null;
        }
        g.retentionTimerSeq++;
    }

    /** A standalone-only group with no offsets and nothing pending ceases to exist. Caller holds the lock. */
    private boolean maybeDropStandalone(Group g) {
        if (g.state == GroupState.EMPTY && g.isStandaloneOnly() && g.pendingWrites == 0
                && store.offsets(g.id).isEmpty() && store.storedGroup(g.id) == null) {
            markDead(g);
            log.debug("standalone group {} has no committed offsets left and ceases to exist", g.id);
            return true;
        }
        return false;
    }

    private void onRetention(Group g, long seq) {
        try {
            synchronized (g) {
                if (closed || g.retentionTimerSeq != seq || g.state != GroupState.EMPTY) {
                    return;
                }
                g.retentionTimer = null;
                if (g.pendingWrites > 0) {
                    return; // a commit is on its way; its completion re-arms the countdown
                }
                long retentionMs = config.offsetRetention().orElseThrow().toMillis();
                long now = timer.wallClockMs();
                if (!g.isStandaloneOnly()) {
                    if (now < g.emptySinceWallMs + retentionMs) {
                        scheduleRetention(g);
                        return;
                    }
                    markDead(g);
                    log.info("group {} expired after {} ms Empty; its offsets are deleted", g.id, retentionMs);
                    store.deleteGroup(g.id).whenComplete((v, e) -> {
                        if (e != null) {
                            log.warn("group {}: expiry could not be stored: {}", g.id, e.toString());
                        }
                    });
                    return;
                }
                List<TopicPartition> expired = new ArrayList<>();
                store.offsets(g.id).forEach((tp, o) -> {
                    if (o.commitTimeMs() + retentionMs <= now) {
                        expired.add(tp);
                    }
                });
                if (expired.isEmpty()) {
                    scheduleRetention(g);
                    return;
                }
                log.info("group {}: offsets of {} partitions expired", g.id, expired.size());
                g.pendingWrites++;
                store.deletePartitions(g.id, expired).whenComplete((v, e) -> {
                    if (e != null) {
                        log.warn("group {}: offset expiry could not be stored: {}", g.id, e.toString());
                    }
                    synchronized (g) {
                        g.pendingWrites--;
                        if (g.state == GroupState.EMPTY) {
                            scheduleRetention(g);
                        }
                    }
                });
            }
        } catch (RuntimeException e) {
            log.error("group {}: retention timer failed", g.id, e);
        }
    }

    // =========================================================================================== misc

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
        Completions c = new Completions();
        for (Group g : groups.values()) {
            synchronized (g) {
                cancelPhaseTimer(g);
                cancelRetention(g);
                for (Member m : g.members.values()) {
                    cancelSessionTimer(m);
                    if (m.heldJoin != null) {
                        c.complete(m.heldJoin, JoinResult.error(ErrorCode.REQUEST_TIMEOUT));
                        m.heldJoin = null;
                    }
                    if (m.heldSync != null) {
                        c.complete(m.heldSync, SyncResult.error(ErrorCode.REQUEST_TIMEOUT));
                        m.heldSync = null;
                    }
                }
            }
        }
        newMemberJoins.clear();
        c.run();
        if (ownsStore) {
            store.close();
        }
    }

    /** A consistent view of one group, for tests and diagnostics; null if the group does not exist. */
    GroupSnapshot snapshot(String groupId) {
        Group g = groups.get(groupId);
        if (g == null) {
            return null;
        }
        synchronized (g) {
            if (g.state == GroupState.DEAD) {
                return null;
            }
            List<String> ids = new ArrayList<>(g.members.keySet());
            ids.sort(Utf8Order.STRINGS);
            return new GroupSnapshot(g.state, g.generation, g.leaderId, g.protocol, g.protocolType, List.copyOf(ids));
        }
    }

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

    private static void fail(CompletableFuture<?> f, String request, String groupId, RuntimeException e) {
        log.error("{} for group {} failed", request, groupId, e);
        f.completeExceptionally(e);
    }

    /** Future completions deferred until the group lock is released. Not thread-safe (one per call). */
    private static final class Completions {
        private final List<Runnable> actions = new ArrayList<>();

        <T> void complete(CompletableFuture<T> f, T value) {
            actions.add(() -> f.complete(value));
        }

        void run() {
            for (Runnable r : actions) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    log.error("group request callback failed", e);
                }
            }
            actions.clear();
        }
    }
}
