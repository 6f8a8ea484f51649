package io.streambus.broker.share;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One share group (spec B.13.1): settings, members and share-partitions. Its monitor guards all of it and every
 * {@link SharePartition} and {@link ShareMember} it holds; durable records of the group are queued to the
 * {@link ShareStateStore} while holding it, so the log order is the order of the changes. A deleted group is
 * marked {@link #deleted}; a caller that finds it so under the lock looks the group up again. Not thread-safe except
 * where stated: guarded by its monitor.
 */
final class ShareGroup {
    final String id;
    ShareGroupSettings settings;
    final Map<String, ShareMember> members = new LinkedHashMap<>();
    /** Share-partitions by {@link ShareStateStore#key}. */
    final Map<String, SharePartition> partitions = new LinkedHashMap<>();
    /** Subscribed topics that did not exist when a subscription naming them was processed (B.13.1). */
    final Set<String> awaitedTopics = new HashSet<>();
    boolean deleted;
    /** Held ShareFetches to try again when records may have become acquirable; fired ones are pruned. */
    private final List<Waiter> waiters = new ArrayList<>();
    /**
     * The undoable writes of this group queued to the share state store and not yet known to be written, in queue
     * order; bounded by the requests in flight.
     */
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();

    /**
     * A share-partition's changes queued to the store by one request, with what undoes them. Guarded by the group's
     * lock.
     */
    static final class Pending {
        final SharePartition partition;
        final SharePartition.Undo undo;
        private boolean settled;

        private Pending(SharePartition partition, SharePartition.Undo undo) {
            this.partition = partition;
            this.undo = undo;
        }
    }

    /**
     * A held ShareFetch's next attempt, started once by whichever comes first: its poll timer or a {@link #wake}.
     * Thread-safe.
     */
    static final class Waiter {
        private final AtomicBoolean done = new AtomicBoolean();
        private final Runnable attempt;

        Waiter(Runnable attempt) {
            this.attempt = attempt;
        }

        /** Starts the attempt unless it was started or cancelled already. */
        void fire() {
            if (done.compareAndSet(false, true)) {
                try {
                    attempt.run();
                } catch (RejectedExecutionException e) {
                    // the broker is shutting down: the held request ends with its connection
                }
            }
        }

        /** Prevents the attempt; false if it was started already. */
        boolean cancel() {
            return done.compareAndSet(false, true);
        }

        boolean done() {
            return done.get();
        }
    }

    ShareGroup(String id, ShareGroupSettings settings) {
        this.id = id;
        this.settings = settings;
    }

    /** Registers a held ShareFetch's next attempt. Caller holds the lock. */
    void await(Waiter w) {
        waiters.removeIf(Waiter::done); // bounded by the ShareFetches held right now
        waiters.add(w);
    }

    /**
     * Starts the attempts of the held ShareFetches now: acknowledgements, releases or expiries may have made records
     * acquirable (B.13.5: a held request is answered as soon as it can acquire one). Caller holds the lock; the
     * attempts run on the worker, so they take it after the caller.
     */
    void wake() {
        if (waiters.isEmpty()) {
            return;
        }
        List<Waiter> now = new ArrayList<>(waiters);
        waiters.clear();
        for (Waiter w : now) {
            w.fire();
        }
    }

    /**
     * Notes a write of {@code undo}'s changes queued to the store right now. Caller holds the lock, and queues the
     * write in the same critical section (so this order is the store's order).
     */
    Pending queued(SharePartition p, SharePartition.Undo undo) {
        Pending e = new Pending(p, undo);
        pending.addLast(e);
        return e;
    }

    /** The write of {@code e} is durable: it can no longer be undone. Caller holds the lock. */
    void written(Pending e) {
        if (!e.settled) {
            e.settled = true;
            pending.removeFirstOccurrence(e); // the head: writes complete in queue order
        }
    }

    /**
     * The write of {@code e} failed: undoes it and every undoable write queued after it, newest first. The store
     * fails every write after a failed one (it refuses changes until a restart), so the later ones fail as well, and
     * undoing in reverse order gives each offset back the value the failed request found. Caller holds the lock.
     */
    void failed(Pending e) {
        if (e.settled) {
            return;
        }
        while (!pending.isEmpty()) {
            Pending last = pending.pollLast();
            last.settled = true;
            if (!deleted && partitions.get(ShareStateStore.key(last.partition.topic, last.partition.partition))
                    == last.partition) {
                last.partition.undo(last.undo);
            }
            if (last == e) {
                break;
            }
        }
        wake(); // undone acquisitions are Available again
    }

    /** Number of undoable writes not yet settled (for tests). */
    int pendingWrites() {
        return pending.size();
    }

    /** {@code Empty} or {@code Stable} (B.13.1). */
    String stateName() {
        return members.isEmpty() ? "Empty" : "Stable";
    }

    SharePartition partition(String topic, int partition) {
        return partitions.get(ShareStateStore.key(topic, partition));
    }

    /** True if some member subscribes to {@code topic}. */
    boolean subscribed(String topic) {
        for (ShareMember m : members.values()) {
            if (m.subscription.contains(topic)) {
                return true;
            }
        }
        return false;
    }
}
