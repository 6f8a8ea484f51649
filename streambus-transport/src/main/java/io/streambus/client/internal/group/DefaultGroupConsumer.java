package io.streambus.client.internal.group;

import io.streambus.client.AuthorizationException;
import io.streambus.client.BrokerErrorException;
import io.streambus.client.ClientConfig;
import io.streambus.client.StreamBusException;
import io.streambus.client.StreamBusTimeoutException;
import io.streambus.common.TopicPartition;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.WakeupException;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.client.consumer.GroupConsumer;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.client.consumer.RebalanceListener;
import io.streambus.client.internal.ClientContext;
import io.streambus.client.internal.consumer.PartitionConsumerImpl;
import io.streambus.client.internal.group.assignor.PartitionAssignor;
import io.streambus.client.internal.net.BodySupplier;
import io.streambus.client.internal.net.Connection;
import io.streambus.client.internal.net.Errors;
import io.streambus.client.internal.net.ResponseHandler;
import io.streambus.client.serialization.Deserializer;
import io.streambus.protocol.DecodedResponse;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.group.GroupMember;
import io.streambus.protocol.group.GroupProtocol;
import io.streambus.protocol.group.HeartbeatRequest;
import io.streambus.protocol.group.HeartbeatResponse;
import io.streambus.protocol.group.JoinGroupRequest;
import io.streambus.protocol.group.JoinGroupResponse;
import io.streambus.protocol.group.LeaveGroupRequest;
import io.streambus.protocol.group.LeaveGroupResponse;
import io.streambus.protocol.group.MemberAssignment;
import io.streambus.protocol.group.OffsetCommitRequest;
import io.streambus.protocol.group.OffsetCommitResponse;
import io.streambus.protocol.group.OffsetFetchRequest;
import io.streambus.protocol.group.OffsetFetchResponse;
import io.streambus.protocol.PartitionOffset;
import io.streambus.protocol.PartitionOffsetResult;
import io.streambus.protocol.PartitionResult;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.group.SyncGroupRequest;
import io.streambus.protocol.group.SyncGroupResponse;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.group.Assignment;
import io.streambus.protocol.group.Subscription;
import io.streambus.protocol.group.Utf8Order;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member of a consumer group, following the eager (classic) protocol of spec B.6.
 *
 * <p>Threads. Membership (JoinGroup, SyncGroup, Heartbeat) runs on a coordinator thread of its own over a dedicated
 * connection, so heartbeats go on while the application processes records (B.6.11). Everything that touches the
 * application — rebalance callbacks, applying an assignment, commits on revocation, auto-commit — happens on the
 * thread that calls {@link #poll}. The two meet in a small state guarded by {@link #lock}: the coordinator never sends
 * JoinGroup while the poll thread still owns partitions (eager rebalancing: it first stops fetching, commits and calls
 * {@code onPartitionsRevoked}), and it hands each SyncGroup result over as a pending assignment, which the poll thread
 * applies (committed offsets, then {@code onPartitionsAssigned}) before returning records of it.
 *
 * <p>Fetching is delegated to the partition consumer engine; records returned by poll advance its positions, which
 * are what {@link #commitSync(Duration)} and auto-commit commit (at-least-once).
 *
 * <p>Not thread-safe, except {@link #wakeup()}.
 */
public final class DefaultGroupConsumer<K, V> implements GroupConsumer<K, V> {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultGroupConsumer.class);
    static final String PROTOCOL_TYPE = "consumer";
    /** Longest wait inside poll between checks of the group state. */
    private static final long POLL_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final RebalanceListener NO_LISTENER = new RebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }
    };

    private final ClientContext ctx;
    private final String groupId;
    private final PartitionConsumerImpl<K, V> engine;
    private final List<String> assignorNames;
    private final int sessionTimeoutMs;
    private final int heartbeatIntervalMs;
    private final int rebalanceTimeoutMs;
    private final boolean autoCommit;
    private final long autoCommitIntervalNanos;
    private final long metadataMaxAgeNanos;
    private final long requestTimeoutNanos;
    private final long apiTimeoutNanos;
    private final long backoffMs;
    private final long backoffMaxMs;

    /** A subscription; a new object for every subscribe call. */
    private record Sub(List<String> topics, Pattern pattern, RebalanceListener listener) {
    }

    /** A SyncGroup result not yet applied by the poll thread. */
    private record Pending(int generation, List<TopicPartition> partitions) {
    }

    // ---- state shared by the poll thread, the coordinator thread and commit callbacks: guarded by lock ----------
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Sub sub;
    /** Topics matched by a pattern subscription (sorted). */
    private List<String> matched = List.of();
    private boolean metadataCheckNow = true;
    private String memberId = "";
    private int generation = -1;
    /** True while the member holds a stable generation (SyncGroup succeeded, no rejoin started since). */
    private boolean member;
    private boolean rejoinNeeded;
    /** Partitions must be given up without committing (B.6.11: 28, 20, 24). */
    private boolean lost;
    private Pending pending;
    /** Partitions applied to the engine; written by the poll thread only. */
    private Set<TopicPartition> owned = Set.of();
    /** The last assignment received, sent as owned partitions in JoinGroup (sticky). */
    private List<TopicPartition> lastAssignment = List.of();
    private RuntimeException fatal;
    private boolean closed;
    private boolean groupsConfirmed;
    private Thread coordinator;

    // ---- coordinator thread only ----------------------------------------------------------------------------------
    private Connection conn;
    private boolean leader;
    /** Leader: partition counts of the topics its last assignment covered. */
    private Map<String, Integer> assignedCounts;

    // ---- poll thread only -----------------------------------------------------------------------------------------
    private volatile boolean userWakeup;
    private long nextAutoCommit;
    /** The last auto-commit, so that a later synchronous commit is not overtaken by it. */
    private CompletableFuture<Void> autoCommitInFlight = CompletableFuture.completedFuture(null);
    /** Offsets known to be committed (to skip unchanged partitions in auto-commit). */
    private final Map<TopicPartition, Long> committedPositions = new java.util.concurrent.ConcurrentHashMap<>();

    /** Creates a member of {@code groupId}; what {@link io.streambus.client.StreamBusClient#newGroupConsumer} returns. */
    public static <K, V> DefaultGroupConsumer<K, V> create(ClientContext ctx, String groupId,
                                                           Deserializer<K> keyDeserializer,
                                                           Deserializer<V> valueDeserializer, ClientConfig config) {
        return new DefaultGroupConsumer<>(ctx, groupId, keyDeserializer, valueDeserializer, config);
    }

    private DefaultGroupConsumer(ClientContext ctx, String groupId, Deserializer<K> keyDeserializer,
                         Deserializer<V> valueDeserializer, ClientConfig config) {
        this.ctx = ctx;
        this.groupId = groupId;
        this.assignorNames = List.copyOf(config.getList(ClientConfig.PARTITION_ASSIGNMENT_STRATEGY));
        this.sessionTimeoutMs = config.getInt(ClientConfig.SESSION_TIMEOUT_MS);
        this.heartbeatIntervalMs = config.getInt(ClientConfig.HEARTBEAT_INTERVAL_MS);
        this.rebalanceTimeoutMs = config.getInt(ClientConfig.REBALANCE_TIMEOUT_MS);
        this.autoCommit = config.getBoolean(ClientConfig.ENABLE_AUTO_COMMIT);
        this.autoCommitIntervalNanos = TimeUnit.MILLISECONDS.toNanos(config.getInt(
                ClientConfig.AUTO_COMMIT_INTERVAL_MS));
        this.metadataMaxAgeNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(100,
                config.getLong(ClientConfig.METADATA_MAX_AGE_MS)));
        this.requestTimeoutNanos = ctx.network().requestTimeoutNanos();
        this.apiTimeoutNanos = ctx.network().apiTimeoutNanos();
        this.backoffMs = Math.max(1, config.getInt(ClientConfig.RETRY_BACKOFF_MS));
        this.backoffMaxMs = Math.max(backoffMs, config.getInt(ClientConfig.RETRY_BACKOFF_MAX_MS));
        checkGroupsSupported();
        this.engine = ctx.newPartitionConsumer(keyDeserializer, valueDeserializer, config);
        ctx.unregister(engine); // closed by this consumer, after its commit on close
        ctx.register(this);
    }

    // ---- subscription -----------------------------------------------------------------------------------------------

    @Override
    public void subscribe(Collection<String> topics, RebalanceListener listener) {
        Objects.requireNonNull(topics, "topics");
        for (String t : topics) {
            if (t == null || t.isEmpty()) {
                throw new IllegalArgumentException("topic names must be non-empty, got " + topics);
            }
        }
        List<String> sorted = new ArrayList<>(new TreeSet<>(topics));
        sorted.sort(Utf8Order.STRINGS);
        setSubscription(new Sub(List.copyOf(sorted), null, listener == null ? NO_LISTENER : listener));
    }

    @Override
    public void subscribe(Pattern pattern, RebalanceListener listener) {
        Objects.requireNonNull(pattern, "pattern");
        setSubscription(new Sub(null, pattern, listener == null ? NO_LISTENER : listener));
    }

    private void setSubscription(Sub s) {
        ensureOpen();
        checkGroupsSupported();
        lock.lock();
        try {
            sub = s;
            fatal = null;
            matched = List.of();
            metadataCheckNow = true;
            if (member) {
                rejoinNeeded = true;
            }
            if (coordinator == null) {
                coordinator = new Thread(this::runCoordinator, "streambus-group-" + groupId + "-" + ctx.clientId());
                coordinator.setDaemon(true);
                coordinator.start();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void unsubscribe() {
        ensureOpen();
        revoke(false, System.nanoTime() + apiTimeoutNanos);
        String leaving;
        lock.lock();
        try {
            sub = null;
            matched = List.of();
            leaving = memberId;
            resetMembership();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (!leaving.isEmpty()) {
            leaveGroup(leaving, System.nanoTime() + requestTimeoutNanos);
        }
    }

    /** Forgets member id, generation and last assignment (B.6.11: 20, 24); called with the lock held. */
    private void resetMembership() {
        memberId = "";
        generation = -1;
        member = false;
        rejoinNeeded = false;
        lastAssignment = List.of();
    }

    /**
     * B.4: fail at once against a broker that does not serve groups. If the broker cannot be reached now, the
     * coordinator checks again when it connects.
     */
    private void checkGroupsSupported() {
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
            caps = ctx.network().capabilities(System.nanoTime() + requestTimeoutNanos)
                    .get(requestTimeoutNanos + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("capabilities of the broker not known yet for group {}: {}", groupId, e.toString());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamBusException("interrupted while checking the broker's capabilities", e);
        }
        if (!caps.supportsGroups()) {
            throw new UnsupportedFeatureException(BrokerCapabilities.CAP_GROUPS, ctx.network().activeAddress());
        }
        lock.lock();
        try {
            groupsConfirmed = true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Set<TopicPartition> assignment() {
        lock.lock();
        try {
            return owned;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String groupId() {
        return groupId;
    }

    @Override
    public String memberId() {
        lock.lock();
        try {
            return memberId;
        } finally {
            lock.unlock();
        }
    }

    // ---- poll -------------------------------------------------------------------------------------------------------

    @Override
    public ConsumerRecords<K, V> poll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ensureOpen();
        lock.lock();
        try {
            if (sub == null) {
                throw new IllegalStateException("group consumer of group '" + groupId + "' is not subscribed");
            }
        } finally {
            lock.unlock();
        }
        while (true) {
            checkWakeup();
            boolean doRevoke = false;
            boolean doLost = false;
            Pending toApply = null;
            lock.lock();
            try {
                ensureOpenLocked();
                if (fatal != null) {
                    throw fatal;
                }
                if ((rejoinNeeded || !member) && (!owned.isEmpty() || pending != null)) {
                    doRevoke = true;
                    doLost = lost;
                } else if (pending != null && member && !rejoinNeeded) {
                    toApply = pending;
                }
            } finally {
                lock.unlock();
            }
            if (doRevoke) {
                revoke(doLost, System.nanoTime() + Math.min(apiTimeoutNanos,
                        TimeUnit.MILLISECONDS.toNanos(rebalanceTimeoutMs)));
                continue;
            }
            if (toApply != null) {
                apply(toApply);
                continue;
            }
            maybeAutoCommit();
            long remaining = deadline - System.nanoTime();
            Set<TopicPartition> mine = assignment();
            if (mine.isEmpty()) {
                if (remaining <= 0) {
                    return ConsumerRecords.empty();
                }
                lock.lock();
                try {
                    if (pending == null && !userWakeup && fatal == null && !closed) {
                        changed.awaitNanos(Math.min(remaining, POLL_SLICE_NANOS));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StreamBusException("interrupted during poll", e);
                } finally {
                    lock.unlock();
                }
                continue;
            }
            ConsumerRecords<K, V> records;
            try {
                records = engine.poll(Duration.ofNanos(Math.max(0, Math.min(remaining, POLL_SLICE_NANOS))));
            } catch (WakeupException e) {
                // The engine is woken by the coordinator too (to react to a rebalance at once).
                continue;
            }
            if (!records.isEmpty()) {
                return records;
            }
            if (deadline - System.nanoTime() <= 0) {
                return ConsumerRecords.empty();
            }
        }
    }

    private void checkWakeup() {
        if (userWakeup) {
            userWakeup = false;
            throw new WakeupException();
        }
    }

    /** Applies a SyncGroup result: committed positions, engine assignment, then {@code onPartitionsAssigned}. */
    private void apply(Pending p) {
        Map<TopicPartition, OffsetAndMetadata> committed = p.partitions().isEmpty() ? Map.of()
                : fetchCommitted(new HashSet<>(p.partitions()), System.nanoTime() + requestTimeoutNanos);
        RebalanceListener listener;
        lock.lock();
        try {
            if (pending != p || rejoinNeeded || !member) {
                return; // superseded meanwhile; the caller loops
            }
            pending = null;
            owned = Set.copyOf(p.partitions());
            listener = sub == null ? NO_LISTENER : sub.listener();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        engine.assign(p.partitions());
        committedPositions.clear();
        committed.forEach((tp, om) -> {
            engine.seek(tp, om.offset());
            committedPositions.put(tp, om.offset());
        });
        nextAutoCommit = System.nanoTime() + autoCommitIntervalNanos;
        LOG.info("group {} member {} generation {}: assigned {}", groupId, memberId(), p.generation(),
                p.partitions());
        listener.onPartitionsAssigned(p.partitions());
    }

    /**
     * Gives up every owned partition (poll thread): stops fetching, commits positions (auto-commit, unless lost),
     * calls the listener, then clears the engine and lets the coordinator rejoin.
     */
    private void revoke(boolean lostPartitions, long deadlineNanos) {
        Set<TopicPartition> parts;
        RebalanceListener listener;
        lock.lock();
        try {
            parts = owned;
            listener = sub == null ? NO_LISTENER : sub.listener();
        } finally {
            lock.unlock();
        }
        RuntimeException callbackError = null;
        if (!parts.isEmpty()) {
            engine.pause(parts); // eager rebalancing: stop fetching before anything else (B.6.1)
            if (autoCommit && !lostPartitions) {
                try {
                    commitPositions(deadlineNanos);
                } catch (RuntimeException e) {
                    LOG.warn("group {}: commit on revocation failed: {}", groupId, e.toString());
                }
            }
            try {
                if (lostPartitions) {
                    listener.onPartitionsLost(parts);
                } else {
                    listener.onPartitionsRevoked(parts);
                }
            } catch (RuntimeException e) {
                callbackError = e;
            }
            engine.assign(List.of());
            LOG.info("group {}: {} {}", groupId, lostPartitions ? "lost" : "revoked", parts);
        }
        lock.lock();
        try {
            owned = Set.of();
            pending = null;
            lost = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        committedPositions.clear();
        if (callbackError != null) {
            throw callbackError;
        }
    }

    // ---- positions (delegated to the engine) ------------------------------------------------------------------------

    @Override
    public void seek(TopicPartition partition, long offset) {
        engine.seek(partition, offset);
    }

    @Override
    public void seekToBeginning(Collection<TopicPartition> partitions) {
        engine.seekToBeginning(partitions);
    }

    @Override
    public void seekToEnd(Collection<TopicPartition> partitions) {
        engine.seekToEnd(partitions);
    }

    @Override
    public long position(TopicPartition partition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            checkWakeup();
            try {
                return engine.position(partition, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            } catch (WakeupException e) {
                if (deadline - System.nanoTime() <= 0) {
                    throw new StreamBusTimeoutException("position of " + partition + " not resolved within "
                            + timeout.toMillis() + " ms");
                }
            }
        }
    }

    @Override
    public void pause(Collection<TopicPartition> partitions) {
        engine.pause(partitions);
    }

    @Override
    public void resume(Collection<TopicPartition> partitions) {
        engine.resume(partitions);
    }

    // ---- commits ----------------------------------------------------------------------------------------------------

    private void maybeAutoCommit() {
        if (!autoCommit || System.nanoTime() - nextAutoCommit < 0) {
            return;
        }
        nextAutoCommit = System.nanoTime() + autoCommitIntervalNanos;
        Map<TopicPartition, OffsetAndMetadata> offsets = changedPositions();
        if (offsets.isEmpty()) {
            return;
        }
        autoCommitInFlight = commit(offsets, System.nanoTime() + requestTimeoutNanos).whenComplete((v, e) -> {
            if (e != null) {
                LOG.warn("group {}: auto-commit failed: {}", groupId, Errors.unwrap(e).toString());
            }
        });
    }

    /** Waits (bounded) for the last auto-commit, so that older offsets cannot land after newer ones. */
    private void awaitAutoCommit(long deadlineNanos) {
        try {
            autoCommitInFlight.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // logged by the auto-commit itself; the commit that follows supersedes it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamBusException("interrupted while waiting for an auto-commit", e);
        }
    }

    /** Positions of owned partitions that differ from what is known to be committed. */
    private Map<TopicPartition, OffsetAndMetadata> changedPositions() {
        Set<TopicPartition> mine = assignment();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        engine.positions().forEach((tp, pos) -> {
            if (mine.contains(tp) && !pos.equals(committedPositions.get(tp))) {
                offsets.put(tp, new OffsetAndMetadata(pos));
            }
        });
        return offsets;
    }

    private void commitPositions(long deadlineNanos) {
        awaitAutoCommit(deadlineNanos);
        Map<TopicPartition, OffsetAndMetadata> offsets = changedPositions();
        if (!offsets.isEmpty()) {
            await(commit(offsets, deadlineNanos), deadlineNanos, "OffsetCommit");
        }
    }

    @Override
    public void commitSync(Duration timeout) {
        ensureOpen();
        commitPositions(System.nanoTime() + timeout.toNanos());
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
        ensureOpen();
        if (offsets.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        await(commit(offsets, deadline), deadline, "OffsetCommit");
    }

    @Override
    public CompletableFuture<Void> commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        ensureOpen();
        if (offsets.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return commit(Map.copyOf(offsets), System.nanoTime() + apiTimeoutNanos);
    }

    /**
     * Sends OffsetCommit with the current generation. Per-partition codes become exceptions; membership codes
     * (20, 22, 24, 28) also start the rebalance reaction of B.6.11. Thread-safe (completes on an I/O thread).
     */
    private CompletableFuture<Void> commit(Map<TopicPartition, OffsetAndMetadata> offsets, long deadlineNanos) {
        int gen;
        String mid;
        lock.lock();
        try {
            gen = generation;
            mid = memberId;
        } finally {
            lock.unlock();
        }
        if (gen < 0 || mid.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException("cannot commit offsets for group '"
                    + groupId + "': this member holds no generation of the group (not joined yet, or removed by the broker "
                    + "and rejoining); commit after partitions are assigned"));
        }
        Map<String, List<PartitionOffset>> byTopic = new TreeMap<>(Utf8Order.STRINGS);
        offsets.forEach((tp, om) -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>())
                .add(new PartitionOffset(tp.partition(), om.offset(), om.metadata())));
        OffsetCommitRequest req = new OffsetCommitRequest(groupId, gen, mid, TopicPartitions.of(byTopic));
        return ctx.network().call(req, r -> r.body(OffsetCommitResponse.class), deadlineNanos).thenApply(resp -> {
            Map<TopicPartition, Integer> failed = new TreeMap<>();
            for (TopicPartitions.Topic<PartitionResult> t : resp.results().topics()) {
                for (PartitionResult pr : t.partitions()) {
                    if (pr.errorCode() != 0) {
                        failed.put(new TopicPartition(t.name(), pr.partition()), pr.errorCode());
                    }
                }
            }
            if (failed.isEmpty()) {
                offsets.forEach((tp, om) -> noteCommitted(tp, om.offset()));
                return null;
            }
            int code = failed.values().iterator().next();
            if (isMembershipCode(code)) {
                react(gen, code, "OffsetCommit");
                throw new BrokerErrorException(code, null, "OffsetCommit of group '" + groupId + "' (generation "
                        + gen + ") rejected: " + (code == ErrorCode.REBALANCE_IN_PROGRESS
                        ? "the group is rebalancing" : "this member's generation is no longer current")
                        + "; its partitions are being revoked and will be reassigned, nothing was committed");
            }
            offsets.forEach((tp, om) -> {
                if (!failed.containsKey(tp)) {
                    noteCommitted(tp, om.offset());
                }
            });
            if (code == ErrorCode.AUTHORIZATION_FAILED || code == ErrorCode.GROUP_AUTHORIZATION_FAILED) {
                throw new AuthorizationException(code, null, "OffsetCommit of group '" + groupId
                        + "' failed for " + failed);
            }
            throw new BrokerErrorException(code, null, "OffsetCommit of group '" + groupId + "' failed for "
                    + "(partition=code) " + failed + "; the other partitions were committed");
        });
    }

    /** Notes a committed offset for auto-commit's change detection (may run on an I/O thread). */
    private void noteCommitted(TopicPartition tp, long offset) {
        committedPositions.put(tp, offset);
    }

    private static boolean isMembershipCode(int code) {
        return code == ErrorCode.REBALANCE_IN_PROGRESS || code == ErrorCode.ILLEGAL_GENERATION
                || code == ErrorCode.INVALID_GENERATION_ID || code == ErrorCode.UNKNOWN_MEMBER_ID
                || code == ErrorCode.UNKNOWN_CONSUMER_GROUP_ID;
    }

    /** B.6.11 reaction to a membership code received for generation {@code gen}. Thread-safe. */
    private void react(int gen, int code, String what) {
        lock.lock();
        try {
            if (gen != generation || !member || closed) {
                return; // about an older generation, or a rejoin is already under way
            }
            LOG.info("group {} member {}: {} answered {} {}; rejoining", groupId, memberId, what, code,
                    ErrorCode.nameOf(code));
            rejoinNeeded = true;
            if (code != ErrorCode.REBALANCE_IN_PROGRESS) {
                lost = true;
            }
            if (code == ErrorCode.UNKNOWN_MEMBER_ID || code == ErrorCode.UNKNOWN_CONSUMER_GROUP_ID) {
                resetMembership();
                rejoinNeeded = true;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        engine.wakeup();
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions, Duration timeout) {
        ensureOpen();
        return fetchCommitted(partitions, System.nanoTime() + timeout.toNanos());
    }

    private Map<TopicPartition, OffsetAndMetadata> fetchCommitted(Set<TopicPartition> partitions, long deadline) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<String, List<Integer>> byTopic = new TreeMap<>(Utf8Order.STRINGS);
        for (TopicPartition tp : partitions) {
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
        }
        OffsetFetchRequest req = new OffsetFetchRequest(groupId, TopicPartitions.of(byTopic));
        OffsetFetchResponse resp = await(ctx.network().call(req, r -> r.body(OffsetFetchResponse.class), deadline),
                deadline, "OffsetFetch");
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (TopicPartitions.Topic<PartitionOffsetResult> t : resp.offsets().topics()) {
            for (PartitionOffsetResult r : t.partitions()) {
                TopicPartition tp = new TopicPartition(t.name(), r.partition());
                if (r.errorCode() != 0) {
                    throw Errors.fromCode(r.errorCode(), null, "OffsetFetch of " + tp + " in group '" + groupId + "'");
                }
                if (r.offset() >= 0 && partitions.contains(tp)) {
                    out.put(tp, new OffsetAndMetadata(r.offset(), r.metadata()));
                }
            }
        }
        return out;
    }

    private <T> T await(CompletableFuture<T> f, long deadlineNanos, String what) {
        try {
            return f.get(Math.max(0, deadlineNanos - System.nanoTime()) + TimeUnit.MILLISECONDS.toNanos(50),
                    TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable c = Errors.unwrap(e);
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw Errors.toStreamBus(c, what + " of group '" + groupId + "' failed");
        } catch (TimeoutException e) {
            f.cancel(false);
            throw new StreamBusTimeoutException(what + " of group '" + groupId + "' did not complete in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamBusException("interrupted during " + what, e);
        }
    }

    // ---- lifecycle --------------------------------------------------------------------------------------------------

    @Override
    public void wakeup() {
        userWakeup = true;
        engine.wakeup();
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            if (closed) {
                return;
            }
        } finally {
            lock.unlock();
        }
        try {
            boolean wasLost;
            lock.lock();
            try {
                wasLost = lost;
            } finally {
                lock.unlock();
            }
            revoke(wasLost, deadline);
        } catch (RuntimeException e) {
            LOG.warn("group {}: revocation on close failed: {}", groupId, e.toString());
        }
        String leaving;
        Thread t;
        lock.lock();
        try {
            closed = true;
            leaving = memberId;
            t = coordinator;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        stopCoordinator(t, deadline);
        if (!leaving.isEmpty()) {
            leaveGroup(leaving, deadline);
        }
        Connection c = conn;
        if (c != null) {
            c.close();
        }
        engine.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        ctx.unregister(this);
    }

    /**
     * Stops this member as a crashed process would: no more heartbeats, no LeaveGroup, no commit, connections of
     * the coordinator closed. The broker removes it after its session timeout. For tests of failure handling.
     */
    public void crashForTesting() {
        Thread t;
        lock.lock();
        try {
            closed = true;
            t = coordinator;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        stopCoordinator(t, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        Connection c = conn;
        if (c != null) {
            c.close();
        }
        engine.close(Duration.ZERO);
        ctx.unregister(this);
    }

    private void stopCoordinator(Thread t, long deadline) {
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        t.interrupt();
        try {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void leaveGroup(String leavingId, long deadline) {
        try {
            await(ctx.network().call(new LeaveGroupRequest(groupId, leavingId), r -> r.body(LeaveGroupResponse.class),
                    Math.min(deadline, System.nanoTime() + requestTimeoutNanos)), deadline, "LeaveGroup");
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

    private void ensureOpen() {
        lock.lock();
        try {
            ensureOpenLocked();
        } finally {
            lock.unlock();
        }
    }

    private void ensureOpenLocked() {
        if (closed) {
            throw new IllegalStateException("group consumer of group '" + groupId + "' is closed");
        }
    }

    @Override
    public String toString() {
        return "GroupConsumer[" + groupId + ", member " + memberId() + "]";
    }

    // ---- coordinator thread -----------------------------------------------------------------------------------------

    /** A failure that ends the subscription (B.6.11: 21, 27, 29; unsupported broker). */
    private static final class FatalGroupError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FatalGroupError(RuntimeException cause) {
            super(cause);
        }
    }

    private void runCoordinator() {
        long nextHeartbeat = System.nanoTime();
        long nextMetadataCheck = System.nanoTime();
        int failures = 0;
        while (true) {
            Sub s;
            boolean join = false;
            boolean heartbeatDue;
            boolean checkMetadata;
            lock.lock();
            try {
                while (!closed && (sub == null || fatal != null)) {
                    changed.await();
                }
                if (closed) {
                    return;
                }
                s = sub;
                long now = System.nanoTime();
                checkMetadata = metadataCheckNow || now - nextMetadataCheck >= 0;
                heartbeatDue = now - nextHeartbeat >= 0 && generation >= 0 && !memberId.isEmpty();
                if (!checkMetadata && (rejoinNeeded || !member) && owned.isEmpty() && pending == null) {
                    join = true;
                } else if (!checkMetadata && !heartbeatDue) {
                    long wait = Math.min(nextHeartbeat - now, nextMetadataCheck - now);
                    if (generation < 0 || memberId.isEmpty()) {
                        wait = nextMetadataCheck - now;
                    }
                    changed.awaitNanos(Math.max(1, wait));
                    continue;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                if (checkMetadata) {
                    checkMetadata(s);
                    // a subscribed topic without partitions (not created yet) is looked for again soon
                    boolean missing = leader && assignedCounts != null && assignedCounts.containsValue(0);
                    nextMetadataCheck = System.nanoTime() + (missing ? Math.min(metadataMaxAgeNanos,
                            TimeUnit.SECONDS.toNanos(1)) : metadataMaxAgeNanos);
                } else if (join) {
                    joinAndSync(s);
                    nextHeartbeat = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(heartbeatIntervalMs);
                    if (leader && assignedCounts != null && assignedCounts.containsValue(0)) {
                        // a subscribed topic does not exist yet: look for it soon rather than after max age
                        long soon = System.nanoTime() + Math.min(metadataMaxAgeNanos, TimeUnit.SECONDS.toNanos(1));
                        if (nextMetadataCheck - soon > 0) {
                            nextMetadataCheck = soon;
                        }
                    }
                } else {
                    nextHeartbeat = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(heartbeatIntervalMs);
                    heartbeat();
                }
                failures = 0;
            } catch (FatalGroupError e) {
                RuntimeException cause = (RuntimeException) e.getCause();
                LOG.error("group {}: subscription failed: {}", groupId, cause.toString());
                lock.lock();
                try {
                    if (sub == s) {
                        fatal = cause;
                    }
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
                engine.wakeup();
            } catch (InterruptedException e) {
                if (isClosed()) {
                    return;
                }
            } catch (RuntimeException e) {
                if (isClosed()) {
                    return;
                }
                failures++;
                long delay = Math.min(backoffMaxMs, backoffMs << Math.min(failures - 1, 16));
                LOG.debug("group {}: coordination request failed (retrying in {} ms): {}", groupId, delay,
                        e.toString());
                Connection c = conn;
                if (c != null && !c.isOpen()) {
                    conn = null;
                }
                lock.lock();
                try {
                    if (!closed) {
                        changed.awaitNanos(TimeUnit.MILLISECONDS.toNanos(delay));
                    }
                } catch (InterruptedException ie) {
                    return;
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * ListTopics: re-evaluates a pattern subscription, and (leader) notices partition count changes of the topics
     * it assigned (B.6.3); either starts a rejoin.
     */
    private void checkMetadata(Sub s) throws InterruptedException {
        if (s.pattern() == null && !leader) {
            lock.lock();
            try {
                metadataCheckNow = false;
            } finally {
                lock.unlock();
            }
            return;
        }
        Map<String, Integer> all = call(ctx.metadata().refresh(), requestTimeoutNanos, "ListTopics");
        lock.lock();
        try {
            if (sub == s) {
                metadataCheckNow = false;
            }
            if (sub != s) {
                return;
            }
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
                    if (member) {
                        rejoinNeeded = true;
                    }
                }
            }
            if (leader && member && assignedCounts != null) {
                for (Map.Entry<String, Integer> e : assignedCounts.entrySet()) {
                    if (all.getOrDefault(e.getKey(), 0).intValue() != e.getValue()) {
                        LOG.info("group {}: partition count of {} changed; rejoining", groupId, e.getKey());
                        rejoinNeeded = true;
                        break;
                    }
                }
            }
            if (rejoinNeeded) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        engine.wakeup();
    }

    private Connection connection() throws InterruptedException {
        Connection c = conn;
        if (c != null && c.isOpen()) {
            return c;
        }
        if (c != null) {
            c.close();
        }
        conn = null;
        c = call(ctx.network().openDedicated(), requestTimeoutNanos * 2, "connecting to the group coordinator");
        BrokerCapabilities caps = c.capabilities();
        if (caps != null && !caps.supportsGroups()) {
            c.close();
            throw new FatalGroupError(new UnsupportedFeatureException(BrokerCapabilities.CAP_GROUPS, c.address()));
        }
        if (isClosed()) {
            c.close();
            throw new StreamBusException("group consumer closed");
        }
        conn = c;
        return c;
    }

    private void joinAndSync(Sub s) throws InterruptedException {
        Connection c = connection();
        List<String> topics;
        String mid;
        List<TopicPartition> previous;
        lock.lock();
        try {
            if (sub != s || closed) {
                return;
            }
            topics = s.pattern() == null ? s.topics() : matched;
            mid = memberId;
            previous = lastAssignment;
            member = false;
            rejoinNeeded = false;
            lost = false;
        } finally {
            lock.unlock();
        }
        byte[] metadata = new Subscription(topics, previous).toBytes();
        List<GroupProtocol> protocols = new ArrayList<>();
        for (String name : assignorNames) {
            protocols.add(new GroupProtocol(name, metadata));
        }
        long heldTimeout = TimeUnit.MILLISECONDS.toNanos(rebalanceTimeoutMs + 5_000L);
        JoinGroupResponse jr;
        try {
            jr = request(c, new JoinGroupRequest(groupId, sessionTimeoutMs, rebalanceTimeoutMs, mid, ctx.clientId(),
                    PROTOCOL_TYPE, protocols), JoinGroupResponse.class, heldTimeout, "JoinGroup");
        } catch (BrokerErrorException e) {
            switch (e.code()) {
                case ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.UNKNOWN_CONSUMER_GROUP_ID -> {
                    forgetMember(s);
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
            if (sub != s || closed) {
                // unsubscribed while joining: do not stay a member under an id nobody will use
                leaveNow = sub == null && !closed && !jr.memberId().isEmpty();
                return;
            }
            memberId = jr.memberId();
            generation = gen;
        } finally {
            lock.unlock();
            if (leaveNow) {
                leaveGroup(jr.memberId(), System.nanoTime() + requestTimeoutNanos);
            }
        }
        leader = jr.memberId().equals(jr.leaderId());
        List<MemberAssignment> assignments = leader ? assign(jr) : List.of();
        SyncGroupResponse sr;
        try {
            sr = request(c, new SyncGroupRequest(groupId, gen, jr.memberId(), assignments), SyncGroupResponse.class,
                    heldTimeout, "SyncGroup");
        } catch (BrokerErrorException e) {
            switch (e.code()) {
                case ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.UNKNOWN_CONSUMER_GROUP_ID -> {
                    forgetMember(s);
                    return;
                }
                case ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.ILLEGAL_GENERATION,
                     ErrorCode.INVALID_GENERATION_ID -> {
                    return;
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
            if (sub != s || closed || generation != gen) {
                return;
            }
            pending = new Pending(gen, List.copyOf(parts));
            lastAssignment = List.copyOf(parts);
            member = true;
            rejoinNeeded = rejoinNeeded || unreadable;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        LOG.debug("group {} member {} generation {} (leader: {}): assignment {}", groupId, jr.memberId(), gen, leader,
                parts);
        engine.wakeup();
    }

    private void forgetMember(Sub s) {
        lock.lock();
        try {
            if (sub == s) {
                resetMembership();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Leader: the assignment of the generation with the selected strategy over ListTopics counts (B.6.3). */
    private List<MemberAssignment> assign(JoinGroupResponse jr) throws InterruptedException {
        PartitionAssignor assignor = PartitionAssignor.forName(jr.protocolName());
        if (assignor == null) {
            throw new FatalGroupError(new StreamBusException("group '" + groupId + "' selected protocol '"
                    + jr.protocolName() + "', which this client does not implement"));
        }
        Map<String, Subscription> subs = new HashMap<>();
        Set<String> topics = new LinkedHashSet<>();
        for (GroupMember m : jr.members()) {
            Subscription sub;
            try {
                sub = Subscription.fromBytes(m.metadata());
            } catch (RuntimeException e) {
                LOG.warn("group {}: cannot parse the subscription of member {} ({}); it gets nothing", groupId,
                        m.memberId(), e.toString());
                sub = PartitionAssignor.EMPTY_SUBSCRIPTION;
            }
            subs.put(m.memberId(), sub);
            topics.addAll(sub.topics());
        }
        Map<String, Integer> all = call(ctx.metadata().refresh(), requestTimeoutNanos, "ListTopics");
        Map<String, Integer> counts = new HashMap<>();
        for (String t : topics) {
            counts.put(t, all.getOrDefault(t, 0));
        }
        assignedCounts = counts;
        Map<String, List<TopicPartition>> result = assignor.assign(subs, counts);
        List<MemberAssignment> out = new ArrayList<>();
        for (GroupMember m : jr.members()) {
            List<TopicPartition> parts = result.getOrDefault(m.memberId(), List.of());
            out.add(new MemberAssignment(m.memberId(), new Assignment(parts).toBytes()));
        }
        LOG.info("group {}: leader {} assigned generation {} with {}: {}", groupId, jr.memberId(),
                jr.generationId(), assignor.name(), result);
        return out;
    }

    private void heartbeat() throws InterruptedException {
        int gen;
        String mid;
        lock.lock();
        try {
            gen = generation;
            mid = memberId;
        } finally {
            lock.unlock();
        }
        if (gen < 0 || mid.isEmpty()) {
            return;
        }
        Connection c = connection();
        try {
            request(c, new HeartbeatRequest(groupId, gen, mid), HeartbeatResponse.class, requestTimeoutNanos,
                    "Heartbeat");
        } catch (BrokerErrorException e) {
            if (isMembershipCode(e.code())) {
                react(gen, e.code(), "Heartbeat");
            } else if (!e.isRetriable()) {
                throw new FatalGroupError(e);
            } else {
                throw e;
            }
        }
    }

    /** Sends on the dedicated connection and waits (coordinator thread). Error statuses become typed exceptions. */
    private <T extends ResponseBody> T request(Connection c, RequestBody body, Class<T> type, long timeoutNanos,
                                               String what) throws InterruptedException {
        CompletableFuture<T> f = new CompletableFuture<>();
        c.send(BodySupplier.of(body), 0, new ResponseHandler() {
            @Override
            public void onResponse(DecodedResponse r) {
                try (r) {
                    if (r.isError()) {
                        f.completeExceptionally(Errors.fromResponse(r, what + " of group '" + groupId + "'"));
                    } else {
                        f.complete(r.body(type));
                    }
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            }

            @Override
            public void onFailure(Throwable error) {
                f.completeExceptionally(error);
            }
        }, timeoutNanos);
        return call(f, timeoutNanos + TimeUnit.SECONDS.toNanos(1), what);
    }

    private <T> T call(CompletableFuture<T> f, long timeoutNanos, String what) throws InterruptedException {
        try {
            return f.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = Errors.unwrap(e);
            if (cause instanceof UnsupportedFeatureException u) {
                throw new FatalGroupError(u);
            }
            throw Errors.toStreamBus(cause, what + " of group '" + groupId + "' failed");
        } catch (TimeoutException e) {
            throw new StreamBusTimeoutException(what + " of group '" + groupId + "' timed out");
        }
    }
}
