package io.streambus.broker.group;

import io.streambus.broker.limits.LogText;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.PartitionIds;
import io.streambus.protocol.group.Utf8Order;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The offset side of the group coordinator: committed offsets (OffsetCommit B.6.8, OffsetFetch B.6.9, offsets of
 * committed transactions B.7.5), their retention (B.6.8), the cleanup after a topic is deleted, and the durable
 * deletion of groups. It owns the durable {@link OffsetStore} (closing it on {@link #close()} when told to) and
 * recovers the stored groups at construction.
 *
 * <p>It checks nothing that the {@link GroupCoordinator} façade checks (request validity, group authorization);
 * per-topic authorization is handed in as a predicate, so that the façade stays the only place that asks the
 * {@link GroupAuthorizer}. Membership rules reach it the same way ({@link CommitterCheck}).
 *
 * <p>Thread-safe: state changes run under the group's lock; durable writes go to the store's writer thread and
 * retention timers run on the {@link GroupTimer}. Futures never complete under a group lock.
 */
final class OffsetManager {

    private static final Logger log = LoggerFactory.getLogger(OffsetManager.class);

    /**
     * The membership checks of a member's commit (generation &ge; 0), run under the group lock before anything is
     * stored; returns a wire code, 0 to go on.
     */
    @FunctionalInterface
    interface CommitterCheck {
        int check(Group g, String memberId, int generation);
    }

    private final GroupCoordinatorConfig config;
    private final OffsetStore store;
    private final boolean ownsStore;
    private final TopicMetadata topics;
    private final GroupTimer timer;
    private final GroupRegistry groups;
    private volatile boolean closed;

    /**
     * Recovers the groups of {@code store} into {@code groups}: they come back Empty (membership does not survive a
     * restart, B.6.1), with their retention countdowns armed.
     *
     * @param ownsStore whether {@link #close()} closes the store
     */
    OffsetManager(GroupCoordinatorConfig config, OffsetStore store, boolean ownsStore, TopicMetadata topics,
                  GroupTimer timer, GroupRegistry groups) {
        this.config = config;
        this.store = store;
        this.ownsStore = ownsStore;
        this.topics = topics;
        this.timer = timer;
        this.groups = groups;
        recoverGroups();
    }

    private void recoverGroups() {
        long wallNow = timer.wallClockMs();
        int n = 0;
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
            groups.add(g);
            n++;
            synchronized (g) {
                scheduleRetention(g);
            }
        }
        if (n > 0) {
            log.info("recovered {} consumer groups from the offsets log", n);
        }
    }

    // =========================================================================================== lifecycle hooks

    /** The group just became Empty: store its "Empty since" and start the retention countdown. Caller holds the lock. */
    void groupEmptied(Group g) {
        persistGroupState(g);
        scheduleRetention(g);
    }

    /** The group just left Empty (a member joined): stop the countdown and store that it has members. Caller holds the lock. */
    void groupActivated(Group g) {
        g.cancelRetention();
        persistGroupState(g);
    }

    // =========================================================================================== OffsetCommit

    /**
     * OffsetCommit (B.6.8) of a request the façade has validated and authorized at group level. Completes once the
     * accepted offsets are durable.
     *
     * @param generation      the member's generation, or -1 for a standalone commit (member id ignored)
     * @param topicAuthorized whether the principal may commit offsets of a topic (code 29 per partition otherwise)
     * @param committer       membership checks of a member's commit
     */
    CompletableFuture<OffsetCommitResult> commit(String groupId, int generation, String memberId,
                                                 List<TopicData<CommitPartition>> offsets,
                                                 Predicate<String> topicAuthorized, CommitterCheck committer) {
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
                        int code = committer.check(g, memberId, generation);
                        if (code != ErrorCode.NONE) {
                            c.complete(f, commitResult(offsets, Map.of(), code));
                        } else {
                            pending = storeCommit(g, topicAuthorized, offsets, f, c);
                        }
                    }
                }
            } else {
                while (true) {
                    g = groups.getOrCreate(groupId); // created Empty, protocol type ""
                    synchronized (g) {
                        if (g.state() == GroupState.DEAD) {
                            continue;
                        }
                        if (!g.members.isEmpty()) {
                            c.complete(f, commitResult(offsets, Map.of(), ErrorCode.ILLEGAL_GENERATION));
                        } else {
                            pending = storeCommit(g, topicAuthorized, offsets, f, c);
                        }
                    }
                    break;
                }
            }
        } catch (RuntimeException e) {
            GroupCoordinator.fail(f, "OffsetCommit", groupId, e);
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
    private PendingCommit storeCommit(Group g, Predicate<String> topicAuthorized,
                                      List<TopicData<CommitPartition>> offsets,
                                      CompletableFuture<OffsetCommitResult> f, Completions c) {
        long wallNow = timer.wallClockMs();
        Map<TopicPartition, Integer> codes = new HashMap<>();
        Map<TopicPartition, CommittedOffset> accepted = new HashMap<>();
        for (TopicData<CommitPartition> td : offsets) {
            int count = topics.partitionCount(td.topic());
            boolean authorized = count < 0 || topicAuthorized.test(td.topic());
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
                } else if (GroupCoordinator.utf8Length(metadata) > GroupCoordinator.MAX_METADATA_BYTES) {
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
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        boolean overloaded = cause instanceof OffsetStoreOverloadedException;
        if (overloaded) {
            // Back-pressure, not a fault: nothing was stored and the client retries on 6 (logged per refusal
            // would flood the log exactly when the disk is slow).
            log.debug("group {}: commit refused: {}", LogText.safe(g.id), cause.getMessage());
        } else if (error != null) {
            log.warn("group {}: committed offsets could not be stored: {}", LogText.safe(g.id), error.toString());
        }
        try {
            synchronized (g) {
                g.pendingWrites--;
                if (g.state() == GroupState.EMPTY) {
                    scheduleRetention(g); // standalone partitions' expiry, or a postponed expiry
                }
            }
        } catch (RuntimeException e) {
            log.error("group {}: after commit", LogText.safe(g.id), e);
        }
        p.f().complete(overloaded ? OffsetCommitResult.error(ErrorCode.REQUEST_TIMEOUT)
                : commitResult(p.offsets(), p.codes(), error == null ? ErrorCode.NONE : ErrorCode.STORAGE_ERROR));
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
     * Stores offsets that a committed transaction staged (B.7.5), creating the group (Empty, empty protocol type)
     * if it does not exist. The caller has validated them. Completes once durable; fails with the storage error
     * otherwise.
     */
    CompletableFuture<Void> applyTransactionOffsets(String groupId, List<TopicData<CommitPartition>> offsets) {
        long wallNow = timer.wallClockMs();
        Map<TopicPartition, CommittedOffset> accepted = new HashMap<>();
        for (TopicData<CommitPartition> td : offsets) {
            for (CommitPartition p : td.partitions()) {
                accepted.put(new TopicPartition(td.topic(), p.partition()),
                        new CommittedOffset(p.offset(), p.metadata() == null ? "" : p.metadata(), wallNow));
            }
        }
        while (true) {
            Group g = groups.getOrCreate(groupId);
            CompletableFuture<Void> write;
            synchronized (g) {
                if (g.state() == GroupState.DEAD) {
                    continue;
                }
                g.pendingWrites++;
                write = store.commitRequired(g.id, accepted); // the transaction is committed: not refusable
            }
            return write.whenComplete((v, e) -> commitDone(g, new PendingCommit(write, List.of(), Map.of(),
                    new CompletableFuture<>()), e));
        }
    }

    // =========================================================================================== OffsetFetch

    private static final Comparator<FetchedOffset> BY_PARTITION = Comparator.comparingInt(FetchedOffset::partition);

    /**
     * OffsetFetch (B.6.9) of a request the façade has validated and authorized at group level. Reads the durable
     * committed offsets; never creates a group and is not a sign of life.
     *
     * @param wanted          an empty list means every committed offset of the group; a topic with an empty
     *                        partition list means every committed partition of that topic
     * @param topicAuthorized whether the principal may fetch offsets of a topic
     */
    OffsetFetchResult fetch(String groupId, List<TopicData<Integer>> wanted, Predicate<String> topicAuthorized) {
        Group g = groups.get(groupId);
        boolean exists = false;
        if (g != null) {
            synchronized (g) {
                exists = g.state() != GroupState.DEAD;
            }
        }
        Map<TopicPartition, CommittedOffset> committed = exists ? store.offsets(groupId) : Map.of();
        // Per topic a list sorted by partition at the end: no Integer key per partition (issue 16 item 3).
        TreeMap<String, List<FetchedOffset>> out = new TreeMap<>(Utf8Order.STRINGS);
        if (wanted.isEmpty()) {
            // Every committed offset; topics the principal may not read are left out rather than revealed.
            Map<String, Boolean> allowed = new HashMap<>();
            committed.forEach((tp, o) -> {
                if (allowed.computeIfAbsent(tp.topic(), topicAuthorized::test)) {
                    out.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(
                            new FetchedOffset(tp.partition(), o.offset(), o.metadata(), ErrorCode.NONE));
                }
            });
        } else {
            for (TopicData<Integer> td : wanted) {
                boolean authorized = topicAuthorized.test(td.topic());
                List<FetchedOffset> list = out.computeIfAbsent(td.topic(), t -> new ArrayList<>());
                List<Integer> ids = td.partitions();
                if (ids.isEmpty()) {
                    for (Map.Entry<TopicPartition, CommittedOffset> e : committed.entrySet()) {
                        TopicPartition tp = e.getKey();
                        if (tp.topic().equals(td.topic())) {
                            list.add(authorized
                                    ? new FetchedOffset(tp.partition(), e.getValue().offset(), e.getValue().metadata(),
                                            ErrorCode.NONE)
                                    : new FetchedOffset(tp.partition(), -1, "", ErrorCode.AUTHORIZATION_FAILED));
                        }
                    }
                    continue;
                }
                for (int i = 0, n = ids.size(); i < n; i++) {
                    int p = PartitionIds.intAt(ids, i);
                    CommittedOffset o = committed.get(new TopicPartition(td.topic(), p));
                    FetchedOffset r;
                    if (!authorized) {
                        r = new FetchedOffset(p, -1, "", ErrorCode.AUTHORIZATION_FAILED);
                    } else if (o == null) {
                        r = new FetchedOffset(p, -1, "", ErrorCode.NONE);
                    } else {
                        r = new FetchedOffset(p, o.offset(), o.metadata(), ErrorCode.NONE);
                    }
                    list.add(r);
                }
            }
        }
        List<TopicData<FetchedOffset>> result = new ArrayList<>(out.size());
        out.forEach((topic, list) -> {
            list.sort(BY_PARTITION);
            result.add(new TopicData<>(topic, List.copyOf(list)));
        });
        return new OffsetFetchResult(ErrorCode.NONE, List.copyOf(result));
    }

    // =========================================================================================== deletion

    /**
     * Deletes one group (B.6.12) that the façade has authorized: 69 if it does not exist, 68 if it has members,
     * else it ceases to exist at once and the future completes when the deletion is durable.
     */
    CompletableFuture<GroupResult> deleteGroup(String id) {
        Group g = groups.get(id);
        if (g == null) {
            return CompletableFuture.completedFuture(new GroupResult(id, ErrorCode.UNKNOWN_CONSUMER_GROUP_ID));
        }
        CompletableFuture<Void> write;
        synchronized (g) {
            if (g.state() == GroupState.DEAD) {
                return CompletableFuture.completedFuture(new GroupResult(id, ErrorCode.UNKNOWN_CONSUMER_GROUP_ID));
            }
            if (g.state() != GroupState.EMPTY) {
                return CompletableFuture.completedFuture(new GroupResult(id, ErrorCode.NON_EMPTY_GROUP));
            }
            groups.remove(g);
            write = store.deleteGroup(id);
        }
        log.info("group {} deleted", LogText.safe(id));
        return write.handle((v, e) -> {
            if (e != null) {
                log.warn("group {}: deletion could not be stored: {}", LogText.safe(id), e.toString());
            }
            return new GroupResult(id, e == null ? ErrorCode.NONE : ErrorCode.STORAGE_ERROR);
        });
    }

    /**
     * A topic was deleted: its committed offsets are deleted in every group (B.6.8). Completes when durable.
     */
    CompletableFuture<Void> topicDeleted(String topic) {
        return store.deleteTopic(topic).whenComplete((v, e) -> {
            if (e != null) {
                log.warn("offsets of deleted topic {} could not be removed: {}", topic, e.toString());
                return;
            }
            for (Group g : groups.all()) {
                synchronized (g) {
                    if (g.state() == GroupState.EMPTY && g.isStandaloneOnly()) {
                        scheduleRetention(g); // a standalone group without offsets left ceases to exist
                    }
                }
            }
        });
    }

    // =========================================================================================== retention

    private void persistGroupState(Group g) {
        long emptySince = g.state() == GroupState.EMPTY ? g.emptySinceWallMs : -1;
        store.putGroup(g.id, new StoredGroup(g.protocolType, emptySince)).whenComplete((v, e) -> {
            if (e != null) {
                log.warn("group {}: state could not be stored: {}", LogText.safe(g.id), e.toString());
            }
        });
    }

    /** (Re)arms the retention countdown of an Empty group (B.6.8). Caller holds the lock. */
    private void scheduleRetention(Group g) {
        g.cancelRetention();
        if (g.state() != GroupState.EMPTY) {
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

    /** A standalone-only group with no offsets and nothing pending ceases to exist. Caller holds the lock. */
    private boolean maybeDropStandalone(Group g) {
        if (g.state() == GroupState.EMPTY && g.isStandaloneOnly() && g.pendingWrites == 0
                && store.offsets(g.id).isEmpty() && store.storedGroup(g.id) == null) {
            groups.remove(g);
            log.debug("standalone group {} has no committed offsets left and ceases to exist", LogText.safe(g.id));
            return true;
        }
        return false;
    }

    private void onRetention(Group g, long seq) {
        try {
            synchronized (g) {
                if (closed || g.retentionTimerSeq != seq || g.state() != GroupState.EMPTY) {
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
                    groups.remove(g);
                    log.info("group {} expired after {} ms Empty; its offsets are deleted", LogText.safe(g.id),
                            retentionMs);
                    store.deleteGroup(g.id).whenComplete((v, e) -> {
                        if (e != null) {
                            log.warn("group {}: expiry could not be stored: {}", LogText.safe(g.id), e.toString());
                        }
                    });
                    return;
                }
                expirePartitions(g, retentionMs, now);
            }
        } catch (RuntimeException e) {
            log.error("group {}: retention timer failed", LogText.safe(g.id), e);
        }
    }

    /** Deletes the standalone group's offsets older than the retention. Caller holds the lock. */
    private void expirePartitions(Group g, long retentionMs, long now) {
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
        log.info("group {}: offsets of {} partitions expired", LogText.safe(g.id), expired.size());
        g.pendingWrites++;
        store.deletePartitions(g.id, expired).whenComplete((v, e) -> {
            if (e != null) {
                log.warn("group {}: offset expiry could not be stored: {}", LogText.safe(g.id), e.toString());
            }
            synchronized (g) {
                g.pendingWrites--;
                if (g.state() == GroupState.EMPTY) {
                    scheduleRetention(g);
                }
            }
        });
    }

    /** Cancels every retention countdown and, if owned, closes the store (queued writes finish). */
    void close() {
        closed = true;
        for (Group g : groups.all()) {
            synchronized (g) {
                g.cancelRetention();
            }
        }
        if (ownsStore) {
            store.close();
        }
    }
}
