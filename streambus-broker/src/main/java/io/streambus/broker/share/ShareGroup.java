package io.streambus.broker.share;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
     * A write queued to the store by one request, with what undoes it: the request's changes to one share-partition
     * ({@code partition} and {@code undo}, or neither), and its changes to the group itself ({@code change}, or
     * null). Guarded by the group's lock.
     */
    static final class Pending {
        final SharePartition partition;
        final SharePartition.Undo undo;
        final Change change;
        /**
         * For a request that writes nothing but relies on earlier writes (see {@link #relyOnPending}): completes
         * when they are written, exceptionally when one fails. Null for a write.
         */
        final CompletableFuture<Void> barrier;
        private boolean settled;

        private Pending(SharePartition partition, SharePartition.Undo undo, Change change,
                        CompletableFuture<Void> barrier) {
            this.partition = partition;
            this.undo = undo;
            this.change = change;
            this.barrier = barrier;
        }
    }

    /**
     * What one request changed in the group itself: its creation, its settings, the member it added, renewed or
     * removed, the share-partitions it created. Remembered so that {@link #failed} can take the request back when
     * its share state write fails (B.13.4, B.13.7, B.13.11: a reply 7 leaves the group as it was). Membership is
     * not persisted, but a join or leave answered 7 must not have happened either. Not thread-safe: guarded by the
     * group's lock.
     */
    static final class Change {
        /** Forgets the group (removes it from the coordinator), if the request created it; else null. */
        private Runnable forget;
        private ShareGroupSettings settingsBefore;
        private ShareMember added;
        private ShareMember removed;
        private ShareMember renewed;
        private String clientIdBefore;
        private List<String> subscriptionBefore;
        /** Keys ({@link ShareStateStore#key}) of the share-partitions created, in creation order. */
        private final List<String> partitionsCreated = new ArrayList<>();
        private final List<String> awaitedAdded = new ArrayList<>();
        private final List<String> awaitedRemoved = new ArrayList<>();

        /** The request created the group; {@code forget} removes it from the coordinator's groups. */
        void created(Runnable forget) {
            this.forget = forget;
        }

        /** The request changed the settings, which were {@code before}. */
        void settings(ShareGroupSettings before) {
            if (settingsBefore == null) {
                settingsBefore = before;
            }
        }

        /** The request added {@code m}. */
        void added(ShareMember m) {
            added = m;
        }

        /** The request removed {@code m}. */
        void removed(ShareMember m) {
            removed = m;
        }

        /** The request is about to change {@code m}'s client id and subscription. */
        void renewing(ShareMember m) {
            renewed = m;
            clientIdBefore = m.clientId;
            subscriptionBefore = m.subscription;
        }

        /** True if the request created the group or share-partitions: later replies rely on them. */
        boolean creates() {
            return forget != null || !partitionsCreated.isEmpty();
        }

        /** The request created the share-partition with {@code key}. */
        void partitionCreated(String key) {
            partitionsCreated.add(key);
        }

        /** The request added {@code topic} to the awaited topics (it was not there). */
        void awaitedAdded(String topic) {
            awaitedAdded.add(topic);
        }

        /** The request removed {@code topic} from the awaited topics (it was there). */
        void awaitedRemoved(String topic) {
            awaitedRemoved.add(topic);
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
     * Notes a write queued to the store right now, with what undoes it: {@code undo}'s changes to {@code p} (both
     * may be null) and the group-level {@code change} (may be null). Caller holds the lock, and queues the write in
     * the same critical section (so this order is the store's order).
     */
    Pending queued(SharePartition p, SharePartition.Undo undo, Change change) {
        Pending e = new Pending(p, undo, change, null);
        pending.addLast(e);
        return e;
    }

    /**
     * For a request whose {@code change} needs no write of its own: if a write that creates the group or
     * share-partitions is still pending, the request relies on it (its reply must not assign what is not durable
     * yet, B.13.1 and B.13.11), so it is queued behind it and undone with it if it fails. Returns the future to
     * complete the reply after (see {@link Pending#barrier}), or null if it relies on nothing pending. Caller holds
     * the lock.
     */
    CompletableFuture<Void> relyOnPending(Change change) {
        boolean relies = false;
        for (Pending e : pending) {
            relies |= e.change != null && e.change.creates();
        }
        if (!relies) {
            return null;
        }
        Pending e = new Pending(null, null, change, new CompletableFuture<>());
        pending.addLast(e);
        return e.barrier;
    }

    /**
     * The write of {@code e} is durable: it can no longer be undone. Returns the barriers it released, to complete
     * once the lock is released (their replies do not run under it). Caller holds the lock.
     */
    List<CompletableFuture<Void>> written(Pending e) {
        if (e.settled) {
            return List.of();
        }
        e.settled = true;
        pending.removeFirstOccurrence(e); // the head: writes complete in queue order
        List<CompletableFuture<Void>> released = List.of();
        while (!pending.isEmpty() && pending.peekFirst().barrier != null) {
            Pending b = pending.pollFirst(); // everything it relied on is written
            b.settled = true;
            if (released.isEmpty()) {
                released = new ArrayList<>();
            }
            released.add(b.barrier);
        }
        return released;
    }

    /**
     * The write of {@code e} failed: undoes it and every undoable write queued after it, newest first. The store
     * fails every write after a failed one (it refuses changes until a restart), so the later ones fail as well, and
     * undoing in reverse order gives each offset, setting and membership back the value the failed request found.
     * Returns the barriers of requests undone with it, to complete (exceptionally) once the lock is released. Caller
     * holds the lock.
     */
    List<CompletableFuture<Void>> failed(Pending e) {
        if (e.settled) {
            return List.of();
        }
        List<CompletableFuture<Void>> undone = new ArrayList<>();
        while (!pending.isEmpty()) {
            Pending last = pending.pollLast();
            last.settled = true;
            if (!deleted && last.undo != null && partitions.get(ShareStateStore.key(last.partition.topic,
                    last.partition.partition)) == last.partition) {
                last.partition.undo(last.undo);
            }
            if (!deleted && last.change != null) {
                undo(last.change); // after the share-partition's: a created partition goes with its records
            }
            if (last.barrier != null) {
                undone.add(last.barrier);
            }
            if (last == e) {
                break;
            }
        }
        wake(); // undone acquisitions are Available again
        return undone;
    }

    /**
     * Takes back {@code c}: share-partitions created go, awaited topics are as they were, a removed member is back
     * (holding what the share-partition undos gave back to it), an added member is gone, a renewed one has its
     * former client id and subscription, the settings are as they were, and a created group is deleted. Caller
     * holds the lock.
     */
    private void undo(Change c) {
        for (int i = c.partitionsCreated.size() - 1; i >= 0; i--) {
            partitions.remove(c.partitionsCreated.get(i));
        }
        awaitedTopics.removeAll(c.awaitedAdded);
        awaitedTopics.addAll(c.awaitedRemoved);
        if (c.renewed != null && members.get(c.renewed.id) == c.renewed) {
            c.renewed.clientId = c.clientIdBefore;
            c.renewed.subscription = c.subscriptionBefore;
        }
        if (c.added != null) {
            members.remove(c.added.id, c.added);
        }
        if (c.removed != null) {
            members.putIfAbsent(c.removed.id, c.removed); // its session goes on: it expires as if never removed
        }
        if (c.settingsBefore != null) {
            settings = c.settingsBefore;
        }
        if (c.forget != null) {
            deleted = true; // members that joined meanwhile without a write of their own go with it
            c.forget.run();
        }
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
