package io.streambus.broker.share;

import io.netty.buffer.ByteBufAllocator;
import io.streambus.broker.log.FlushPolicy;
import io.streambus.broker.log.LogManager;
import io.streambus.broker.log.PartitionLog;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.Frames;
import io.streambus.protocol.TopicNames;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.message.MessageCursor;
import io.streambus.protocol.share.Acknowledgement;
import io.streambus.protocol.share.OffsetRange;
import io.streambus.protocol.share.ShareAcknowledgePartition;
import io.streambus.protocol.share.ShareAcknowledgePartitionResult;
import io.streambus.protocol.share.ShareAcknowledgeRequest;
import io.streambus.protocol.share.ShareAcknowledgeResponse;
import io.streambus.protocol.share.ShareFetchPartition;
import io.streambus.protocol.share.ShareFetchPartitionData;
import io.streambus.protocol.share.ShareFetchRequest;
import io.streambus.protocol.share.ShareFetchResponse;
import io.streambus.protocol.share.ShareGroupConfigureRequest;
import io.streambus.protocol.share.ShareGroupConfigureResponse;
import io.streambus.protocol.share.ShareGroupHeartbeatRequest;
import io.streambus.protocol.share.ShareGroupHeartbeatResponse;
import io.streambus.protocol.share.SharePartitionState;
import io.streambus.protocol.share.ShareRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The share-group coordinator (spec B.13): ShareGroupHeartbeat, ShareFetch, ShareAcknowledge and
 * ShareGroupConfigure with their checks in the order of the spec, plus what DeleteGroups, ListGroups and DeleteTopic
 * need. Requests come in decoded and go out as reply bodies or error codes ({@link Outcome}); the server maps them
 * onto frames.
 *
 * <p><b>Durability.</b> Every change a reply depends on (group creation and settings, new share-partitions, the
 * delivery counts of acquired records, acknowledgements) is queued to the {@link ShareStateStore} under the group's
 * lock, and the reply's future completes only when the store has written it (group commit across concurrent
 * requests). Dead-letter copies start once the Archiving state is durable. When a write of acknowledgements or
 * acquisitions fails, the request's changes to that share-partition are undone before its reply (7): the records
 * are Acquired by the member again (or Available again), as B.13.8 says of acknowledgements that cannot be made
 * durable. Likewise a ShareGroupConfigure or ShareGroupHeartbeat whose write fails is taken back before its
 * reply (7): the settings, the members and the share-partitions are as the request found them, and a group it
 * created is gone. The store fails every write after a failed one, so later requests' changes are undone first
 * ({@link ShareGroup#failed}).
 *
 * <p><b>Threading.</b> Thread-safe. Each group's state is guarded by its monitor, held only for in-memory work and
 * the log reads of acquisition. Methods return futures; the work after a durable write continues on the
 * {@code worker} executor (never on the store's writer thread). A background sweep (every 200 ms on
 * {@code timers}) ends passed locks and expired sessions.
 */
public final class ShareCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShareCoordinator.class);
    /** Longest group id in UTF-8 bytes (B.6.1). */
    static final int MAX_GROUP_ID_BYTES = 1024;
    /** Longest client id in UTF-8 bytes. */
    static final int MAX_CLIENT_ID_BYTES = 255;
    /** Unapplied acknowledgement ranges per request at most (16 bytes each: 3.2 MB of a 10 MiB reply frame). */
    static final long MAX_UNAPPLIED_RANGES = 200_000;
    /**
     * Filter evaluation work one ShareFetch may do per partition, in filter characters times records evaluated:
     * a short filter examines the whole window (at most 100000 records), a 64 KiB one about 3000 records. Counted,
     * not timed, so that replies do not depend on the machine's speed.
     */
    static final long FILTER_WORK_BUDGET = 200_000_000L;
    /**
     * Key and value bytes of a ShareFetch's first log read while the share-partition's record size is not known yet
     * (a few hundred small records); later reads double.
     */
    static final long FIRST_CHUNK_BYTES = 64 << 10;
    /** Least time between two logs of the in-flight limit condition of one share-partition (B.13.9). */
    static final long LIMIT_LOG_INTERVAL_MS = 60_000;
    /** How often a held ShareFetch tries again to acquire records. */
    static final long HOLD_POLL_MS = 20;
    private static final long SWEEP_MS = 200;

    /**
     * A request's result: a request-level error code (with its message), or the reply body. Immutable.
     *
     * @param errorCode 0 on success
     * @param message   the error message, or null
     * @param body      the reply body on success, else null
     * @param <T>       the body type
     */
    public record Outcome<T>(int errorCode, String message, T body) {
        static <T> Outcome<T> ok(T body) {
            return new Outcome<>(ErrorCode.NONE, null, body);
        }

        static <T> Outcome<T> error(int code, String message) {
            return new Outcome<>(code, message, null);
        }

        static <T> CompletableFuture<Outcome<T>> now(int code, String message) {
            return CompletableFuture.completedFuture(error(code, message));
        }
    }

    /**
     * One share group in a ListGroups answer. Immutable.
     *
     * @param groupId the group id
     * @param state   {@code Empty} or {@code Stable}
     */
    public record Listing(String groupId, String state) {
    }

    private final ShareCoordinatorConfig config;
    private final LogManager logs;
    private final ShareStateStore store;
    private final ShareAccess access;
    private final Predicate<String> consumerGroups;
    private final Executor worker;
    private final ScheduledExecutorService timers;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, ShareGroup> groups = new ConcurrentHashMap<>();
    private final DeadLetterWriter deadLetters;
    private final ScheduledFuture<?> sweep;
    /** What may be examined of a log (B.13.1): set by {@link #readCommitted} on a broker with transactions. */
    private volatile CommittedData committed = CommittedData.HIGH_WATER_MARK;
    /** Transactional acknowledgements (B.13.15), or null when not served. */
    private volatile ShareTransactions transactions;
    private volatile boolean closed;

    private ShareCoordinator(ShareCoordinatorConfig config, LogManager logs, ShareStateStore store, ShareAccess access,
                             Predicate<String> consumerGroups, Executor worker, ScheduledExecutorService timers,
                             LongSupplier clock) {
        this.config = config;
        this.logs = logs;
        this.store = store;
        this.access = access;
        this.consumerGroups = consumerGroups;
        this.worker = worker;
        this.timers = timers;
        this.clock = clock;
        this.deadLetters = new DeadLetterWriter(logs, worker, timers, this::copied);
        restore();
        store.compactWith(this::snapshot, ShareStateStore.DEFAULT_COMPACTION_BYTES);
        this.sweep = timers.scheduleWithFixedDelay(this::scheduleSweep, SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Opens the share state under {@code dataDir} (syncing as {@code policy} says) and starts a coordinator that
     * owns it.
     *
     * @param consumerGroups tells whether a group id names a consumer group (code 50)
     */
    public static ShareCoordinator open(Path dataDir, FlushPolicy policy, ShareCoordinatorConfig config,
                                        LogManager logs, ShareAccess access, Predicate<String> consumerGroups,
                                        Executor worker, ScheduledExecutorService timers) throws IOException {
        return open(dataDir, policy, config, logs, access, consumerGroups, worker, timers,
                () -> System.nanoTime() / 1_000_000L);
    }

    /** As {@link #open(Path, FlushPolicy, ShareCoordinatorConfig, LogManager, ShareAccess, Predicate, Executor,
     * ScheduledExecutorService)}, with {@code clock} (ms) for locks and sessions. For tests. */
    static ShareCoordinator open(Path dataDir, FlushPolicy policy, ShareCoordinatorConfig config, LogManager logs,
                                 ShareAccess access, Predicate<String> consumerGroups, Executor worker,
                                 ScheduledExecutorService timers, LongSupplier clock) throws IOException {
        ShareStateStore store = ShareStateStore.open(dataDir, policy);
        try {
            return new ShareCoordinator(config, logs, store, access, consumerGroups, worker, timers, clock);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** Writes every live group (writer thread of the store, during a compaction). */
    private void snapshot(ShareStateStore.SnapshotWriter out) {
        for (ShareGroup g : groups.values()) {
            synchronized (g) {
                if (g.deleted) {
                    continue;
                }
                out.settings(g.id, g.settings);
                for (SharePartition p : g.partitions.values()) {
                    out.partition(p.snapshot(g.id));
                    ShareStateStore.stagings(g.id, p).forEach(out::staged);
                }
            }
        }
    }

    /** The share state log (for tests: bytes written). */
    public ShareStateStore store() {
        return store;
    }

    private void restore() {
        for (Map.Entry<String, ShareStateStore.GroupImage> e : store.restored().entrySet()) {
            ShareGroup g = new ShareGroup(e.getKey(), e.getValue().settings);
            g.partitions.putAll(e.getValue().partitions);
            synchronized (g) {
                for (SharePartition p : g.partitions.values()) {
                    p.afterRestart(g.settings);
                }
                groups.put(g.id, g);
                persistLocked(g);
            }
        }
        store.restored().clear();
        if (!groups.isEmpty()) {
            LOG.info("restored {} share group(s)", groups.size());
        }
    }

    // =========================================================================================== heartbeat

    /** ShareGroupHeartbeat (B.13.4). */
    public CompletableFuture<Outcome<ShareGroupHeartbeatResponse>> heartbeat(String principal,
                                                                          ShareGroupHeartbeatRequest r) {
        if (closed) {
            return Outcome.now(ErrorCode.REQUEST_TIMEOUT, "broker is shutting down");
        }
        String problem = heartbeatProblem(r);
        if (problem != null) {
            return Outcome.now(ErrorCode.INVALID_REQUEST, problem);
        }
        if (!access.readGroup(principal, r.groupId())) {
            return Outcome.now(ErrorCode.GROUP_AUTHORIZATION_FAILED, null);
        }
        if (consumerGroups.test(r.groupId())) {
            return mismatch(r.groupId());
        }
        boolean join = r.memberId().isEmpty();
        if (!join) {
            ShareGroup g = groups.get(r.groupId());
            if (g == null) {
                return Outcome.now(ErrorCode.UNKNOWN_MEMBER_ID, "unknown member id (group '" + r.groupId()
                        + "' does not exist)");
            }
            synchronized (g) {
                if (!g.members.containsKey(r.memberId())) {
                    return Outcome.now(ErrorCode.UNKNOWN_MEMBER_ID, "unknown member id"); // 20 before 41
                }
            }
        }
        if (!r.leave()) {
            for (String t : r.subscribedTopics()) {
                if (!access.readTopic(principal, t)) {
                    return Outcome.now(ErrorCode.AUTHORIZATION_FAILED, "not authorized to read topic '" + t + "'");
                }
            }
        }
        while (true) {
            boolean[] created = {false};
            ShareGroup g = join ? groups.computeIfAbsent(r.groupId(), id -> {
                created[0] = true;
                return new ShareGroup(id, config.defaults());
            }) : groups.get(r.groupId());
            if (g == null) {
                return Outcome.now(ErrorCode.UNKNOWN_MEMBER_ID, "unknown member id");
            }
            synchronized (g) {
                if (g.deleted) {
                    continue;
                }
                // Undone if the write fails (B.13.11): the reply is then 7 and the group as the request found it.
                ShareGroup.Change change = new ShareGroup.Change();
                if (created[0]) {
                    change.created(() -> groups.remove(g.id, g));
                }
                long now = clock.getAsLong();
                ShareMember m;
                if (join) {
                    m = new ShareMember("sb-" + UUID.randomUUID(), r.clientId(), List.copyOf(r.subscribedTopics()),
                            now + config.sessionTimeout().toMillis());
                    g.members.put(m.id, m);
                    change.added(m);
                } else {
                    m = g.members.get(r.memberId());
                    if (m == null) {
                        return Outcome.now(ErrorCode.UNKNOWN_MEMBER_ID, "unknown member id");
                    }
                    if (r.leave()) {
                        Map<SharePartition, SharePartition.Undo> undos = new java.util.IdentityHashMap<>();
                        try {
                            g.partitions.values().forEach(p -> recordUndo(undos, p));
                            removeMember(g, m, now);
                        } finally {
                            stopUndo(undos);
                        }
                        change.removed(m);
                        CompletableFuture<Void> durable = persist(g, undos, change, false).all();
                        return whenDurable(List.of(durable), () -> Outcome.ok(
                                new ShareGroupHeartbeatResponse(m.id, 0, TopicPartitions.empty())));
                    }
                    m.deadlineMs = now + config.sessionTimeout().toMillis(); // kept even if the write fails
                    change.renewing(m);
                    m.clientId = r.clientId();
                    m.subscription = List.copyOf(r.subscribedTopics());
                }
                ensurePartitions(g, m.subscription, change);
                Writes writes = persist(g, Map.of(), change, created[0]);
                CompletableFuture<Void> durable = writes.all();
                CompletableFuture<Void> relied = writes.count() == 0 ? g.relyOnPending(change) : null;
                if (relied != null) {
                    durable = relied; // nothing of its own to write: the reply waits for what it assigns
                }
                TopicPartitions<Integer> assignment = assignment(m.subscription);
                int interval = (int) config.heartbeatInterval().toMillis();
                return whenDurable(List.of(durable), () -> Outcome.ok(new ShareGroupHeartbeatResponse(m.id,
                        interval, assignment)));
            }
        }
    }

    private static String heartbeatProblem(ShareGroupHeartbeatRequest r) {
        String g = groupIdProblem(r.groupId());
        if (g != null) {
            return g;
        }
        if (utf8Length(r.clientId()) > MAX_CLIENT_ID_BYTES) {
            return "client id is over " + MAX_CLIENT_ID_BYTES + " bytes";
        }
        if (r.leave() && r.memberId().isEmpty()) {
            return "leave needs a member id";
        }
        if (!r.leave() && r.subscribedTopics().isEmpty()) {
            return "no subscribed topic";
        }
        Set<String> seen = new HashSet<>();
        for (String t : r.subscribedTopics()) {
            if (!seen.add(t)) {
                return "topic '" + t + "' is subscribed twice";
            }
            String p = TopicNames.problem(t);
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    private void removeMember(ShareGroup g, ShareMember m, long now) {
        g.members.remove(m.id);
        for (SharePartition p : g.partitions.values()) {
            p.expire(now, m.id, g.settings);
        }
        g.wake();
    }

    /**
     * Creates the share-partitions that {@code topics} need (B.13.1), noting what it did in {@code change} when not
     * null. Caller holds the group's lock.
     */
    private void ensurePartitions(ShareGroup g, List<String> topics, ShareGroup.Change change) {
        for (String t : topics) {
            int n = logs.partitionCount(t);
            if (n < 0) {
                if (g.awaitedTopics.add(t) && change != null) {
                    change.awaitedAdded(t);
                }
                continue;
            }
            boolean awaited = g.awaitedTopics.remove(t);
            if (awaited && change != null) {
                change.awaitedRemoved(t);
            }
            for (int p = 0; p < n; p++) {
                if (g.partition(t, p) != null) {
                    continue;
                }
                PartitionLog log = logs.partition(t, p);
                long start = !awaited && g.settings.autoOffsetReset() == ShareGroupConfigureRequest.AUTO_OFFSET_RESET_LATEST
                        ? committed.stableOffset(log) : log.startOffset();
                String key = ShareStateStore.key(t, p);
                g.partitions.put(key, new SharePartition(t, p, start));
                if (change != null) {
                    change.partitionCreated(key);
                }
            }
        }
    }

    private TopicPartitions<Integer> assignment(List<String> subscription) {
        TreeMap<String, List<Integer>> map = new TreeMap<>();
        for (String t : subscription) {
            int n = logs.partitionCount(t);
            if (n > 0) {
                List<Integer> ps = new ArrayList<>(n);
                for (int p = 0; p < n; p++) {
                    ps.add(p);
                }
                map.put(t, ps);
            }
        }
        return TopicPartitions.of(map);
    }

    // =========================================================================================== membership checks

    /** The result of the request-level checks 1 to 4 of ShareFetch/ShareAcknowledge. */
    private record Member(ShareGroup group, ShareMember member, Outcome<?> error) {
    }

    private Member checkMember(String principal, String groupId, String memberId) {
        String problem = groupIdProblem(groupId);
        if (problem == null && memberId.isEmpty()) {
            problem = "member id is empty";
        }
        if (problem != null) {
            return new Member(null, null, Outcome.error(ErrorCode.INVALID_REQUEST, problem));
        }
        if (!access.readGroup(principal, groupId)) {
            return new Member(null, null, Outcome.error(ErrorCode.GROUP_AUTHORIZATION_FAILED, null));
        }
        if (consumerGroups.test(groupId)) {
            return new Member(null, null, mismatch(groupId).join());
        }
        ShareGroup g = groups.get(groupId);
        if (g == null) {
            return new Member(null, null, Outcome.error(ErrorCode.UNKNOWN_CONSUMER_GROUP_ID,
                    "share group '" + groupId + "' does not exist"));
        }
        synchronized (g) {
            ShareMember m = g.deleted ? null : g.members.get(memberId);
            if (g.deleted) {
                return new Member(null, null, Outcome.error(ErrorCode.UNKNOWN_CONSUMER_GROUP_ID,
                        "share group '" + groupId + "' does not exist"));
            }
            if (m == null) {
                return new Member(null, null, Outcome.error(ErrorCode.UNKNOWN_MEMBER_ID, "unknown member id"));
            }
            m.deadlineMs = clock.getAsLong() + config.sessionTimeout().toMillis();
            return new Member(g, m, null);
        }
    }

    /** Per-partition checks 8, 5, 41, 53 (B.13.5); 0 if the partition may be used. Caller holds the lock. */
    private int partitionCode(String principal, ShareMember m, String topic, int partition) {
        int n = logs.partitionCount(topic);
        if (n < 0) {
            return ErrorCode.TOPIC_NOT_FOUND;
        }
        if (partition >= n) {
            return ErrorCode.PARTITION_NOT_FOUND;
        }
        if (!access.readTopic(principal, topic)) {
            return ErrorCode.AUTHORIZATION_FAILED;
        }
        if (!m.subscription.contains(topic)) {
            return ErrorCode.PARTITION_NOT_ASSIGNED;
        }
        return ErrorCode.NONE;
    }

    /** The share-partition of an assigned partition, created at the log start if it is missing. Under the lock. */
    private SharePartition sharePartition(ShareGroup g, String topic, int partition) {
        SharePartition sp = g.partition(topic, partition);
        if (sp == null) {
            // The topic came into existence while a member already subscribed to it (B.13.1).
            g.awaitedTopics.add(topic);
            ensurePartitions(g, List.of(topic), null);
            sp = g.partition(topic, partition);
        }
        return sp;
    }

    // =========================================================================================== ShareFetch

    /** One partition of a ShareFetch in progress. Guarded by the group's lock while acquiring. */
    private static final class Slot {
        final String topic;
        final ShareFetchPartition request;
        int error;
        List<OffsetRange> unapplied = List.of();
        boolean limitReached;
        ShareRecords records;
        /** The share-partition, once its acknowledgements were applied or records acquired. */
        SharePartition sp;
        /**
         * Records acquired for the reply. If their delivery counts cannot be made durable, the acquisitions are
         * undone (see {@link #persist}) and the partition gets 7.
         */
        int acquiredCount;

        Slot(String topic, ShareFetchPartition request) {
            this.topic = topic;
            this.request = request;
        }
    }

    /**
     * ShareFetch (B.13.5). Acknowledgements are applied and made durable first; then records are acquired, their
     * delivery counts made durable, and the reply completes. With nothing to give, the request is held up to its
     * max wait while {@code open} says the connection is open.
     */
    public CompletableFuture<Outcome<ShareFetchResponse>> fetch(String principal, ShareFetchRequest r,
                                                             BooleanSupplier open, ByteBufAllocator alloc) {
        if (closed) {
            return Outcome.now(ErrorCode.REQUEST_TIMEOUT, "broker is shutting down");
        }
        if (r.maxWaitMs() < 0 || r.maxWaitMs() > 30_000) {
            String g = groupIdProblem(r.groupId());
            return Outcome.now(ErrorCode.INVALID_REQUEST, g != null ? g : r.memberId().isEmpty()
                    ? "member id is empty" : "max wait ms " + r.maxWaitMs() + " is outside 0 to 30000");
        }
        Member mc = checkMember(principal, r.groupId(), r.memberId());
        if (mc.error() != null) {
            return CompletableFuture.completedFuture(cast(mc.error()));
        }
        RecordFilter filter;
        try {
            filter = RecordFilter.parse(r.filter());
        } catch (RecordFilter.InvalidFilterException e) {
            return Outcome.now(ErrorCode.INVALID_FILTER, e.getMessage());
        }
        ShareGroup g = mc.group();
        ShareMember m = mc.member();
        List<Slot> slots = new ArrayList<>();
        Writes acksDurable;
        synchronized (g) {
            long now = clock.getAsLong();
            long budget = MAX_UNAPPLIED_RANGES;
            Map<SharePartition, SharePartition.Undo> undos = new java.util.IdentityHashMap<>();
            try {
                for (TopicPartitions.Topic<ShareFetchPartition> t : r.partitions().topics()) {
                    for (ShareFetchPartition p : t.partitions()) {
                        Slot s = new Slot(t.name(), p);
                        slots.add(s);
                        s.error = g.deleted || !g.members.containsKey(m.id) ? ErrorCode.PARTITION_NOT_ASSIGNED
                                : partitionCode(principal, m, t.name(), p.partition());
                        if (s.error != 0 || p.acknowledgements().isEmpty()) {
                            continue;
                        }
                        s.sp = sharePartition(g, t.name(), p.partition());
                        recordUndo(undos, s.sp);
                        SharePartition.AckOutcome out = s.sp.acknowledge(m.id, p.acknowledgements(), now,
                                g.settings, budget);
                        budget = out.rangesLeft();
                        s.unapplied = out.unapplied();
                    }
                }
            } finally {
                stopUndo(undos);
            }
            acksDurable = persist(g, undos, null, false);
            g.wake();
        }
        long deadline = clock.getAsLong() + r.maxWaitMs();
        CompletableFuture<Outcome<ShareFetchResponse>> result = new CompletableFuture<>();
        acksDurable.all().handle((v, e) -> {
            if (e != null) {
                // B.13.5 step 4: a partition whose acknowledgements could not be made durable had them undone,
                // gets 7 and acquires nothing.
                for (Slot s : slots) {
                    if (s.error == 0 && !s.request.acknowledgements().isEmpty() && acksDurable.failed(s.sp)) {
                        s.error = ErrorCode.STORAGE_ERROR;
                        s.unapplied = List.of();
                    }
                }
            }
            return null;
        }).thenRunAsync(() -> acquirePass(principal, g, m, r, filter, slots, deadline, open, alloc, result, false),
                worker).exceptionally(e -> {
                    result.completeExceptionally(e);
                    return null;
                });
        return result;
    }

    private void acquirePass(String principal, ShareGroup g, ShareMember m, ShareFetchRequest r, RecordFilter filter,
                             List<Slot> slots, long deadline, BooleanSupplier open, ByteBufAllocator alloc,
                             CompletableFuture<Outcome<ShareFetchResponse>> result, boolean held) {
        try {
            Writes countsDurable;
            ShareGroup.Waiter retry = null;
            boolean any = false;
            boolean failed = false;
            boolean hold;
            synchronized (g) {
                long now = clock.getAsLong();
                boolean member = !g.deleted && g.members.get(m.id) == m;
                long room = Frames.MAX_FRAME_SIZE - Frames.RESPONSE_HEADER_SIZE - Frames.CRC_SIZE - 64;
                for (Slot s : slots) {
                    room -= 16 + utf8Length(s.topic) + (long) OffsetRange.SIZE * s.unapplied.size();
                }
                Map<SharePartition, SharePartition.Undo> undos = new java.util.IdentityHashMap<>();
                try {
                    for (Slot s : slots) {
                        failed |= s.error != 0;
                        if (s.error != 0 || !member || !open.getAsBoolean()) {
                            continue;
                        }
                        SharePartition sp = sharePartition(g, s.topic, s.request.partition());
                        s.sp = sp;
                        sp.expire(now, null, g.settings);
                        recordUndo(undos, sp);
                        room = acquire(g, m, sp, s, filter, now, room, alloc);
                        any |= s.acquiredCount > 0;
                    }
                } finally {
                    stopUndo(undos);
                }
                hold = !any && !failed && member && clock.getAsLong() < deadline && open.getAsBoolean();
                if (hold && !held) {
                    m.heldFetches++;
                } else if (!hold && held) {
                    m.heldFetches--;
                    m.deadlineMs = Math.max(m.deadlineMs, now + config.sessionTimeout().toMillis());
                }
                countsDurable = persist(g, undos, null, false);
                if (hold) {
                    for (Slot s : slots) {
                        if (s.records != null) { // empty; released before the next attempt can start
                            s.records.release();
                            s.records = null;
                        }
                    }
                    // Registered under the lock that decided to hold, so no acknowledgement made after that
                    // decision can miss it. From here on the slots belong to the next attempt.
                    retry = new ShareGroup.Waiter(() -> {
                        try {
                            worker.execute(() -> acquirePass(principal, g, m, r, filter, slots, deadline, open,
                                    alloc, result, true));
                        } catch (RejectedExecutionException e) {
                            synchronized (g) {
                                m.heldFetches--;
                            }
                            result.complete(Outcome.error(ErrorCode.REQUEST_TIMEOUT, "broker is shutting down"));
                        }
                    });
                    g.await(retry);
                }
            }
            if (hold) {
                // Tried again at once when records may have become acquirable (ShareGroup#wake), and at least
                // every HOLD_POLL_MS for what the group does not see (new data, the deadline).
                long delay = Math.max(1, Math.min(HOLD_POLL_MS, deadline - clock.getAsLong()));
                try {
                    timers.schedule(retry::fire, delay, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    if (retry.cancel()) {
                        synchronized (g) {
                            m.heldFetches--;
                        }
                        result.complete(Outcome.error(ErrorCode.REQUEST_TIMEOUT, "broker is shutting down"));
                    }
                }
                return;
            }
            countsDurable.all().handle((v, e) -> {
                if (e != null) {
                    // The acquisitions of a partition whose delivery counts could not be made durable were undone
                    // (B.13.11: counts are durable before the reply that carries the records).
                    for (Slot s : slots) {
                        if (s.acquiredCount > 0 && countsDurable.failed(s.sp)) {
                            s.error = ErrorCode.STORAGE_ERROR;
                        }
                    }
                }
                result.complete(Outcome.ok(fetchResponse(g, r, slots)));
                return null;
            });
        } catch (RuntimeException e) {
            LOG.error("ShareFetch for group {} failed", g.id, e);
            for (Slot s : slots) {
                if (s.records != null) {
                    s.records.release();
                    s.records = null;
                }
            }
            result.completeExceptionally(e);
        }
    }

    /**
     * Acquires records of one partition for {@code m} (B.13.5); returns the reply room left. Caller holds the lock.
     */
    private long acquire(ShareGroup g, ShareMember m, SharePartition sp, Slot s, RecordFilter filter, long now,
                         long room, ByteBufAllocator alloc) {
        ShareGroupSettings settings = g.settings;
        PartitionLog log = logs.partition(s.topic, s.request.partition());
        sp.advance(log.startOffset());
        CommittedData view = committed;
        long stable = view.stableOffset(log);
        long maxRecords = s.request.maxRecords();
        long maxBytes = s.request.maxBytes();
        // The first read asks for about the records the request can take (at most max records, and at most the
        // Available ones plus those past SPEO that fit in the in-flight window) by the key and value bytes per record
        // seen so far, not a fixed amount: what it reads beyond them is read again by the next ShareFetch. The reply
        // buffer is sized alike, so that it is not grown (and copied) again and again.
        long beyond = Math.max(0, Math.min(settings.maxInFlightRecords() - (sp.speo() - sp.spso()),
                stable - sp.speo()));
        long takeable = Math.min(maxRecords, sp.availableCount() + beyond);
        long firstChunk = sp.kvBytesPerRecord == 0 ? FIRST_CHUNK_BYTES
                : Math.min(LogRecordReader.MAX_CHUNK_BYTES, (takeable + 8) * (sp.kvBytesPerRecord + 1));
        long replyGuess = Math.min(Math.min(room, LogRecordReader.MAX_CHUNK_BYTES),
                4 + takeable * sp.wireBytesPerRecord);
        ShareRecords.Builder b = new ShareRecords.Builder(alloc, (int) Math.max(256, replyGuess));
        try (LogRecordReader reader = new LogRecordReader(log, Math.min(maxBytes, firstChunk))) {
            long taken = 0;
            long bytes = 0;
            long evaluationsLeft = FILTER_WORK_BUDGET / Math.max(1, filter.text().length());
            long o = sp.spso();
            long abortedFrom = -1; // the next offset of an aborted transaction at or after o, looked up lazily
            while (maxRecords > 0 && maxBytes > 0 && taken < maxRecords && bytes < maxBytes) {
                int count;
                if (o < sp.speo()) {
                    o = sp.nextAvailable(o); // skips held and finished records without visiting them one by one
                }
                if (o < sp.speo()) {
                    count = sp.count(o);
                } else {
                    if (sp.speo() - sp.spso() >= settings.maxInFlightRecords() || o >= stable) {
                        break;
                    }
                    sp.extend();
                    count = 0;
                    if (abortedFrom < o) {
                        abortedFrom = view.nextAborted(log, o);
                    }
                    if (o == abortedFrom) {
                        sp.archiveGap(o); // a record of an aborted transaction is never delivered (B.13.1)
                        o++;
                        continue;
                    }
                }
                MessageCursor c = reader.seek(o);
                if (c == null || c.offset() != o) {
                    sp.archiveGap(o); // no deliverable record at this offset
                    o++;
                    continue;
                }
                if (count >= settings.maxDeliveryAttempts()) {
                    sp.archiveUndelivered(o, ArchiveReason.LIMIT_CHANGED, settings);
                    o++;
                    continue;
                }
                long size = 2L + c.messageLength();
                if (size > Frames.MAX_FRAME_SIZE - 1024) {
                    sp.archiveUndelivered(o, ArchiveReason.TOO_LARGE, settings);
                    o++;
                    continue;
                }
                if (!filter.matchesAll()) {
                    if (evaluationsLeft-- <= 0) {
                        break; // bound the evaluation cost of one request; the rest waits for the next fetch
                    }
                    if (!filter.matches(c)) {
                        o++;
                        continue;
                    }
                }
                if (size > room) {
                    break;
                }
                int dc = sp.acquire(o, m.id, now + settings.acquisitionLockMs());
                b.append(dc, c);
                s.acquiredCount++;
                room -= size;
                taken++;
                bytes += c.keyLength() + c.valueLength();
                o++;
            }
            s.records = b.finish();
            if (taken > 0) {
                sp.kvBytesPerRecord = bytes / taken;
                sp.wireBytesPerRecord = (s.records.sizeInBytes() - 4) / taken;
            }
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
        sp.advance(log.startOffset());
        s.limitReached = sp.speo() - sp.spso() >= settings.maxInFlightRecords() && stable > sp.speo();
        if (s.limitReached && !sp.limitLogged) {
            sp.limitLogged = true;
            // Logged once each time the condition arises (B.13.9), but at most once a minute per share-partition:
            // members without a filter that hold the whole window make it arise and clear on nearly every fetch.
            if (sp.limitLoggedAtMs == Long.MIN_VALUE || now - sp.limitLoggedAtMs >= LIMIT_LOG_INTERVAL_MS) {
                sp.limitLoggedAtMs = now;
                LOG.warn("share group '{}': {}-{} reached max in-flight records ({}) with records beyond its window; "
                        + "no further offset is examined until records are finished", g.id, s.topic,
                        s.request.partition(), settings.maxInFlightRecords());
            }
        } else if (!s.limitReached) {
            sp.limitLogged = false;
        }
        return room;
    }

    private ShareFetchResponse fetchResponse(ShareGroup g, ShareFetchRequest r, List<Slot> slots) {
        List<TopicPartitions.Topic<ShareFetchPartitionData>> topics = new ArrayList<>();
        int i = 0;
        for (TopicPartitions.Topic<ShareFetchPartition> t : r.partitions().topics()) {
            List<ShareFetchPartitionData> parts = new ArrayList<>(t.partitions().size());
            for (int k = 0; k < t.partitions().size(); k++) {
                Slot s = slots.get(i++);
                if (s.error != 0) {
                    if (s.records != null) {
                        s.records.release();
                    }
                    parts.add(ShareFetchPartitionData.failed(s.request.partition(), s.error));
                } else {
                    parts.add(new ShareFetchPartitionData(s.request.partition(), 0,
                            s.unapplied.isEmpty() ? 0 : ErrorCode.INVALID_RECORD_STATE, s.unapplied, s.limitReached,
                            s.records != null ? s.records : ShareRecords.empty()));
                }
            }
            topics.add(new TopicPartitions.Topic<>(t.name(), parts));
        }
        int lock;
        synchronized (g) {
            lock = g.settings.acquisitionLockMs();
        }
        return new ShareFetchResponse(lock, new TopicPartitions<>(topics));
    }

    // =========================================================================================== ShareAcknowledge

    /**
     * ShareAcknowledge (B.13.6); with flag 0x0020 the acknowledgements are staged in the producer's transaction
     * instead (B.13.15), when {@link #attachTransactions} enabled that.
     */
    public CompletableFuture<Outcome<ShareAcknowledgeResponse>> acknowledge(String principal,
                                                                         ShareAcknowledgeRequest r) {
        if (closed) {
            return Outcome.now(ErrorCode.REQUEST_TIMEOUT, "broker is shutting down");
        }
        ShareTransactions txns = transactions;
        if (r.transaction() != null && txns == null) {
            return Outcome.now(ErrorCode.INVALID_REQUEST, "flag 0x0020 on ShareAcknowledge is not served by this "
                    + "broker (TXN_SHARE_ACKS)");
        }
        Member mc = checkMember(principal, r.groupId(), r.memberId());
        if (mc.error() != null) {
            return CompletableFuture.completedFuture(cast(mc.error()));
        }
        ShareGroup g = mc.group();
        ShareMember m = mc.member();
        if (r.transaction() == null) {
            synchronized (g) {
                CompletableFuture<Outcome<ShareAcknowledgeResponse>> reply = acknowledgeLocked(principal, g, m, r,
                        (sp, acks, now, budget) -> sp.acknowledge(m.id, acks, now, g.settings, budget));
                g.wake();
                return reply;
            }
        }
        try {
            // Staging writes nothing by itself (B.13.11: it is durable at PrepareTxn); a write of other changes of
            // the share-partition that fails undoes it all the same, as the partition then gets 7.
            return txns.stage(r.transaction().producerId(), r.transaction().producerEpoch(), g.id, tid -> {
                synchronized (g) {
                    return acknowledgeLocked(principal, g, m, r,
                            (sp, acks, now, budget) -> sp.stage(m.id, acks, now, tid, budget));
                }
            });
        } catch (io.streambus.broker.txn.TxnException e) {
            return Outcome.now(e.errorCode(), e.getMessage());
        }
    }

    /** Applies or stages one partition's acknowledgements; returns the outcome. Called under the group's lock. */
    @FunctionalInterface
    private interface PartitionAcker {
        SharePartition.AckOutcome apply(SharePartition sp, List<Acknowledgement> acks, long now, long budget);
    }

    /**
     * The per-partition checks and acknowledgements of a ShareAcknowledge, their writes queued; the reply completes
     * once they are written. Caller holds the lock.
     */
    private CompletableFuture<Outcome<ShareAcknowledgeResponse>> acknowledgeLocked(String principal, ShareGroup g,
            ShareMember m, ShareAcknowledgeRequest r, PartitionAcker acker) {
        List<TopicPartitions.Topic<ShareAcknowledgePartitionResult>> topics = new ArrayList<>();
        List<SharePartition> acked = new ArrayList<>(); // per result, in order; null where nothing was applied
        long now = clock.getAsLong();
        long budget = MAX_UNAPPLIED_RANGES;
        Map<SharePartition, SharePartition.Undo> undos = new java.util.IdentityHashMap<>();
        try {
            for (TopicPartitions.Topic<ShareAcknowledgePartition> t : r.partitions().topics()) {
                List<ShareAcknowledgePartitionResult> parts = new ArrayList<>();
                for (ShareAcknowledgePartition p : t.partitions()) {
                    int code = g.deleted || !g.members.containsKey(m.id) ? ErrorCode.PARTITION_NOT_ASSIGNED
                            : partitionCode(principal, m, t.name(), p.partition());
                    if (code != 0) {
                        parts.add(new ShareAcknowledgePartitionResult(p.partition(), code, List.of()));
                        acked.add(null);
                        continue;
                    }
                    SharePartition sp = sharePartition(g, t.name(), p.partition());
                    recordUndo(undos, sp);
                    SharePartition.AckOutcome out = acker.apply(sp, p.acknowledgements(), now, budget);
                    budget = out.rangesLeft();
                    parts.add(new ShareAcknowledgePartitionResult(p.partition(),
                            out.unapplied().isEmpty() ? 0 : ErrorCode.INVALID_RECORD_STATE, out.unapplied()));
                    acked.add(sp);
                }
                topics.add(new TopicPartitions.Topic<>(t.name(), parts));
            }
        } finally {
            stopUndo(undos);
        }
        return acknowledgeReply(g, topics, acked, persist(g, undos, null, false));
    }

    /**
     * The ShareAcknowledge reply once {@code durable} completes: 7 on each partition whose write failed (its
     * acknowledgements were undone, B.13.6).
     */
    private CompletableFuture<Outcome<ShareAcknowledgeResponse>> acknowledgeReply(ShareGroup g,
            List<TopicPartitions.Topic<ShareAcknowledgePartitionResult>> topics, List<SharePartition> acked,
            Writes durable) {
        return durable.all().handle((v, e) -> {
            List<TopicPartitions.Topic<ShareAcknowledgePartitionResult>> out = topics;
            if (e != null) {
                out = new ArrayList<>();
                int i = 0;
                for (TopicPartitions.Topic<ShareAcknowledgePartitionResult> t : topics) {
                    List<ShareAcknowledgePartitionResult> ps = new ArrayList<>();
                    for (ShareAcknowledgePartitionResult p : t.partitions()) {
                        ps.add(durable.failed(acked.get(i++))
                                ? new ShareAcknowledgePartitionResult(p.partition(), ErrorCode.STORAGE_ERROR,
                                        List.of()) : p);
                    }
                    out.add(new TopicPartitions.Topic<>(t.name(), ps));
                }
            }
            int lock;
            synchronized (g) {
                lock = g.settings.acquisitionLockMs();
            }
            return Outcome.ok(new ShareAcknowledgeResponse(lock, new TopicPartitions<>(out)));
        });
    }

    // =========================================================================================== transactions

    /**
     * Makes share groups examine only committed data (B.13.1): below the last stable offset, skipping records of
     * aborted transactions. Call once, after open and before any request, on a broker that serves transactions.
     */
    public void readCommitted(CommittedData view) {
        this.committed = view;
    }

    /**
     * Connects the transaction coordinator (B.13.15), once, after open and before any request: records Staged by
     * a transaction that a restart found Prepared stay Staged, those of a committed one make the commit's
     * transition, and the others are handled as on lock expiry with reason BROKER_RESTART (B.13.11). With
     * {@code tc} null (no transactions served) every restored Staged record is handled so.
     *
     * @param serve whether to serve TXN_SHARE_ACKS (with a non-null {@code tc}); records of Prepared transactions
     *              are kept either way, and applied or rolled back when their transaction ends
     */
    public void attachTransactions(io.streambus.broker.txn.TransactionCoordinator tc, boolean serve) {
        ShareTransactions txns = tc == null ? null : new ShareTransactions(this, tc);
        resolveRestored(tc == null ? tid -> null : tc::state, txns);
        if (txns != null) {
            tc.registerParticipant(txns);
        }
        this.transactions = serve ? txns : null;
    }

    /**
     * Decides the restored Staged records by the state of their transaction after the restart (B.13.11): Prepared
     * keeps them (noted in {@code txns} when not null), CompleteCommit or HeuristicCommit applies the commit (the
     * restart completed a decided commit), anything else (aborted, unknown) rolls them back with reason
     * BROKER_RESTART. Package-private for tests.
     */
    void resolveRestored(java.util.function.Function<String, io.streambus.broker.txn.TxnState> states,
                         ShareTransactions txns) {
        for (ShareGroup g : groups.values()) {
            synchronized (g) {
                for (SharePartition p : g.partitions.values()) {
                    for (String tid : p.stagingTransactions()) {
                        io.streambus.broker.txn.TxnState st = states.apply(tid);
                        if (st == io.streambus.broker.txn.TxnState.PREPARED) {
                            if (txns != null) {
                                txns.staged(tid, g.id);
                            }
                        } else {
                            boolean commit = st == io.streambus.broker.txn.TxnState.COMPLETE_COMMIT
                                    || st == io.streambus.broker.txn.TxnState.HEURISTIC_COMMIT;
                            p.completeTransaction(tid, commit, ArchiveReason.BROKER_RESTART, g.settings);
                        }
                    }
                }
                persistLocked(g);
            }
        }
    }

    /** True if transactional acknowledgements (TXN_SHARE_ACKS, B.13.15) are served. */
    public boolean transactionalAcknowledgements() {
        return transactions != null;
    }

    /** The live group {@code id}, or null. */
    ShareGroup liveGroup(String id) {
        ShareGroup g = groups.get(id);
        return g == null || g.deleted ? null : g;
    }

    /** Queues a durable Staged-records record. Caller holds the group's lock. */
    CompletableFuture<Void> persistStaging(ShareStateStore.Staging s) {
        return store.appendStaging(s);
    }

    /** Queues the group's changes (see {@link #persistLocked}). Caller holds the group's lock. */
    CompletableFuture<Void> persistGroup(ShareGroup g) {
        return persistLocked(g);
    }

    // =========================================================================================== configure

    /** ShareGroupConfigure (B.13.7). */
    public CompletableFuture<Outcome<ShareGroupConfigureResponse>> configure(String principal,
                                                                          ShareGroupConfigureRequest r) {
        if (closed) {
            return Outcome.now(ErrorCode.REQUEST_TIMEOUT, "broker is shutting down");
        }
        String problem = groupIdProblem(r.groupId());
        if (problem == null && (r.changeMask() & ~ShareGroupConfigureRequest.CHANGE_ALL) != 0) {
            problem = String.format("change mask 0x%08x has bits other than 0x01 to 0x10", r.changeMask());
        }
        if (problem != null) {
            return Outcome.now(ErrorCode.INVALID_REQUEST, problem);
        }
        int mask = r.changeMask();
        boolean allowed = mask == 0 ? access.describeGroup(principal, r.groupId())
                : access.alterGroup(principal, r.groupId());
        if (!allowed) {
            return Outcome.now(ErrorCode.GROUP_AUTHORIZATION_FAILED, null);
        }
        if (consumerGroups.test(r.groupId())) {
            return mismatch(r.groupId());
        }
        if (mask == 0) {
            ShareGroup g = groups.get(r.groupId());
            if (g == null) {
                return Outcome.now(ErrorCode.UNKNOWN_CONSUMER_GROUP_ID, "share group '" + r.groupId()
                        + "' does not exist");
            }
            synchronized (g) {
                if (g.deleted) {
                    return Outcome.now(ErrorCode.UNKNOWN_CONSUMER_GROUP_ID, "share group '" + r.groupId()
                            + "' does not exist");
                }
                return CompletableFuture.completedFuture(describe(g));
            }
        }
        while (true) {
            ShareGroup existing = groups.get(r.groupId());
            ShareGroupSettings base = existing == null ? config.defaults() : existing.settings;
            ShareGroupSettings next = merged(base, r);
            String bad = next.problem();
            if (bad != null) {
                return Outcome.now(ErrorCode.INVALID_GROUP_CONFIG, bad);
            }
            if (r.changes(ShareGroupConfigureRequest.CHANGE_DEAD_LETTER_TOPIC) && !r.deadLetterTopic().isEmpty()
                    && !access.writeTopic(principal, r.deadLetterTopic())) {
                return Outcome.now(ErrorCode.AUTHORIZATION_FAILED, "not authorized to write to dead-letter topic '"
                        + r.deadLetterTopic() + "'");
            }
            boolean[] created = {false};
            ShareGroup g = groups.computeIfAbsent(r.groupId(), id -> {
                created[0] = true;
                return new ShareGroup(id, config.defaults());
            });
            synchronized (g) {
                if (g.deleted) {
                    continue;
                }
                ShareGroupSettings old = g.settings;
                g.settings = merged(g.settings, r);
                Outcome<ShareGroupConfigureResponse> reply = describe(g);
                if (reply.errorCode() != 0) {
                    g.settings = old;
                    return CompletableFuture.completedFuture(reply);
                }
                // Undone if the write fails (B.13.7, B.13.11): the reply is then 7 and the settings as they were.
                ShareGroup.Change change = new ShareGroup.Change();
                change.settings(old);
                if (created[0]) {
                    change.created(() -> groups.remove(g.id, g));
                }
                CompletableFuture<Void> durable = undoable(g, store.appendSettings(g.id, g.settings), null, null,
                        change);
                return whenDurable(List.of(durable), () -> reply);
            }
        }
    }

    private static ShareGroupSettings merged(ShareGroupSettings s, ShareGroupConfigureRequest r) {
        return new ShareGroupSettings(
                r.changes(ShareGroupConfigureRequest.CHANGE_MAX_DELIVERY_ATTEMPTS) ? r.maxDeliveryAttempts()
                        : s.maxDeliveryAttempts(),
                r.changes(ShareGroupConfigureRequest.CHANGE_ACQUISITION_LOCK_MS) ? r.acquisitionLockMs()
                        : s.acquisitionLockMs(),
                r.changes(ShareGroupConfigureRequest.CHANGE_DEAD_LETTER_TOPIC) ? r.deadLetterTopic()
                        : s.deadLetterTopic(),
                r.changes(ShareGroupConfigureRequest.CHANGE_AUTO_OFFSET_RESET) ? r.autoOffsetReset()
                        : s.autoOffsetReset(),
                r.changes(ShareGroupConfigureRequest.CHANGE_MAX_IN_FLIGHT_RECORDS) ? r.maxInFlightRecords()
                        : s.maxInFlightRecords());
    }

    /** The ShareGroupConfigure reply for {@code g}; 12 if it would not fit a frame. Caller holds the lock. */
    private Outcome<ShareGroupConfigureResponse> describe(ShareGroup g) {
        TreeMap<String, List<SharePartitionState>> map = new TreeMap<>();
        long size = 64 + utf8Length(g.settings.deadLetterTopic());
        for (SharePartition p : g.partitions.values()) {
            long stable = logs.partitionCount(p.topic) > p.partition
                    ? committed.stableOffset(logs.partition(p.topic, p.partition)) : p.speo();
            long inFlight = p.speo() - p.spso();
            List<SharePartitionState> list = map.computeIfAbsent(p.topic, t -> new ArrayList<>());
            if (list.isEmpty()) {
                size += 8 + utf8Length(p.topic);
            }
            list.add(new SharePartitionState(p.partition, p.spso(), inFlight,
                    inFlight >= g.settings.maxInFlightRecords() && stable > p.speo()));
            size += 17;
        }
        if (size > Frames.MAX_FRAME_SIZE - Frames.RESPONSE_HEADER_SIZE - Frames.CRC_SIZE) {
            return Outcome.error(ErrorCode.MESSAGE_TOO_LARGE, "the share group has too many share-partitions "
                    + "to describe in one frame");
        }
        for (List<SharePartitionState> l : map.values()) {
            l.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
        }
        ShareGroupSettings s = g.settings;
        return Outcome.ok(new ShareGroupConfigureResponse(g.stateName(), g.members.size(), s.maxDeliveryAttempts(),
                s.acquisitionLockMs(), s.deadLetterTopic(), s.autoOffsetReset(), s.maxInFlightRecords(),
                TopicPartitions.of(map)));
    }

    // =========================================================================================== administration

    /** True if {@code groupId} names a share group (B.13.3: consumer-group requests then get 50). */
    public boolean exists(String groupId) {
        return groups.containsKey(groupId);
    }

    /** True if {@code principal} has the group read right on {@code groupId} (checked before code 50). */
    public boolean mayRead(String principal, String groupId) {
        return access.readGroup(principal, groupId);
    }

    /**
     * DeleteGroups of one share group (B.13.3), already authorized: 46 with members or Staged records, else deleted with its
     * configuration and share-partitions; completes with 0 once the deletion is durable. Null if the id names no
     * share group.
     */
    public CompletableFuture<Integer> delete(String groupId) {
        ShareGroup g = groups.get(groupId);
        if (g == null) {
            return null;
        }
        synchronized (g) {
            if (g.deleted) {
                return null;
            }
            if (!g.members.isEmpty() || g.partitions.values().stream().anyMatch(SharePartition::hasStaged)) {
                return CompletableFuture.completedFuture(ErrorCode.NON_EMPTY_GROUP); // B.13.3, B.13.15
            }
            g.deleted = true;
            groups.remove(groupId, g);
            return store.appendDeleteGroup(groupId).handle((v, e) -> e == null ? ErrorCode.NONE
                    : ErrorCode.STORAGE_ERROR);
        }
    }

    /** ListGroups (B.13.3): share groups with the prefix, in one of {@code states} (empty: all), describable. */
    public List<Listing> list(String principal, String prefix, List<String> states) {
        List<Listing> out = new ArrayList<>();
        for (ShareGroup g : groups.values()) {
            if (!g.id.startsWith(prefix)) {
                continue;
            }
            String state;
            synchronized (g) {
                if (g.deleted) {
                    continue;
                }
                state = g.stateName();
            }
            if ((states.isEmpty() || states.contains(state)) && access.describeGroup(principal, g.id)) {
                out.add(new Listing(g.id, state));
            }
        }
        return out;
    }

    /** A topic was deleted: its share-partitions go, in every group (B.13.1). Completes when durable. */
    public CompletableFuture<Void> topicDeleted(String topic) {
        for (ShareGroup g : groups.values()) {
            synchronized (g) {
                g.partitions.values().removeIf(p -> p.topic.equals(topic));
                if (g.subscribed(topic)) {
                    g.awaitedTopics.add(topic); // created again: a new topic, read from its start
                }
            }
        }
        return store.appendDeleteTopic(topic);
    }

    // =========================================================================================== background

    private void scheduleSweep() {
        try {
            worker.execute(this::sweep);
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    /** Ends expired sessions and passed locks (B.13.4, B.13.8), and persists what changed. */
    void sweep() {
        if (closed) {
            return;
        }
        long now = clock.getAsLong();
        for (ShareGroup g : groups.values()) {
            try {
                synchronized (g) {
                    if (g.deleted) {
                        continue;
                    }
                    for (ShareMember m : new ArrayList<>(g.members.values())) {
                        if (m.heldFetches == 0 && m.deadlineMs <= now) {
                            LOG.info("share group '{}': member {} expired", g.id, m.id);
                            removeMember(g, m, now);
                        }
                    }
                    boolean released = false;
                    for (SharePartition p : g.partitions.values()) {
                        released |= p.expire(now, null, g.settings);
                    }
                    persistLocked(g);
                    if (released) {
                        g.wake();
                    }
                }
            } catch (RuntimeException e) {
                LOG.error("share group '{}': sweep failed", g.id, e);
            }
        }
    }

    private void copied(String group, String topic, int partition, long offset) {
        ShareGroup g = groups.get(group);
        if (g == null) {
            return;
        }
        synchronized (g) {
            SharePartition p = g.partition(topic, partition);
            if (!g.deleted && p != null) {
                p.copied(offset);
                persistLocked(g);
            }
        }
    }

    /**
     * Queues the group's changes to the store and starts the dead-letter copies once they are durable. Caller holds
     * the lock (so the log order is the order of the changes).
     */
    private CompletableFuture<Void> persistLocked(ShareGroup g) {
        return persist(g, Map.of(), null, false).all();
    }

    /**
     * The writes of one {@link #persist}: all of them, and each share-partition's. Immutable.
     *
     * @param all         completes when every write completed, exceptionally if one failed
     * @param byPartition each written share-partition's write, completed after its undo if it failed
     * @param count       the number of writes queued
     */
    private record Writes(CompletableFuture<Void> all, Map<SharePartition, CompletableFuture<Void>> byPartition,
                          int count) {
        /** True if the write of {@code sp} failed; call once {@link #all} completed. */
        boolean failed(SharePartition sp) {
            CompletableFuture<Void> f = sp == null ? null : byPartition.get(sp);
            return f != null && f.isCompletedExceptionally();
        }
    }

    /**
     * Queues the group's changes to the store, one write per changed share-partition (after the group's settings
     * if {@code settings}), and starts each one's dead-letter copies once its write is durable. The changes that
     * {@code undos} remembered for a share-partition (the acknowledgements or acquisitions of the request being
     * answered) are undone if its write fails, before its future completes (B.13.8: acknowledgements that cannot be
     * made durable are not applied); the request's changes to the group itself ({@code change}, may be null) are
     * undone if its last write fails, which every earlier failure implies (the store is fail-stop). Caller holds the
     * lock (so the log order is the order of the changes) and has stopped the undo records.
     */
    private Writes persist(ShareGroup g, Map<SharePartition, SharePartition.Undo> undos, ShareGroup.Change change,
                           boolean settings) {
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        Map<SharePartition, CompletableFuture<Void>> byPartition = undos.isEmpty() ? Map.of()
                : new java.util.IdentityHashMap<>();
        List<DeadLetterWriter.Job> copyNow = new ArrayList<>();
        List<SharePartition> changed = new ArrayList<>();
        List<ShareStateStore.Delta> deltas = new ArrayList<>();
        List<List<DeadLetterWriter.Job>> copies = new ArrayList<>();
        for (SharePartition p : g.partitions.values()) {
            if (logs.partitionCount(p.topic) > p.partition) {
                p.advance(logs.partition(p.topic, p.partition).startOffset());
            }
            ShareStateStore.Delta d = p.drainChanges(g.id);
            List<DeadLetterWriter.Job> jobs = new ArrayList<>();
            for (long o : p.takeCopies()) {
                SharePartition.Rec r = p.get(o);
                if (r != null && r.state == RecordState.ARCHIVING) {
                    jobs.add(new DeadLetterWriter.Job(g.id, g.settings.deadLetterTopic().isEmpty() ? p.topic
                            : g.settings.deadLetterTopic(), p.topic, p.partition, o, r.count, r.reason));
                }
            }
            if (d == null) {
                copyNow.addAll(jobs); // after the loop: a copy's completion persists the group again
                continue;
            }
            changed.add(p);
            deltas.add(d);
            copies.add(jobs);
        }
        // Known before queueing: a write that fails at once is settled (and undone) while it is being queued.
        int writes = (settings ? 1 : 0) + deltas.size();
        if (settings) {
            fs.add(undoable(g, store.appendSettings(g.id, g.settings), null, null, writes == 1 ? change : null));
        }
        for (int k = 0; k < deltas.size(); k++) {
            SharePartition p = changed.get(k);
            SharePartition.Undo undo = undos.get(p);
            CompletableFuture<Void> f = undoable(g, store.appendDelta(deltas.get(k)), p,
                    undo != null && !undo.isEmpty() ? undo : null, k == deltas.size() - 1 ? change : null);
            List<DeadLetterWriter.Job> jobs = copies.get(k);
            if (!jobs.isEmpty()) {
                f.thenRun(() -> startCopies(jobs)); // an undone REJECT is never copied
            }
            fs.add(f);
            if (undos.containsKey(p)) {
                byPartition.put(p, f);
            }
        }
        startCopies(copyNow);
        return new Writes(CompletableFuture.allOf(fs.toArray(new CompletableFuture<?>[0])), byPartition, writes);
    }

    /**
     * The write {@code f} just queued, noted in the group with what undoes it ({@code undo} of {@code p}, and
     * {@code change}) if anything does; the returned future completes after the undo if the write failed. Caller
     * holds the lock and queued {@code f} in the same critical section.
     */
    private static CompletableFuture<Void> undoable(ShareGroup g, CompletableFuture<Void> f, SharePartition p,
                                                    SharePartition.Undo undo, ShareGroup.Change change) {
        if (undo == null && change == null) {
            return f;
        }
        ShareGroup.Pending e = g.queued(p, undo, change);
        // Settled in queue order on the store's writer thread (or at once here if the store already failed).
        return f.whenComplete((v, ex) -> {
            List<CompletableFuture<Void>> barriers;
            synchronized (g) {
                barriers = ex == null ? g.written(e) : g.failed(e);
            }
            for (CompletableFuture<Void> b : barriers) {
                if (ex == null) {
                    b.complete(null);
                } else {
                    b.completeExceptionally(ex);
                }
            }
        });
    }

    private void startCopies(List<DeadLetterWriter.Job> jobs) {
        for (DeadLetterWriter.Job j : jobs) {
            if (j.deadLetterTopic().equals(j.topic())) {
                copied(j.group(), j.topic(), j.partition(), j.offset()); // topic changed meanwhile: no loop
            } else {
                deadLetters.submit(j);
            }
        }
    }

    /**
     * Starts remembering what the request being applied changes in {@code sp} (see {@link #persist}). Caller holds
     * the lock.
     */
    private static void recordUndo(Map<SharePartition, SharePartition.Undo> undos, SharePartition sp) {
        undos.computeIfAbsent(sp, SharePartition::recordUndo);
    }

    private static void stopUndo(Map<SharePartition, SharePartition.Undo> undos) {
        undos.keySet().forEach(SharePartition::stopUndo);
    }

    private <T> CompletableFuture<Outcome<T>> whenDurable(List<CompletableFuture<Void>> durable,
                                                          java.util.function.Supplier<Outcome<T>> reply) {
        return CompletableFuture.allOf(durable.toArray(new CompletableFuture<?>[0])).handle((v, e) -> {
            if (e != null) {
                return Outcome.error(ErrorCode.STORAGE_ERROR, "the share group state could not be made durable: "
                        + e.getMessage());
            }
            return reply.get();
        });
    }

    /** Stops the sweep and dead-letter retries, then writes what is queued and closes the store. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        sweep.cancel(false);
        deadLetters.close();
        store.close();
    }

    // =========================================================================================== helpers

    private static <T> CompletableFuture<Outcome<T>> mismatch(String groupId) {
        return Outcome.now(ErrorCode.GROUP_TYPE_MISMATCH, "group '" + groupId
                + "' is a group of the other type (share groups and consumer groups share one namespace)");
    }

    @SuppressWarnings("unchecked")
    private static <T> Outcome<T> cast(Outcome<?> o) {
        return (Outcome<T>) o;
    }

    private static String groupIdProblem(String id) {
        if (id.isEmpty()) {
            return "group id is empty";
        }
        if (utf8Length(id) > MAX_GROUP_ID_BYTES) {
            return "group id is over " + MAX_GROUP_ID_BYTES + " bytes";
        }
        return null;
    }

    static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
