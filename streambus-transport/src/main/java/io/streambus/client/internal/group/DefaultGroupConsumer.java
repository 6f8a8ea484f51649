package io.streambus.client.internal.group;

import io.streambus.client.ClientConfig;
import io.streambus.client.StreamBusTimeoutException;
import io.streambus.client.WakeupException;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.client.consumer.GroupConsumer;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.client.consumer.RebalanceListener;
import io.streambus.client.internal.ClientContext;
import io.streambus.client.internal.Time;
import io.streambus.client.internal.consumer.PartitionConsumerImpl;
import io.streambus.client.serialization.Deserializer;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.group.Utf8Order;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member of a consumer group, following the eager (classic) protocol of spec B.6: what
 * {@link io.streambus.client.StreamBusClient#newGroupConsumer} returns.
 *
 * <p>It wires three parts together, as Kafka's consumer does with its coordinator and fetcher:
 * <ul>
 *   <li>{@link GroupMembership}: JoinGroup, SyncGroup, Heartbeat and the assignor on a coordinator thread of its
 *       own, so that heartbeats go on while the application processes records (B.6.11);</li>
 *   <li>{@link OffsetCommitter}: commits (explicit, auto-commit, on revocation) and committed offsets;</li>
 *   <li>the fetch engine (a partition {@link Consumer}), which fetches the owned partitions.</li>
 * </ul>
 * Everything that touches the application — rebalance callbacks, applying an assignment, commits on revocation,
 * auto-commit — happens on the thread that calls {@link #poll}. Eager rebalancing (B.6.1): when the member must
 * rejoin, poll stops fetching, commits (unless the partitions are lost), calls {@code onPartitionsRevoked} (or
 * {@code onPartitionsLost}) and releases the partitions, and only then does the coordinator send JoinGroup; an
 * assignment handed over after SyncGroup is applied (committed offsets, then {@code onPartitionsAssigned}) before
 * poll returns records of it.
 *
 * <p>Records returned by poll advance the engine's positions, which are what {@link #commitSync(Duration)} and
 * auto-commit commit (at-least-once).
 *
 * <p>Not thread-safe, except {@link #wakeup()}.
 */
public final class DefaultGroupConsumer<K, V> implements GroupConsumer<K, V> {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultGroupConsumer.class);
    /** Longest wait inside poll between checks of the group state. */
    private static final long POLL_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String groupId;
    private final GroupSettings settings;
    private final Time time;
    private final boolean coordinatorThread;
    private final GroupMembership membership;
    private final Consumer<K, V> engine;
    private final OffsetCommitter committer;
    /** Run once closed (unregisters from the client). Set by {@link #create} before the consumer is published. */
    private Runnable onClose = () -> { };
    private volatile boolean userWakeup;

    /** Creates a member of {@code groupId}; what {@link io.streambus.client.StreamBusClient#newGroupConsumer} returns. */
    public static <K, V> DefaultGroupConsumer<K, V> create(ClientContext ctx, String groupId,
                                                           Deserializer<K> keyDeserializer,
                                                           Deserializer<V> valueDeserializer, ClientConfig config) {
        GroupNetwork network = new GroupNetwork(ctx);
        GroupSettings settings = GroupSettings.of(config, network.requestTimeoutNanos(), network.apiTimeoutNanos());
        DefaultGroupConsumer<K, V> consumer = new DefaultGroupConsumer<>(groupId, ctx.clientId(), settings, network,
                ctx.time(), true, () -> {
                    PartitionConsumerImpl<K, V> e = ctx.newPartitionConsumer(keyDeserializer, valueDeserializer,
                            config);
                    ctx.unregister(e); // closed by this consumer, after its commit on close
                    return e;
                }, PartitionConsumerImpl::positions);
        consumer.onClose = () -> ctx.unregister(consumer);
        ctx.register(consumer);
        return consumer;
    }

    /**
     * Wires a consumer. Fails before creating the engine if the broker is known not to serve groups (B.4).
     *
     * @param time              the client's clock (a manual one in tests)
     * @param coordinatorThread start the coordinator thread on subscribe; without it, whoever constructs the
     *                          consumer drives {@link GroupMembership#runOnce()} (tests)
     * @param engineFactory     creates the fetch engine
     * @param positions         the engine's known positions (next offset poll returns) of its partitions
     */
    <E extends Consumer<K, V>> DefaultGroupConsumer(String groupId, String clientId, GroupSettings settings,
                                                    GroupNetwork network, Time time,
                                                    boolean coordinatorThread, Supplier<E> engineFactory,
                                                    Function<E, Map<TopicPartition, Long>> positions) {
        this.groupId = groupId;
        this.settings = settings;
        this.time = time;
        this.coordinatorThread = coordinatorThread;
        this.membership = new GroupMembership(groupId, clientId, settings, network, time, this::wakeEngine);
        membership.checkGroupsSupported();
        E e = engineFactory.get();
        this.engine = e;
        this.committer = new OffsetCommitter(groupId, settings, network, membership, time,
                () -> positions.apply(e));
    }

    /** The coordinator wakes a fetch in progress so that poll reacts to a rebalance at once. */
    private void wakeEngine() {
        Consumer<K, V> e = engine;
        if (e != null) { // null only while the constructor has not created the engine yet
            e.wakeup();
        }
    }

    /** The membership of this consumer (tests drive it). */
    GroupMembership membership() {
        return membership;
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
        setSubscription(new GroupSubscription(List.copyOf(sorted), null, orNone(listener)));
    }

    @Override
    public void subscribe(Pattern pattern, RebalanceListener listener) {
        Objects.requireNonNull(pattern, "pattern");
        setSubscription(new GroupSubscription(null, pattern, orNone(listener)));
    }

    private static RebalanceListener orNone(RebalanceListener listener) {
        return listener == null ? GroupSubscription.NO_LISTENER : listener;
    }

    private void setSubscription(GroupSubscription s) {
        membership.ensureOpen();
        membership.checkGroupsSupported();
        membership.subscribe(s);
        if (coordinatorThread) {
            membership.start();
        }
    }

    @Override
    public void unsubscribe() {
        membership.ensureOpen();
        revoke(false, time.nanoTime() + settings.apiTimeoutNanos());
        String leaving = membership.unsubscribe();
        if (!leaving.isEmpty()) {
            membership.leaveGroup(leaving, time.nanoTime() + settings.requestTimeoutNanos());
        }
    }

    @Override
    public Set<TopicPartition> assignment() {
        return membership.owned();
    }

    @Override
    public String groupId() {
        return groupId;
    }

    @Override
    public String memberId() {
        return membership.memberId();
    }

    @Override
    public io.streambus.client.consumer.ConsumerGroupMetadata groupMetadata() {
        GroupMembership.Generation g = membership.generation();
        int gen = g.id();
        return io.streambus.client.consumer.ConsumerGroupMetadata.ofMember(groupId, gen, g.memberId(),
                () -> membership.holds(gen));
    }

    // ---- poll -------------------------------------------------------------------------------------------------------

    @Override
    public ConsumerRecords<K, V> poll(Duration timeout) {
        long deadline = time.nanoTime() + timeout.toNanos();
        membership.ensureOpen();
        if (membership.subscription() == null) {
            throw new IllegalStateException("group consumer of group '" + groupId + "' is not subscribed");
        }
        while (true) {
            checkWakeup();
            GroupMembership.Step step = membership.nextStep();
            if (step instanceof GroupMembership.Step.Revoke r) {
                revoke(r.lost(), time.nanoTime() + Math.min(settings.apiTimeoutNanos(),
                        TimeUnit.MILLISECONDS.toNanos(settings.rebalanceTimeoutMs())));
                continue;
            }
            if (step instanceof GroupMembership.Step.Apply a) {
                apply(a.assignment());
                continue;
            }
            committer.maybeAutoCommit();
            long remaining = deadline - time.nanoTime();
            if (assignment().isEmpty()) {
                if (remaining <= 0) {
                    return ConsumerRecords.empty();
                }
                membership.awaitHandOff(Math.min(remaining, POLL_SLICE_NANOS), () -> userWakeup);
                continue;
            }
            long untilSilent = membership.nanosUntilSilentExpiry();
            if (untilSilent < 0) {
                // silent past the session timeout: deliver nothing until a reply renews the session or fences it
                if (remaining <= 0) {
                    return ConsumerRecords.empty();
                }
                membership.awaitRenewal(Math.min(remaining, POLL_SLICE_NANOS), () -> userWakeup);
                continue;
            }
            ConsumerRecords<K, V> records;
            try {
                // never wait past the point where the session may end (the loop then stops delivering)
                long slice = Math.min(Math.min(remaining, POLL_SLICE_NANOS), untilSilent);
                records = engine.poll(Duration.ofNanos(Math.max(0, slice)));
            } catch (WakeupException e) {
                // The engine is woken by the coordinator too (to react to a rebalance at once).
                continue;
            }
            if (!records.isEmpty()) {
                return records;
            }
            if (deadline - time.nanoTime() <= 0) {
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

    /** Applies a handed-over assignment: committed positions, engine assignment, then {@code onPartitionsAssigned}. */
    private void apply(PendingAssignment p) {
        Map<TopicPartition, OffsetAndMetadata> committed = p.partitions().isEmpty() ? Map.of()
                : committer.fetchCommitted(new HashSet<>(p.partitions()),
                time.nanoTime() + settings.requestTimeoutNanos());
        GroupSubscription s = membership.accept(p);
        if (s == null) {
            return; // superseded meanwhile; the caller loops
        }
        engine.assign(p.partitions());
        committed.forEach((tp, om) -> engine.seek(tp, om.offset()));
        committer.assigned(committed);
        LOG.info("group {} member {} generation {}: assigned {}", groupId, memberId(), p.generation(),
                p.partitions());
        s.listener().onPartitionsAssigned(p.partitions());
    }

    /**
     * Gives up every owned partition: stops fetching, commits positions (auto-commit, unless lost), calls the
     * listener, then clears the engine and lets the coordinator rejoin.
     */
    private void revoke(boolean lostPartitions, long deadlineNanos) {
        Set<TopicPartition> parts = membership.owned();
        RebalanceListener listener = membership.listener();
        RuntimeException callbackError = null;
        if (!parts.isEmpty()) {
            engine.pause(parts); // eager rebalancing: stop fetching before anything else (B.6.1)
            if (!lostPartitions) {
                committer.commitOnRevocation(deadlineNanos);
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
        membership.released();
        committer.released();
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
        long deadline = time.nanoTime() + timeout.toNanos();
        while (true) {
            checkWakeup();
            try {
                return engine.position(partition, Duration.ofNanos(Math.max(0, deadline - time.nanoTime())));
            } catch (WakeupException e) {
                if (deadline - time.nanoTime() <= 0) {
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

    @Override
    public void commitSync(Duration timeout) {
        membership.ensureOpen();
        committer.commitPositions(time.nanoTime() + timeout.toNanos());
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
        membership.ensureOpen();
        committer.commitSync(offsets, time.nanoTime() + timeout.toNanos());
    }

    @Override
    public CompletableFuture<Void> commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        membership.ensureOpen();
        return committer.commitAsync(offsets);
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions, Duration timeout) {
        membership.ensureOpen();
        return committer.fetchCommitted(partitions, time.nanoTime() + timeout.toNanos());
    }

    // ---- lifecycle --------------------------------------------------------------------------------------------------

    @Override
    public void wakeup() {
        userWakeup = true;
        engine.wakeup();
        membership.wakeup();
    }

    /** Gives up the partitions (committing them if auto-commit), leaves the group and closes the engine. */
    @Override
    public void close(Duration timeout) {
        long deadline = time.nanoTime() + timeout.toNanos();
        if (membership.isClosing()) {
            return;
        }
        try {
            revoke(membership.partitionsLost(), deadline);
        } catch (RuntimeException e) {
            LOG.warn("group {}: revocation on close failed: {}", groupId, e.toString());
        }
        membership.close(deadline);
        engine.close(Duration.ofNanos(Math.max(0, deadline - time.nanoTime())));
        onClose.run();
    }

    /**
     * Stops this member as a crashed process would: no more heartbeats, no LeaveGroup, no commit, connections of
     * the coordinator closed. The broker removes it after its session timeout. For tests of failure handling.
     */
    public void crashForTesting() {
        membership.crash();
        engine.close(Duration.ZERO);
        onClose.run();
    }

    @Override
    public String toString() {
        return "GroupConsumer[" + groupId + ", member " + memberId() + "]";
    }
}
