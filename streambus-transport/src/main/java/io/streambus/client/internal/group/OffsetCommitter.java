package io.streambus.client.internal.group;

import io.streambus.client.AuthorizationException;
import io.streambus.client.BrokerErrorException;
import io.streambus.client.Futures;
import io.streambus.client.StreamBusException;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.client.internal.Time;
import io.streambus.client.internal.net.Errors;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.PartitionOffset;
import io.streambus.protocol.PartitionOffsetResult;
import io.streambus.protocol.PartitionResult;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.group.OffsetCommitRequest;
import io.streambus.protocol.group.OffsetCommitResponse;
import io.streambus.protocol.group.OffsetFetchRequest;
import io.streambus.protocol.group.OffsetFetchResponse;
import io.streambus.protocol.group.Utf8Order;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offsets half of a group consumer: OffsetCommit with the member's generation (B.6.8) for commitSync,
 * commitAsync and auto-commit (every interval, on revocation, on close), and OffsetFetch (B.6.9) of committed
 * offsets. Membership codes in commit results go to {@link GroupMembership#onMembershipError} (B.6.11).
 *
 * <p>Auto-commit commits the positions of owned partitions that changed since they were last known to be
 * committed; a synchronous commit first waits (bounded) for the auto-commit in flight, so that older offsets cannot
 * land after newer ones.
 *
 * <p>Thread-safety: {@link #commitAsync} and the completion of commits may run on any thread; the other methods
 * belong to the consumer thread.
 */
final class OffsetCommitter {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetCommitter.class);
    /** Margin over a commit's deadline for waiting on it (the network fails it at the deadline first). */
    private static final long WAIT_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final String groupId;
    private final GroupSettings settings;
    private final GroupNetwork network;
    private final GroupMembership membership;
    private final Time time;
    private final Supplier<Map<TopicPartition, Long>> positions;

    // ---- consumer thread only -------------------------------------------------------------------------------------
    private long nextAutoCommit;
    /** The last auto-commit, so that a later synchronous commit is not overtaken by it. */
    private CompletableFuture<Void> autoCommitInFlight = CompletableFuture.completedFuture(null);

    /** Offsets known to be committed (auto-commit skips unchanged partitions); completions of commits write it. */
    private final Map<TopicPartition, Long> committedPositions = new ConcurrentHashMap<>();

    /**
     * @param positions the fetch positions (next offset poll returns) of assigned partitions: what auto-commit and
     *                  {@link #commitPositions} commit
     */
    OffsetCommitter(String groupId, GroupSettings settings, GroupNetwork network, GroupMembership membership,
                    Time time, Supplier<Map<TopicPartition, Long>> positions) {
        this.groupId = groupId;
        this.settings = settings;
        this.network = network;
        this.membership = membership;
        this.time = time;
        this.positions = positions;
    }

    /** An assignment was applied with these committed offsets: they are known, the auto-commit interval restarts. */
    void assigned(Map<TopicPartition, OffsetAndMetadata> committed) {
        committedPositions.clear();
        committed.forEach((tp, om) -> committedPositions.put(tp, om.offset()));
        nextAutoCommit = time.nanoTime() + settings.autoCommitIntervalNanos();
    }

    /** Every partition was given up. */
    void released() {
        committedPositions.clear();
    }

    /** Auto-commit (asynchronous) if enabled and the interval has passed. */
    void maybeAutoCommit() {
        if (!settings.autoCommit() || time.nanoTime() - nextAutoCommit < 0) {
            return;
        }
        nextAutoCommit = time.nanoTime() + settings.autoCommitIntervalNanos();
        Map<TopicPartition, OffsetAndMetadata> offsets = changedPositions();
        if (offsets.isEmpty()) {
            return;
        }
        CompletableFuture<Void> f;
        try {
            f = commit(offsets, time.nanoTime() + settings.requestTimeoutNanos());
        } catch (IllegalStateException e) {
            f = CompletableFuture.failedFuture(e);
        }
        autoCommitInFlight = f.whenComplete((v, e) -> {
            if (e != null) {
                LOG.warn("group {}: auto-commit failed: {}", groupId, Errors.unwrap(e).toString());
            }
        });
    }

    /**
     * Auto-commit on revocation (B.6.1: a member SHOULD commit what it processed before rejoining): commits the
     * positions if auto-commit is enabled. A failure is logged; the rebalance goes on.
     */
    void commitOnRevocation(long deadlineNanos) {
        if (!settings.autoCommit()) {
            return;
        }
        try {
            commitPositions(deadlineNanos);
        } catch (RuntimeException e) {
            LOG.warn("group {}: commit on revocation failed: {}", groupId, e.toString());
        }
    }

    /** Commits the changed positions of owned partitions and waits, until {@code deadlineNanos}. */
    void commitPositions(long deadlineNanos) {
        awaitAutoCommit(deadlineNanos);
        Map<TopicPartition, OffsetAndMetadata> offsets = changedPositions();
        if (!offsets.isEmpty()) {
            await(commit(offsets, deadlineNanos), deadlineNanos, "OffsetCommit");
        }
    }

    /** Commits {@code offsets} and waits, until {@code deadlineNanos}. */
    void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, long deadlineNanos) {
        if (offsets.isEmpty()) {
            return;
        }
        await(commit(offsets, deadlineNanos), deadlineNanos, "OffsetCommit");
    }

    /** Commits {@code offsets} without waiting (deadline: the API timeout). Any thread. */
    CompletableFuture<Void> commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (offsets.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            return commit(Map.copyOf(offsets), time.nanoTime() + settings.apiTimeoutNanos());
        } catch (IllegalStateException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Waits (bounded) for the last auto-commit, so that older offsets cannot land after newer ones. */
    private void awaitAutoCommit(long deadlineNanos) {
        try {
            autoCommitInFlight.get(Math.max(0, deadlineNanos - time.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // logged by the auto-commit itself; the commit that follows supersedes it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamBusException("interrupted while waiting for an auto-commit", e);
        }
    }

    /** Positions of owned partitions that differ from what is known to be committed. */
    private Map<TopicPartition, OffsetAndMetadata> changedPositions() {
        Set<TopicPartition> mine = membership.owned();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        positions.get().forEach((tp, pos) -> {
            if (mine.contains(tp) && !pos.equals(committedPositions.get(tp))) {
                offsets.put(tp, new OffsetAndMetadata(pos));
            }
        });
        return offsets;
    }

    /**
     * Sends OffsetCommit with the current generation. Per-partition codes become exceptions; membership codes
     * (20, 22, 24, 28) also start the B.6.11 reaction. Completes on an I/O thread.
     *
     * @throws IllegalStateException if the member holds no generation
     */
    private CompletableFuture<Void> commit(Map<TopicPartition, OffsetAndMetadata> offsets, long deadlineNanos) {
        GroupMembership.Generation g = membership.generation();
        if (!g.isValid()) {
            throw new IllegalStateException("cannot commit offsets for group '" + groupId + "': this member holds "
                    + "no generation of the group (not joined yet, or removed by the broker and rejoining); commit "
                    + "after partitions are assigned");
        }
        int gen = g.id();
        Map<String, List<PartitionOffset>> byTopic = new TreeMap<>(Utf8Order.STRINGS);
        offsets.forEach((tp, om) -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>())
                .add(new PartitionOffset(tp.partition(), om.offset(), om.metadata())));
        OffsetCommitRequest req = new OffsetCommitRequest(groupId, gen, g.memberId(), TopicPartitions.of(byTopic));
        return network.call(req, OffsetCommitResponse.class, deadlineNanos).thenApply(resp -> {
            Map<TopicPartition, Integer> failed = new TreeMap<>();
            for (TopicPartitions.Topic<PartitionResult> t : resp.results().topics()) {
                for (PartitionResult pr : t.partitions()) {
                    if (pr.errorCode() != 0) {
                        failed.put(new TopicPartition(t.name(), pr.partition()), pr.errorCode());
                    }
                }
            }
            int code = failed.isEmpty() ? 0 : failed.values().iterator().next();
            if (!GroupMembership.isMembershipCode(code) || code == ErrorCode.REBALANCE_IN_PROGRESS) {
                membership.sessionRenewed(gen); // the commit passed the membership checks (B.6.1)
            }
            if (failed.isEmpty()) {
                offsets.forEach((tp, om) -> committedPositions.put(tp, om.offset()));
                return null;
            }
            if (GroupMembership.isMembershipCode(code)) {
                membership.onMembershipError(gen, code, "OffsetCommit");
                throw new BrokerErrorException(code, null, "OffsetCommit of group '" + groupId + "' (generation "
                        + gen + ") rejected: " + (code == ErrorCode.REBALANCE_IN_PROGRESS
                        ? "the group is rebalancing" : "this member's generation is no longer current")
                        + "; its partitions are being revoked and will be reassigned, nothing was committed");
            }
            offsets.forEach((tp, om) -> {
                if (!failed.containsKey(tp)) {
                    committedPositions.put(tp, om.offset());
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

    /** OffsetFetch: the committed offsets of {@code partitions} (absent when none), until {@code deadlineNanos}. */
    Map<TopicPartition, OffsetAndMetadata> fetchCommitted(Set<TopicPartition> partitions, long deadlineNanos) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<String, List<Integer>> byTopic = new TreeMap<>(Utf8Order.STRINGS);
        for (TopicPartition tp : partitions) {
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
        }
        OffsetFetchRequest req = new OffsetFetchRequest(groupId, TopicPartitions.of(byTopic));
        OffsetFetchResponse resp = await(network.call(req, OffsetFetchResponse.class, deadlineNanos), deadlineNanos,
                "OffsetFetch");
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
        return Futures.await(f, deadlineNanos - time.nanoTime() + WAIT_MARGIN_NANOS,
                what + " of group '" + groupId + "'");
    }
}
