package io.streambus.camel.internal.consumer;

import io.streambus.camel.internal.PartitionTracker;
import io.streambus.client.WakeupException;
import io.streambus.common.TopicPartition;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends commits to a {@link CommitTarget} and keeps the commit state of the partition trackers in step: a tracker is
 * marked as committing before the commit goes out and as committed (or failed) when the answer comes. Shared by the
 * automatic and the manual {@link CommitManager}. Not thread-safe: used from the owning consumer thread only; the
 * tracker updates of asynchronous commits are handed back to that thread.
 */
final class TrackedCommits {
    private static final Logger LOG = LoggerFactory.getLogger(TrackedCommits.class);

    private final CommitTarget target;
    private final Duration timeout;
    private final Map<TopicPartition, PartitionTracker> trackers;
    private final Consumer<Runnable> onThread;

    TrackedCommits(CommitTarget target, Duration timeout, Map<TopicPartition, PartitionTracker> trackers,
                   Consumer<Runnable> onThread) {
        this.target = target;
        this.timeout = timeout;
        this.trackers = trackers;
        this.onThread = onThread;
    }

    /** The tracker of a partition this thread owns, or null. */
    PartitionTracker tracker(TopicPartition partition) {
        return trackers.get(partition);
    }

    /** The trackers this thread owns now. */
    Map<TopicPartition, PartitionTracker> trackers() {
        return trackers;
    }

    CommitTarget target() {
        return target;
    }

    /**
     * Commits {@code targets} (tracker → next offset) and updates the trackers.
     *
     * @return completed (or failed) before returning when {@code sync}; else completes with the target's answer,
     *         with the exception the target failed with
     */
    CompletableFuture<Void> commit(Map<PartitionTracker, Long> targets, boolean sync) {
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        targets.forEach((t, o) -> offsets.put(t.partition(), o));
        targets.forEach(PartitionTracker::commitStarted);
        if (sync) {
            try {
                commitSync(offsets);
                targets.forEach(PartitionTracker::commitSucceeded);
                return CompletableFuture.completedFuture(null);
            } catch (RuntimeException e) {
                targets.forEach(PartitionTracker::commitFailed);
                return CompletableFuture.failedFuture(e);
            }
        }
        CompletableFuture<Void> result = new CompletableFuture<>();
        commitAsync(offsets).whenComplete((v, e) -> {
            onThread.accept(() -> targets.forEach(e == null ? PartitionTracker::commitSucceeded
                    : PartitionTracker::commitFailed));
            // Completed with the target's own exception (not a CompletionException), as the route sees it.
            if (e == null) {
                result.complete(null);
            } else {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /**
     * Commits what was handled on these partitions and not committed yet. A failure is logged; the offsets stay due
     * and go with the next commit.
     *
     * @param name the consumer thread, for the log
     */
    void commitHandled(Collection<TopicPartition> partitions, boolean sync, String name) {
        Map<PartitionTracker, Long> targets = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            PartitionTracker t = trackers.get(tp);
            long next = t == null ? -1 : t.commitTarget();
            if (next >= 0) {
                targets.put(t, next);
            }
        }
        if (targets.isEmpty()) {
            return;
        }
        commit(targets, sync).whenComplete((v, e) -> {
            if (e != null) {
                Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
                targets.forEach((t, o) -> offsets.put(t.partition(), o));
                LOG.warn("{}: commit of {} to {} failed (will be retried): {}", name, offsets, target.describe(),
                        e.toString());
            }
        });
    }

    /** The target's async commit; one that fails to start fails the future, so callers handle both the same way. */
    private CompletableFuture<Void> commitAsync(Map<TopicPartition, Long> offsets) {
        try {
            return target.commitAsync(offsets);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A pending wakeup (from a stop or a command) may surface in the commit; it is retried once then. */
    private void commitSync(Map<TopicPartition, Long> offsets) {
        try {
            target.commitSync(offsets, timeout);
        } catch (WakeupException e) {
            target.commitSync(offsets, timeout);
        }
    }
}
