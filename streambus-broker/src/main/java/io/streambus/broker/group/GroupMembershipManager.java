package io.streambus.broker.group;

import io.streambus.broker.limits.LogText;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.group.Utf8Order;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The membership side of the group coordinator (B.6.4-B.6.7, B.6.10): JoinGroup, SyncGroup, Heartbeat and
 * LeaveGroup, the join and sync phases of a rebalance, held requests, and session expiry. Requests reach it already
 * validated and authorized by the {@link GroupCoordinator} façade. It tells the {@link OffsetManager} when a group
 * leaves or enters Empty, since that drives offset retention.
 *
 * <p>Thread-safe: state changes run under the group's lock (held only for in-memory work); timeouts run on the
 * {@link GroupTimer}. Futures are completed through {@link Completions}, never under a group lock.
 */
final class GroupMembershipManager {

    private static final Logger log = LoggerFactory.getLogger(GroupMembershipManager.class);
    private static final byte[] NO_BYTES = new byte[0];
    private static final Comparator<Member> BY_MEMBER_ID = (a, b) -> Utf8Order.compare(a.id, b.id);

    private final GroupCoordinatorConfig config;
    private final GroupTimer timer;
    private final GroupRegistry groups;
    private final OffsetManager offsets;
    /** Keeps membership across restarts; {@link DurableMembership#disabled()} keeps nothing. */
    private final DurableMembership durable;
    /** Held JoinGroups of new members by connection, so that closing the connection removes them (B.6.10). */
    private final ConcurrentHashMap<Object, Set<MemberRef>> newMemberJoins = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private record MemberRef(String groupId, String memberId) {
    }

    GroupMembershipManager(GroupCoordinatorConfig config, GroupTimer timer, GroupRegistry groups,
                           OffsetManager offsets) {
        this(config, timer, groups, offsets, DurableMembership.disabled());
    }

    GroupMembershipManager(GroupCoordinatorConfig config, GroupTimer timer, GroupRegistry groups,
                           OffsetManager offsets, DurableMembership durable) {
        this.config = config;
        this.timer = timer;
        this.groups = groups;
        this.offsets = offsets;
        this.durable = durable;
    }

    /**
     * Restores the groups {@link DurableMembership} kept (call once, before any request): a Stable generation comes
     * back Stable with its members and assignments, a rebalance comes back as a join phase its members rejoin. Every
     * member's session restarts now, so a member that heartbeats within its session timeout keeps its partitions.
     */
    void restore() {
        Completions c = new Completions();
        int n = 0;
        for (DurableGroup d : durable.load()) {
            Group g = groups.getOrCreate(d.groupId());
            synchronized (g) {
                if (g.state() != GroupState.EMPTY || !g.members.isEmpty() || d.members().isEmpty()) {
                    continue;
                }
                g.protocolType = d.protocolType();
                g.generation = d.generation();
                for (DurableGroup.DurableMember dm : d.members()) {
                    Member m = new Member(dm.id());
                    m.clientId = dm.clientId();
                    m.sessionTimeoutMs = dm.sessionTimeoutMs();
                    m.rebalanceTimeoutMs = dm.rebalanceTimeoutMs();
                    m.protocols = dm.protocols();
                    m.assignment = d.stable() ? dm.assignment() : NO_BYTES;
                    m.syncedGeneration = d.stable() ? d.generation() : -1;
                    g.members.put(m.id, m);
                }
                offsets.groupActivated(g);
                if (d.stable() && d.leaderId() != null && g.members.containsKey(d.leaderId())) {
                    g.leaderId = d.leaderId();
                    g.protocol = d.protocol();
                    g.transitionTo(GroupState.PREPARING_REBALANCE);
                    g.transitionTo(GroupState.COMPLETING_REBALANCE);
                    g.transitionTo(GroupState.STABLE);
                } else {
                    prepareRebalance(g, c, "restored in a rebalance after a broker restart");
                }
                for (Member m : g.members.values()) {
                    restartSession(g, m);
                }
                checkJoinPhase(g, c);
                log.info("group {}: restored {} member(s), generation {}, {}", g.id, g.members.size(),
                        g.generation, g.state());
                n++;
            }
        }
        c.run();
        if (n > 0) {
            log.info("restored the membership of {} group(s)", n);
        }
    }

    // =========================================================================================== JoinGroup

    /** JoinGroup (B.6.4) from check 4 on; the request has passed the façade's checks. */
    CompletableFuture<JoinResult> join(JoinRequest r) {
        String mid = r.memberId() == null ? "" : r.memberId();
        String cid = r.clientId() == null ? "" : r.clientId();
        List<Protocol> protocols = List.copyOf(r.protocols());
        CompletableFuture<JoinResult> f = new CompletableFuture<>();
        Completions c = new Completions();
        try {
            while (true) {
                // Only a join with an empty member id creates the group (check 4).
                Group g = mid.isEmpty() ? groups.getOrCreate(r.groupId()) : groups.get(r.groupId());
                if (g == null) {
                    c.complete(f, JoinResult.error(ErrorCode.UNKNOWN_MEMBER_ID));
                    break;
                }
                synchronized (g) {
                    if (g.state() == GroupState.DEAD) {
                        continue; // deleted meanwhile: look again
                    }
                    join(g, r, mid, cid, protocols, f, c);
                }
                break;
            }
        } catch (RuntimeException e) {
            GroupCoordinator.fail(f, "JoinGroup", r.groupId(), e);
        }
        c.run();
        return f;
    }

    private void join(Group g, JoinRequest r, String mid, String cid, List<Protocol> protocols,
                      CompletableFuture<JoinResult> f, Completions c) {
        Member m = mid.isEmpty() ? null : g.members.get(mid);
        if (!mid.isEmpty() && m == null) {
            c.complete(f, JoinResult.error(ErrorCode.UNKNOWN_MEMBER_ID));
            return;
        }
        if (g.state() != GroupState.EMPTY
                && (!r.protocolType().equals(g.protocolType) || !sharesProtocolWithOthers(g, m, protocols))) {
            c.complete(f, JoinResult.error(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        if (m == null) {
            boolean wasEmpty = g.state() == GroupState.EMPTY;
            if (wasEmpty) {
                g.protocolType = r.protocolType(); // the first member to join an Empty group sets it
            }
            m = new Member(cid + "-" + UUID.randomUUID());
            m.isNew = true;
            update(m, cid, r, protocols);
            g.members.put(m.id, m);
            log.info("group {}: new member {} joins", LogText.safe(g.id), LogText.safe(m.id));
            if (g.state() != GroupState.PREPARING_REBALANCE) {
                prepareRebalance(g, c, "new member " + m.id);
                if (wasEmpty) {
                    offsets.groupActivated(g);
                }
            }
            holdJoin(g, m, f, r.connectionId(), c);
            restartSession(g, m);
            checkJoinPhase(g, c);
            return;
        }
        boolean changed = !m.protocols.equals(protocols); // Protocol.equals compares name and metadata bytes
        update(m, cid, r, protocols);
        restartSession(g, m);
        switch (g.state()) {
            case PREPARING_REBALANCE -> {
                holdJoin(g, m, f, r.connectionId(), c);
                checkJoinPhase(g, c);
            }
            case COMPLETING_REBALANCE, STABLE -> {
                if (m.id.equals(g.leaderId) || changed) {
                    prepareRebalance(g, c, (changed ? "member " + m.id + " changed its protocols"
                            : "leader " + m.id + " rejoined"));
                    holdJoin(g, m, f, r.connectionId(), c);
                    checkJoinPhase(g, c);
                } else {
                    // A retry after a lost response: nothing changes.
                    c.complete(f, new JoinResult(ErrorCode.NONE, g.generation, g.protocol, m.id, g.leaderId,
                            List.of()));
                }
            }
            default -> throw new IllegalStateException("group " + g.id + " in state " + g.state()
                    + " has member " + m.id);
        }
    }

    private static void update(Member m, String clientId, JoinRequest r, List<Protocol> protocols) {
        m.clientId = clientId;
        m.sessionTimeoutMs = r.sessionTimeoutMs();
        m.rebalanceTimeoutMs = r.rebalanceTimeoutMs();
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

    /** See {@link GroupCoordinator#connectionClosed}. */
    void connectionClosed(Object connectionId) {
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
                if (g.state() != GroupState.DEAD && m != null && m.isNew && m.heldJoin != null
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
        if (g.state() == GroupState.COMPLETING_REBALANCE) {
            answerHeldSyncs(g, c, ErrorCode.REBALANCE_IN_PROGRESS);
        }
        boolean fromEmpty = g.state() == GroupState.EMPTY;
        g.cancelPhaseTimer();
        g.transitionTo(GroupState.PREPARING_REBALANCE);
        g.phaseStartMs = timer.monotonicMs();
        g.phaseFromEmpty = fromEmpty;
        g.nextJoinSeq = 0;
        for (Member m : g.members.values()) {
            m.phaseJoinSeq = -1;
        }
        g.membershipWritten = durable.save(DurableGroup.of(g));
        log.info("group {}: rebalance from generation {}: {}", LogText.safe(g.id), g.generation,
                LogText.safe(reason));
    }

    /** Ends the join phase if every member has a held JoinGroup (after the initial delay) or its time is up. */
    private void checkJoinPhase(Group g, Completions c) {
        if (g.state() != GroupState.PREPARING_REBALANCE) {
            return;
        }
        if (g.members.isEmpty()) {
            becomeEmpty(g);
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
        g.cancelPhaseTimer();
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
            becomeEmpty(g);
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
        g.transitionTo(GroupState.COMPLETING_REBALANCE);

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
        g.membershipWritten = durable.save(DurableGroup.of(g));
        log.info("group {}: generation {} with {} members, leader {}, protocol {}", LogText.safe(g.id), g.generation,
                g.members.size(), LogText.safe(g.leaderId), LogText.safe(g.protocol));
        int generation = g.generation;
        setPhaseTimer(g, timer.monotonicMs() + g.rebalanceTimeoutMs(),
                (gg, cc) -> onSyncDeadline(gg, generation, cc));
    }

    /** The end of the sync phase (B.6.10). */
    private void onSyncDeadline(Group g, int generation, Completions c) {
        if (g.generation != generation) {
            return;
        }
        if (g.state() == GroupState.COMPLETING_REBALANCE) {
            answerHeldSyncs(g, c, ErrorCode.REBALANCE_IN_PROGRESS);
            removeUnsynced(g, generation, c, "no SyncGroup from the leader within the rebalance timeout");
            if (g.members.isEmpty()) {
                becomeEmpty(g);
            } else {
                prepareRebalance(g, c, "the leader sent no SyncGroup within the rebalance timeout");
                checkJoinPhase(g, c);
            }
        } else if (g.state() == GroupState.STABLE) {
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

    private void becomeEmpty(Group g) {
        g.cancelPhaseTimer();
        g.transitionTo(GroupState.EMPTY);
        g.leaderId = null;
        g.protocol = null;
        g.emptySinceWallMs = timer.wallClockMs();
        offsets.groupEmptied(g);
        g.membershipWritten = durable.clear(g.id);
        log.info("group {} is empty (generation {})", LogText.safe(g.id), g.generation);
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
        log.warn("group {}: no protocol supported by every member; using the leader's first", LogText.safe(g.id));
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

    // =========================================================================================== SyncGroup

    /** SyncGroup (B.6.5) of a request the façade has validated and authorized. */
    CompletableFuture<SyncResult> sync(String groupId, int generation, String memberId,
                                       List<MemberAssignment> given) {
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
            GroupCoordinator.fail(f, "SyncGroup", groupId, e);
        }
        c.run();
        return f;
    }

    private void sync(Group g, Member m, List<MemberAssignment> given, CompletableFuture<SyncResult> f,
                      Completions c) {
        restartSession(g, m);
        switch (g.state()) {
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
                    g.transitionTo(GroupState.STABLE);
                    // Answers leave once the stable generation is durable, so a member never works on a
                    // generation that a broker kill right after the answer would forget.
                    CompletableFuture<Void> written = durable.save(DurableGroup.of(g));
                    g.membershipWritten = written;
                    for (Member member : g.members.values()) {
                        if (member.heldSync != null) {
                            c.completeAfter(written, member.heldSync,
                                    new SyncResult(ErrorCode.NONE, member.assignment));
                            member.heldSync = null;
                            restartSession(g, member);
                        }
                    }
                    c.completeAfter(written, f, new SyncResult(ErrorCode.NONE, m.assignment));
                    log.info("group {}: generation {} is stable", LogText.safe(g.id), g.generation);
                } else {
                    if (m.heldSync != null) {
                        c.complete(m.heldSync, SyncResult.error(ErrorCode.REBALANCE_IN_PROGRESS));
                    }
                    m.heldSync = f;
                }
            }
            case STABLE -> {
                m.syncedGeneration = g.generation;
                c.completeAfter(g.membershipWritten, f, new SyncResult(ErrorCode.NONE, m.assignment));
            }
            default -> throw new IllegalStateException("group " + g.id + " in state " + g.state()
                    + " has member " + m.id);
        }
    }

    /** Membership checks of B.6.10 in order: 24, 20, then 28 if {@code checkGeneration}. Caller holds the lock. */
    private static int membershipCheck(Group g, String memberId, int generation, boolean checkGeneration) {
        if (g.state() == GroupState.DEAD) {
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

    /**
     * The membership checks of a member's OffsetCommit (B.6.8): 24, 20, 28, then 27 while CompletingRebalance; a
     * commit of a member is a sign of life and restarts its session. Caller holds the lock.
     */
    int checkCommitter(Group g, String memberId, int generation) {
        int code = membershipCheck(g, memberId, generation, true);
        if (code == ErrorCode.NONE) {
            restartSession(g, g.members.get(memberId));
            if (g.state() == GroupState.COMPLETING_REBALANCE) {
                code = ErrorCode.REBALANCE_IN_PROGRESS;
            }
        }
        return code;
    }

    // =========================================================================================== Heartbeat

    /** Heartbeat (B.6.6) of a request the façade has validated and authorized; the wire code. */
    int heartbeat(String groupId, int generation, String memberId) {
        Group g = groups.get(groupId);
        if (g == null) {
            return ErrorCode.UNKNOWN_CONSUMER_GROUP_ID;
        }
        synchronized (g) {
            int code = membershipCheck(g, memberId, generation, true);
            if (code == ErrorCode.NONE) {
                restartSession(g, g.members.get(memberId));
                if (g.state() == GroupState.PREPARING_REBALANCE) {
                    code = ErrorCode.REBALANCE_IN_PROGRESS;
                }
            }
            return code;
        }
    }

    // =========================================================================================== LeaveGroup

    /** LeaveGroup (B.6.7) of a request the façade has validated and authorized; the wire code. */
    int leave(String groupId, String memberId) {
        Group g = groups.get(groupId);
        if (g == null) {
            return ErrorCode.UNKNOWN_CONSUMER_GROUP_ID;
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
        return code;
    }

    // =========================================================================================== members

    private void removeMember(Group g, Member m, Completions c, String reason) {
        removeSilently(g, m, c, reason);
        afterRemoval(g, c, "member " + m.id + " " + reason);
    }

    /** Removes a member without starting anything; its held requests get 20. */
    private void removeSilently(Group g, Member m, Completions c, String reason) {
        g.members.remove(m.id);
        m.cancelSessionTimer();
        if (m.heldJoin != null) {
            c.complete(m.heldJoin, JoinResult.error(ErrorCode.UNKNOWN_MEMBER_ID));
            unregisterNewJoin(g, m);
            m.heldJoin = null;
        }
        if (m.heldSync != null) {
            c.complete(m.heldSync, SyncResult.error(ErrorCode.UNKNOWN_MEMBER_ID));
            m.heldSync = null;
        }
        log.info("group {}: member {} removed: {}", LogText.safe(g.id), LogText.safe(m.id), LogText.safe(reason));
    }

    /** What follows a removal (B.6.10): Empty, an earlier end of the join phase, or a new join phase. */
    private void afterRemoval(Group g, Completions c, String reason) {
        if (g.members.isEmpty()) {
            becomeEmpty(g);
            return;
        }
        switch (g.state()) {
            case PREPARING_REBALANCE -> checkJoinPhase(g, c);
            case COMPLETING_REBALANCE, STABLE -> {
                prepareRebalance(g, c, reason);
                checkJoinPhase(g, c);
            }
            default -> {
            }
        }
    }

    // =========================================================================================== timers

    private void restartSession(Group g, Member m) {
        long now = timer.monotonicMs();
        m.sessionDeadlineMs = now + m.sessionTimeoutMs;
        if (m.sessionTimer == null || m.sessionTimerAtMs > m.sessionDeadlineMs) {
            scheduleSessionTimer(g, m, m.sessionDeadlineMs, now);
        }
    }

    private void scheduleSessionTimer(Group g, Member m, long atMs, long now) {
        m.cancelSessionTimer();
        long seq = ++m.sessionTimerSeq;
        m.sessionTimerAtMs = atMs;
        m.sessionTimer = timer.schedule(() -> onSessionTimer(g, m, seq), atMs - now);
    }

    private void onSessionTimer(Group g, Member m, long seq) {
        Completions c = new Completions();
        try {
            synchronized (g) {
                if (closed || m.sessionTimerSeq != seq || g.state() == GroupState.DEAD
                        || g.members.get(m.id) != m) {
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
            log.error("group {}: session timer failed", LogText.safe(g.id), e);
        }
        c.run();
    }

    private void setPhaseTimer(Group g, long atMs, BiConsumer<Group, Completions> action) {
        g.cancelPhaseTimer();
        long seq = g.phaseTimerSeq;
        g.phaseTimerAtMs = atMs;
        g.phaseTimer = timer.schedule(() -> onPhaseTimer(g, seq, action), atMs - timer.monotonicMs());
    }

    private void onPhaseTimer(Group g, long seq, BiConsumer<Group, Completions> action) {
        Completions c = new Completions();
        try {
            synchronized (g) {
                if (closed || g.phaseTimerSeq != seq || g.state() == GroupState.DEAD) {
                    return;
                }
                g.phaseTimer = null;
                g.phaseTimerAtMs = Long.MAX_VALUE;
                action.accept(g, c);
            }
        } catch (RuntimeException e) {
            log.error("group {}: phase timer failed", LogText.safe(g.id), e);
        }
        c.run();
    }

    // =========================================================================================== misc

    /** Cancels phase and session timers and answers every held request with 6 RequestTimeout (B.8). */
    void close() {
        closed = true;
        Completions c = new Completions();
        for (Group g : groups.all()) {
            synchronized (g) {
                g.cancelPhaseTimer();
                for (Member m : g.members.values()) {
                    m.cancelSessionTimer();
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
    }
}
