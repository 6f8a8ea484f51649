package io.streambus.client.internal.group;

import io.streambus.client.BrokerErrorException;
import io.streambus.client.Futures;
import io.streambus.client.StreamBusException;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.consumer.RebalanceListener;
import io.streambus.client.internal.Time;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.group.Assignment;
import io.streambus.protocol.group.GroupProtocol;
import io.streambus.protocol.group.HeartbeatRequest;
import io.streambus.protocol.group.HeartbeatResponse;
import io.streambus.protocol.group.JoinGroupRequest;
import io.streambus.protocol.group.JoinGroupResponse;
import io.streambus.protocol.group.LeaveGroupRequest;
import io.streambus.protocol.group.LeaveGroupResponse;
import io.streambus.protocol.group.MemberAssignment;
import io.streambus.protocol.group.Subscription;
import io.streambus.protocol.group.SyncGroupRequest;
import io.streambus.protocol.group.SyncGroupResponse;
import io.streambus.protocol.group.Utf8Order;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The membership half of a group consumer (spec B.6, eager protocol): the coordinator thread with JoinGroup,
 * SyncGroup and Heartbeat on a connection of its own, the topic list checks (pattern subscriptions, partition counts
 * of a leader's assignment), the assignor when this member leads, and the B.6.11 reactions to membership codes.
 * Its state is a {@link MemberState}.
 *
 * <p>Hand-off. The consumer thread owns the partitions; this class never touches them. The two threads meet in a
 * one-slot hand-off guarded by {@link #lock}: the coordinator fills the slot with a SyncGroup result only while it
 * is empty and nothing is owned (it sends JoinGroup only after the consumer thread has {@linkplain #released()
 * released} every partition, B.6.1), and the consumer thread empties it ({@link #accept}) or drops it
 * ({@link #released()}). {@link #nextStep()} tells the consumer thread which of the two to do. Whenever something
 * needs the consumer thread, {@code wakeConsumer} runs (it wakes a fetch in progress).
 *
 * <p>The coordinator loop is {@link #runOnce()}, one decision and at most one request per call; the thread started
 * by {@link #start()} repeats it, and tests call it directly.
 *
 * <p>Thread-safe.
 */
final class GroupMembership {
    private static final Logger LOG = LoggerFactory.getLogger(GroupMembership.class);
    static final String PROTOCOL_TYPE = "consumer";
    /** Returned by {@link #runOnce()} when the coordinator is to stop. */
    static final long STOP = -1;
    /** Longest wait of an idle coordinator before it looks at its state again. */
    private static final long IDLE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Margin over a request's own timeout for waiting on its future (the network times it out first). */
    private static final long WAIT_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The longest a missing topic (no partitions yet) waits to be looked for again. */
    private static final long MISSING_TOPIC_RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** What the consumer thread must do before it may fetch; see {@link #nextStep()}. */
    sealed interface Step {
        /** Nothing: fetch from the owned partitions. */
        record Fetch() implements Step {
        }

        /** Give up every owned partition (and drop the hand-off): lost ones without committing (B.6.11). */
        record Revoke(boolean lost) implements Step {
        }

        /** Apply this assignment, then {@link #accept} it. */
        record Apply(PendingAssignment assignment) implements Step {
        }
    }

    /** A member id and the generation it belongs to, as sent in OffsetCommit and Heartbeat. */
    record Generation(int id, String memberId) {
        /** True if a member request can be sent with it. */
        boolean isValid() {
            return id >= 0 && !memberId.isEmpty();
        }
    }

    private static final Step FETCH = new Step.Fetch();

    private final String groupId;
    private final String clientId;
    private final GroupSettings settings;
    private final GroupNetwork network;
    private final Time time;
    private final Runnable wakeConsumer;

    // ---- shared state: guarded by lock ------------------------------------------------------------------------
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Counts signals of {@link #changed}, so that the coordinator does not sleep through one it missed. */
    private long version;
    private MemberState state = MemberState.UNJOINED;
    private GroupSubscription sub;
    /** Topics matched by a pattern subscription (sorted). */
    private List<String> matched = List.of();
    private boolean metadataCheckNow = true;
    private String memberId = "";
    private int generation = -1;
    /** The hand-off slot: a SyncGroup result the consumer thread has not applied yet. */
    private PendingAssignment pending;
    /** Partitions the consumer thread has applied; it alone changes this. */
    private Set<TopicPartition> owned = Set.of();
    /** The last assignment received, sent as owned partitions in JoinGroup (sticky, B.6.2). */
    private List<TopicPartition> lastAssignment = List.of();
    private RuntimeException fatal;
    /**
     * When the latest reply arrived that shows the broker restarted this member's session timer (B.6.1: a
     * Heartbeat, SyncGroup or OffsetCommit that passed the membership checks). The broker restarted it no later, so
     * the silence since then is a lower bound of the broker's: once it exceeds the session timeout the broker may
     * have removed this member, whatever the network still lets through (unless it restarted meanwhile).
     */
    private long renewedAt;
    private boolean silenceLogged;
    private boolean groupsConfirmed;
    private Thread coordinator;

    // ---- coordinator loop only --------------------------------------------------------------------------------
    private boolean leader;
    private final LeaderAssignment leaderAssignment;
    private long nextHeartbeat;
    private long nextMetadataCheck;
    private int failures;
    private long observedVersion;

    /**
     * @param wakeConsumer run when the consumer thread has something to do (a rebalance, a hand-off, a fatal
     *                     error); must not block
     * @param time         the client's clock ({@link Time#SYSTEM}, or a manual one in tests); deadlines given to
     *                     {@code network} are its readings
     */
    GroupMembership(String groupId, String clientId, GroupSettings settings, GroupNetwork network,
                    Time time, Runnable wakeConsumer) {
        this.groupId = groupId;
        this.clientId = clientId;
        this.settings = settings;
        this.network = network;
        this.time = time;
        this.wakeConsumer = wakeConsumer;
        this.leaderAssignment = new LeaderAssignment(groupId);
        long now = time.nanoTime();
        this.nextHeartbeat = now;
        this.nextMetadataCheck = now;
    }

    // ---- consumer thread ----------------------------------------------------------------------------------------

    /**
     * B.4: fails at once against a broker that does not serve groups. If the broker cannot be reached now, the
     * coordinator finds out when it connects.
     *
     * @throws UnsupportedFeatureException if the broker does not serve groups
     */
    void checkGroupsSupported() {
        lock.lock();
        try {
            if (groupsConfirmed) {
                return;
            }
        } finally {
            lock.unlock();
        }
        BrokerCapabilities caps;
        try {
            caps = Futures.await(network.capabilities(time.nanoTime() + settings.requestTimeoutNanos()),
                    settings.requestTimeoutNanos() + WAIT_MARGIN_NANOS, "capabilities of the broker");
        } catch (StreamBusException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw e;
            }
            LOG.debug("capabilities of the broker not known yet for group {}: {}", groupId, e.toString());
            return;
        }
        if (!caps.supportsGroups()) {
            throw new UnsupportedFeatureException(BrokerCapabilities.CAP_GROUPS, network.brokerAddress());
        }
        lock.lock();
        try {
            groupsConfirmed = true;
        } finally {
            lock.unlock();
        }
    }

    /** Replaces the subscription; a stable member rejoins with it (B.6.4). Starts the coordinator thread. */
    void subscribe(GroupSubscription s) {
        lock.lock();
        try {
            ensureOpenLocked();
            sub = s;
            fatal = null;
            matched = List.of();
            metadataCheckNow = true;
            if (state == MemberState.STABLE) {
                transition(MemberState.REBALANCE_PENDING);
            }
            signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts the coordinator thread unless it runs already. Without it nothing happens unless someone calls
     * {@link #runOnce()} (tests do).
     */
    void start() {
        lock.lock();
        try {
            ensureOpenLocked();
            if (coordinator == null) {
                coordinator = new Thread(this::run, "streambus-group-" + groupId + "-" + clientId);
                coordinator.setDaemon(true);
                coordinator.start();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the subscription after the consumer thread has released its partitions: forgets member id, generation
     * and last assignment. Returns the member id the caller must leave the group with ({@link #leaveGroup}), or
     * an empty string.
     */
    String unsubscribe() {
        lock.lock();
        try {
            ensureOpenLocked();
            String leaving = memberId;
            sub = null;
            matched = List.of();
            resetMembership();
            if (state != MemberState.UNJOINED) {
                transition(MemberState.UNJOINED);
            }
            signal();
            return leaving;
        } finally {
            lock.unlock();
        }
    }

    /** The current subscription, or null. */
    GroupSubscription subscription() {
        lock.lock();
        try {
            return sub;
        } finally {
            lock.unlock();
        }
    }

    /** The listener of the current subscription (a no-op one if none). */
    RebalanceListener listener() {
        GroupSubscription s = subscription();
        return s == null ? GroupSubscription.NO_LISTENER : s.listener();
    }

    /**
     * What the consumer thread must do next: give up its partitions when the member must rejoin, apply a handed
     * over assignment when the member is stable, or fetch.
     *
     * @throws IllegalStateException if closed
     * @throws RuntimeException the error that ended the subscription (B.6.11: 21, 27, 29)
     */
    Step nextStep() {
        lock.lock();
        try {
            ensureOpenLocked();
            if (fatal != null) {
                throw fatal;
            }
            if (state != MemberState.STABLE && (!owned.isEmpty() || pending != null)) {
                return new Step.Revoke(state == MemberState.FENCED);
            }
            if (pending != null) {
                return new Step.Apply(pending);
            }
            return FETCH;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes {@code p} out of the hand-off: its partitions become owned. Returns the subscription whose listener
     * is to be told, or null if {@code p} was superseded meanwhile (the caller asks {@link #nextStep()} again).
     */
    GroupSubscription accept(PendingAssignment p) {
        lock.lock();
        try {
            if (pending != p || state != MemberState.STABLE || sub == null) {
                return null;
            }
            pending = null;
            owned = Set.copyOf(p.partitions());
            signal();
            return sub;
        } finally {
            lock.unlock();
        }
    }

    /** The consumer thread owns nothing any more (and drops the hand-off): the coordinator may rejoin. */
    void released() {
        lock.lock();
        try {
            owned = Set.of();
            pending = null;
            signal();
        } finally {
            lock.unlock();
        }
    }

    /** Partitions the consumer thread has applied. */
    Set<TopicPartition> owned() {
        lock.lock();
        try {
            return owned;
        } finally {
            lock.unlock();
        }
    }

    /**
     * B.6.1: a member that has heard nothing renewing its session for longer than the session timeout may have been
     * removed (the broker's silence is at least as long), unless the broker itself was down and restored the member
     * with a fresh timer (durable membership). Until a reply settles it, the member delivers nothing: another member
     * may be reading the same partitions from the last commit. A renewal resumes it; 20/28 fence it (lost). Logs once
     * per silence.
     */
    private boolean silentLocked(long now) {
        boolean silent = (state == MemberState.STABLE || state == MemberState.REBALANCE_PENDING)
                && now - renewedAt > settings.sessionTimeoutNanos();
        if (silent && !silenceLogged) {
            silenceLogged = true;
            LOG.warn("group {} member {} generation {}: no reply renewed its session for {} ms, longer than the "
                    + "session timeout of {} ms; delivering nothing until the broker answers (it may have removed "
                    + "this member)", groupId, memberId, generation, (now - renewedAt + 999_999) / 1_000_000,
                    settings.sessionTimeoutMs());
        }
        return silent;
    }

    /**
     * How long the member may still deliver records before its silence would exceed the session timeout
     * ({@link Long#MAX_VALUE} when it owns nothing by generation; negative when silent): a poll does not wait past
     * that point, and delivers nothing while it is silent.
     */
    long nanosUntilSilentExpiry() {
        lock.lock();
        try {
            if (state != MemberState.STABLE && state != MemberState.REBALANCE_PENDING) {
                return Long.MAX_VALUE;
            }
            long now = time.nanoTime();
            return silentLocked(now) ? -1 : renewedAt + settings.sessionTimeoutNanos() - now;
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code nanos} for a change (a renewal, a fence, a hand-off) while the member is silent. */
    void awaitRenewal(long nanos, BooleanSupplier wakeupRequested) {
        awaitWhile(nanos, wakeupRequested, () -> silentLocked(time.nanoTime()));
    }

    /**
     * True while this member still holds generation {@code gen} with its partitions: stable, or rebalancing but not
     * yet given them up (B.6.1: it owns them until it rejoins). False once it was fenced or removed, while it is
     * silent past its session timeout (it may have been removed), or once it moved on to another generation. Any
     * thread.
     */
    boolean holds(int gen) {
        lock.lock();
        try {
            return gen >= 0 && gen == generation && !silentLocked(time.nanoTime())
                    && (state == MemberState.STABLE || state == MemberState.REBALANCE_PENDING);
        } finally {
            lock.unlock();
        }
    }

    /** A reply to a request of generation {@code gen} passed the broker's membership checks (B.6.1). Any thread. */
    void sessionRenewed(int gen) {
        lock.lock();
        try {
            if (gen == generation) {
                renewedAt = time.nanoTime();
                if (silenceLogged) {
                    silenceLogged = false;
                    LOG.info("group {} member {} generation {}: the broker answered; delivering again", groupId,
                            memberId, generation);
                }
                signal(); // a consumer waiting out a silence goes on
            }
        } finally {
            lock.unlock();
        }
    }

    /** True if the member's partitions are to be given up without committing (B.6.11: 28, 20, 24). */
    boolean partitionsLost() {
        return state() == MemberState.FENCED;
    }

    /** The state now. */
    MemberState state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits at most {@code nanos} for the coordinator to hand something over (or for a wakeup, an error, close).
     */
    void awaitHandOff(long nanos, BooleanSupplier wakeupRequested) {
        awaitWhile(nanos, wakeupRequested, () -> pending == null);
    }

    /** Waits up to {@code nanos} for a signal while {@code waitingLocked} holds, unless woken, failed or closing. */
    private void awaitWhile(long nanos, BooleanSupplier wakeupRequested, BooleanSupplier waitingLocked) {
        lock.lock();
        try {
            if (waitingLocked.getAsBoolean() && !wakeupRequested.getAsBoolean() && fatal == null
                    && !state.isClosing()) {
                changed.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamBusException("interrupted during poll", e);
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the consumer thread if it waits in {@link #awaitHandOff}. */
    void wakeup() {
        lock.lock();
        try {
            signal();
        } finally {
            lock.unlock();
        }
    }

    /** The member id, empty before the first join. */
    String memberId() {
        lock.lock();
        try {
            return memberId;
        } finally {
            lock.unlock();
        }
    }

    /** Member id and generation for a member request. */
    Generation generation() {
        lock.lock();
        try {
            return new Generation(generation, memberId);
        } finally {
            lock.unlock();
        }
    }

    /**
     * B.6.11: the reaction to membership code {@code code} received in reply to {@code what} sent with generation
     * {@code gen}: 22 starts a rebalance; 28 (and 23) fence the member; 20 and 24 fence it and forget its member
     * id. Answers about an older generation are ignored. Any thread.
     */
    void onMembershipError(int gen, int code, String what) {
        lock.lock();
        try {
            if (gen != generation || !state.hasGeneration()) {
                return; // about an older generation, or a rejoin is already under way
            }
            LOG.info("group {} member {}: {} answered {} {}; rejoining", groupId, memberId, what, code,
                    ErrorCode.nameOf(code));
            if (code == ErrorCode.REBALANCE_IN_PROGRESS) {
                if (state == MemberState.STABLE) {
                    transition(MemberState.REBALANCE_PENDING);
                }
            } else {
                if (code == ErrorCode.UNKNOWN_MEMBER_ID || code == ErrorCode.UNKNOWN_CONSUMER_GROUP_ID) {
                    resetMembership();
                }
                if (state != MemberState.FENCED) {
                    transition(MemberState.FENCED);
                }
            }
            signal();
        } finally {
            lock.unlock();
        }
        wakeConsumer.run();
    }

    /** True for the codes B.6.11 answers with a rejoin. */
    static boolean isMembershipCode(int code) {
        return code == ErrorCode.REBALANCE_IN_PROGRESS || code == ErrorCode.ILLEGAL_GENERATION
                || code == ErrorCode.INVALID_GENERATION_ID || code == ErrorCode.UNKNOWN_MEMBER_ID
                || code == ErrorCode.UNKNOWN_CONSUMER_GROUP_ID;
    }

    /** True once close has started. */
    boolean isClosing() {
        return state().isClosing();
    }

    /** @throws IllegalStateException if close has started */
    void ensureOpen() {
        lock.lock();
        try {
            ensureOpenLocked();
        } finally {
            lock.unlock();
        }
    }

    private void ensureOpenLocked() {
        if (state.isClosing()) {
            throw new IllegalStateException("group consumer of group '" + groupId + "' is closed");
        }
    }

    /**
     * Closes the membership after the consumer thread has given up its partitions: stops the coordinator, leaves
     * the group (B.6.7) and closes the coordinator connection, all by {@code deadlineNanos}. Does nothing if
     * already closing.
     */
    void close(long deadlineNanos) {
        String leaving;
        Thread t;
        lock.lock();
        try {
            if (state.isClosing()) {
                return;
            }
            transition(MemberState.LEAVING);
            leaving = memberId;
            t = coordinator;
            signal();
        } finally {
            lock.unlock();
        }
        stopCoordinator(t, deadlineNanos);
        if (!leaving.isEmpty()) {
            leaveGroup(leaving, deadlineNanos);
        }
        network.closeCoordinatorConnection();
        lock.lock();
        try {
            transition(MemberState.CLOSED);
        } finally {
            lock.unlock();
        }
    }

    /** Stops as a crashed process would: no more heartbeats, no LeaveGroup, coordinator connection closed. */
    void crash() {
        Thread t;
        lock.lock();
        try {
            if (state == MemberState.CLOSED) {
                return;
            }
            transition(MemberState.CLOSED);
            t = coordinator;
            signal();
        } finally {
            lock.unlock();
        }
        stopCoordinator(t, time.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        network.closeCoordinatorConnection();
    }

    private void stopCoordinator(Thread t, long deadlineNanos) {
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        t.interrupt();
        try {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - time.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** LeaveGroup for {@code leavingId}; failures are logged (the broker expires the member anyway). */
    void leaveGroup(String leavingId, long deadlineNanos) {
        long deadline = Math.min(deadlineNanos, time.nanoTime() + settings.requestTimeoutNanos());
        try {
            Futures.await(network.call(new LeaveGroupRequest(groupId, leavingId), LeaveGroupResponse.class,
                    deadline), deadlineNanos - time.nanoTime() + WAIT_MARGIN_NANOS,
                    "LeaveGroup of group '" + groupId + "'");
            LOG.info("group {}: member {} left", groupId, leavingId);
        } catch (BrokerErrorException e) {
            if (e.code() != ErrorCode.UNKNOWN_MEMBER_ID && e.code() != ErrorCode.UNKNOWN_CONSUMER_GROUP_ID) {
                LOG.warn("group {}: LeaveGroup failed: {}", groupId, e.toString());
            } // 20 and 24: gone anyway (B.6.7)
        } catch (RuntimeException e) {
            LOG.warn("group {}: LeaveGroup failed (the broker removes the member after its session timeout): {}",
                    groupId, e.toString());
        }
    }

    // ---- state helpers (lock held) -------------------------------------------------------------------------------

    private void transition(MemberState target) {
        MemberState from = state;
        state = from.to(target);
        LOG.debug("group {} member {}: {} -> {}", groupId, memberId, from, target);
    }

    /** Forgets member id, generation and last assignment (B.6.11: 20, 24). */
    private void resetMembership() {
        memberId = "";
        generation = -1;
        lastAssignment = List.of();
    }

    private void signal() {
        version++;
        changed.signalAll();
    }

    // ---- coordinator loop -----------------------------------------------------------------------------------------

    /** A failure that ends the subscription (B.6.11: 21, 27, 29; unsupported broker; unknown strategy). */
    static final class FatalGroupError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FatalGroupError(RuntimeException cause) {
            super(cause);
        }
    }

    private void run() {
        while (true) {
            long wait = runOnce();
            if (wait == STOP) {
                return;
            }
            if (wait > 0 && !awaitChange(wait)) {
                return;
            }
        }
    }

    /** Waits up to {@code nanos} unless the state changed since the last {@link #runOnce()} looked at it. */
    private boolean awaitChange(long nanos) {
        lock.lock();
        try {
            if (version == observedVersion && !state.isClosing()) {
                changed.awaitNanos(Math.min(nanos, IDLE_WAIT_NANOS));
            }
            return true;
        } catch (InterruptedException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * One step of the coordinator: a topic list check when due, else JoinGroup + SyncGroup when the member must
     * (re)join and the consumer thread owns nothing, else a heartbeat when due. Blocks for at most the request it
     * sends.
     *
     * @return nanoseconds until the next step is due (0: at once), or {@link #STOP}
     */
    long runOnce() {
        GroupSubscription s;
        boolean join = false;
        boolean checkMetadata;
        lock.lock();
        try {
            observedVersion = version;
            if (state.isClosing()) {
                return STOP;
            }
            if (sub == null || fatal != null) {
                return IDLE_WAIT_NANOS;
            }
            s = sub;
            long now = time.nanoTime();
            checkMetadata = metadataCheckNow || now - nextMetadataCheck >= 0;
            boolean hasId = generation >= 0 && !memberId.isEmpty();
            boolean heartbeatDue = now - nextHeartbeat >= 0 && hasId;
            if (!checkMetadata && state.needsJoin() && owned.isEmpty() && pending == null) {
                join = true;
            } else if (!checkMetadata && !heartbeatDue) {
                long wait = hasId ? Math.min(nextHeartbeat - now, nextMetadataCheck - now) : nextMetadataCheck - now;
                return Math.max(1, wait);
            }
        } finally {
            lock.unlock();
        }
        try {
            if (checkMetadata) {
                checkMetadata(s);
                nextMetadataCheck = time.nanoTime() + (missingTopics() ? Math.min(settings.metadataMaxAgeNanos(),
                        MISSING_TOPIC_RECHECK_NANOS) : settings.metadataMaxAgeNanos());
            } else if (join) {
                joinAndSync(s);
                nextHeartbeat = time.nanoTime() + settings.heartbeatIntervalNanos();
                if (missingTopics()) {
                    // a subscribed topic does not exist yet: look for it soon rather than after max age
                    long soon = time.nanoTime() + Math.min(settings.metadataMaxAgeNanos(),
                            MISSING_TOPIC_RECHECK_NANOS);
                    if (nextMetadataCheck - soon > 0) {
                        nextMetadataCheck = soon;
                    }
                }
            } else {
                nextHeartbeat = time.nanoTime() + settings.heartbeatIntervalNanos();
                heartbeat();
            }
            failures = 0;
            return 0;
        } catch (FatalGroupError e) {
            RuntimeException cause = (RuntimeException) e.getCause();
            LOG.error("group {}: subscription failed: {}", groupId, cause.toString());
            lock.lock();
            try {
                if (sub == s) {
                    fatal = cause;
                }
                signal();
            } finally {
                lock.unlock();
            }
            wakeConsumer.run();
            return 0;
        } catch (RuntimeException e) {
            lock.lock();
            try {
                if (state.isClosing()) {
                    return STOP;
                }
                observedVersion = version; // a change from now on ends the backoff early
            } finally {
                lock.unlock();
            }
            failures++;
            long delay = Math.min(settings.backoffMaxMs(), settings.backoffMs() << Math.min(failures - 1, 16));
            LOG.debug("group {}: coordination request failed (retrying in {} ms): {}", groupId, delay,
                    e.toString());
            return TimeUnit.MILLISECONDS.toNanos(delay);
        }
    }

    /** Leader: a topic of its last assignment had no partitions (not created yet). */
    private boolean missingTopics() {
        return leader && leaderAssignment.hasMissingTopics();
    }

    /**
     * ListTopics: re-evaluates a pattern subscription, and (leader) notices partition count changes of the topics
     * it assigned (B.6.3); either starts a rebalance.
     */
    private void checkMetadata(GroupSubscription s) {
        if (s.pattern() == null && !leader) {
            lock.lock();
            try {
                metadataCheckNow = false;
            } finally {
                lock.unlock();
            }
            return;
        }
        Map<String, Integer> all = await(network.topicPartitionCounts(), settings.requestTimeoutNanos(),
                "ListTopics");
        lock.lock();
        try {
            if (sub != s) {
                return;
            }
            metadataCheckNow = false;
            boolean rejoin = false;
            if (s.pattern() != null) {
                List<String> now = new ArrayList<>();
                for (String t : all.keySet()) {
                    if (s.pattern().matcher(t).matches()) {
                        now.add(t);
                    }
                }
                now.sort(Utf8Order.STRINGS);
                if (!now.equals(matched)) {
                    LOG.info("group {}: pattern {} now matches {}", groupId, s.pattern(), now);
                    matched = List.copyOf(now);
                    rejoin = true;
                }
            }
            String changedTopic = leader && state.hasGeneration() ? leaderAssignment.changedTopic(all) : null;
            if (changedTopic != null) {
                LOG.info("group {}: partition count of {} changed; rejoining", groupId, changedTopic);
                rejoin = true;
            }
            if (rejoin && state == MemberState.STABLE) {
                transition(MemberState.REBALANCE_PENDING);
                signal();
            }
        } finally {
            lock.unlock();
        }
        wakeConsumer.run();
    }

    /** JoinGroup then SyncGroup (B.6.4, B.6.5); ends STABLE with a hand-off, or UNJOINED (the loop retries). */
    private void joinAndSync(GroupSubscription s) {
        List<String> topics;
        String mid;
        List<TopicPartition> previous;
        lock.lock();
        try {
            if (sub != s || state.isClosing()) {
                return;
            }
            topics = s.pattern() == null ? s.topics() : matched;
            mid = memberId;
            previous = lastAssignment;
            transition(MemberState.JOINING);
        } finally {
            lock.unlock();
        }
        try {
            joinAndSync(s, topics, mid, previous);
        } finally {
            lock.lock();
            try {
                if (state == MemberState.JOINING || state == MemberState.AWAITING_SYNC) {
                    transition(MemberState.UNJOINED); // failed or superseded: join again
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void joinAndSync(GroupSubscription s, List<String> topics, String mid, List<TopicPartition> previous) {
        byte[] metadata = new Subscription(topics, previous).toBytes();
        List<GroupProtocol> protocols = new ArrayList<>();
        for (String name : settings.assignorNames()) {
            protocols.add(new GroupProtocol(name, metadata));
        }
        long heldTimeout = settings.heldRequestTimeoutNanos();
        JoinGroupResponse jr;
        try {
            jr = request(new JoinGroupRequest(groupId, settings.sessionTimeoutMs(), settings.rebalanceTimeoutMs(),
                    mid, clientId, PROTOCOL_TYPE, protocols), JoinGroupResponse.class, heldTimeout, "JoinGroup");
        } catch (BrokerErrorException e) {
            switch (e.code()) {
                case ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.UNKNOWN_CONSUMER_GROUP_ID -> {
                    forgetMember(s); // B.6.4: join again with an empty member id
                    return;
                }
                case ErrorCode.REBALANCE_IN_PROGRESS -> {
                    return;
                }
                default -> {
                    if (e.isRetriable()) {
                        throw e;
                    }
                    throw new FatalGroupError(e); // 21, 27, 29, 2: configuration or authorization error
                }
            }
        }
        int gen = jr.generationId();
        boolean leaveNow = false;
        lock.lock();
        try {
            if (sub != s || state.isClosing()) {
                // unsubscribed while joining: do not stay a member under an id nobody will use
                leaveNow = sub == null && !state.isClosing() && !jr.memberId().isEmpty();
                return;
            }
            memberId = jr.memberId();
            generation = gen;
            transition(MemberState.AWAITING_SYNC);
        } finally {
            lock.unlock();
            if (leaveNow) {
                leaveGroup(jr.memberId(), time.nanoTime() + settings.requestTimeoutNanos());
            }
        }
        leader = jr.memberId().equals(jr.leaderId());
        List<MemberAssignment> assignments = leader ? leaderAssignment.assign(jr, () -> await(
                network.topicPartitionCounts(), settings.requestTimeoutNanos(), "ListTopics")) : List.of();
        SyncGroupResponse sr;
        try {
            sr = request(new SyncGroupRequest(groupId, gen, jr.memberId(), assignments), SyncGroupResponse.class,
                    heldTimeout, "SyncGroup");
        } catch (BrokerErrorException e) {
            switch (e.code()) {
                case ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.UNKNOWN_CONSUMER_GROUP_ID -> {
                    forgetMember(s);
                    return;
                }
                case ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.ILLEGAL_GENERATION,
                     ErrorCode.INVALID_GENERATION_ID -> {
                    return; // rejoin with the member id
                }
                default -> {
                    if (e.isRetriable()) {
                        throw e;
                    }
                    throw new FatalGroupError(e);
                }
            }
        }
        List<TopicPartition> parts;
        boolean unreadable = false;
        byte[] bytes = sr.assignment();
        if (bytes == null || bytes.length == 0) {
            parts = List.of();
        } else {
            try {
                parts = Assignment.fromBytes(bytes).partitions();
            } catch (RuntimeException e) {
                LOG.warn("group {}: cannot parse the assignment of generation {} ({}); treating it as empty and "
                        + "rejoining", groupId, gen, e.toString());
                parts = List.of();
                unreadable = true;
            }
        }
        lock.lock();
        try {
            if (sub != s || state != MemberState.AWAITING_SYNC || generation != gen) {
                return;
            }
            pending = new PendingAssignment(gen, parts);
            lastAssignment = List.copyOf(parts);
            renewedAt = time.nanoTime();
            transition(unreadable ? MemberState.REBALANCE_PENDING : MemberState.STABLE);
            signal();
        } finally {
            lock.unlock();
        }
        LOG.debug("group {} member {} generation {} (leader: {}): assignment {}", groupId, jr.memberId(), gen, leader,
                parts);
        wakeConsumer.run();
    }

    private void forgetMember(GroupSubscription s) {
        lock.lock();
        try {
            if (sub == s) {
                resetMembership();
            }
        } finally {
            lock.unlock();
        }
    }

    private void heartbeat() {
        Generation g = generation();
        if (!g.isValid()) {
            return;
        }
        try {
            request(new HeartbeatRequest(groupId, g.id(), g.memberId()), HeartbeatResponse.class,
                    settings.requestTimeoutNanos(), "Heartbeat");
            sessionRenewed(g.id());
        } catch (BrokerErrorException e) {
            if (e.code() == ErrorCode.REBALANCE_IN_PROGRESS) {
                sessionRenewed(g.id()); // 22 passed the membership checks: the timer restarted (B.6.1)
            }
            if (isMembershipCode(e.code())) {
                onMembershipError(g.id(), e.code(), "Heartbeat");
            } else if (!e.isRetriable()) {
                throw new FatalGroupError(e);
            } else {
                throw e;
            }
        }
    }

    /** Sends on the coordinator connection and waits. Error statuses become typed exceptions. */
    private <T extends ResponseBody> T request(RequestBody body, Class<T> type, long timeoutNanos, String what) {
        String context = what + " of group '" + groupId + "'";
        // the wait covers connecting (twice the request timeout) and the request's own timeout
        return await(network.coordinatorRequest(body, type, timeoutNanos, context),
                timeoutNanos + 2 * settings.requestTimeoutNanos(), what);
    }

    private <T> T await(CompletableFuture<T> f, long timeoutNanos, String what) {
        try {
            return Futures.await(f, timeoutNanos + WAIT_MARGIN_NANOS, what + " of group '" + groupId + "'");
        } catch (UnsupportedFeatureException u) {
            throw new FatalGroupError(u);
        }
    }
}
