package io.streambus.client.internal.share;

import io.streambus.client.ClientConfig;
import io.streambus.client.StreamBusException;
import io.streambus.client.StreamBusTimeoutException;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.internal.Time;
import io.streambus.client.internal.Wakeup;
import io.streambus.client.internal.net.Backoff;
import io.streambus.client.internal.net.RequestSender;
import io.streambus.client.metrics.MetricsCollector;
import io.streambus.client.serialization.Deserializer;
import io.streambus.client.share.AcknowledgeType;
import io.streambus.client.share.AcknowledgementCommitCallback;
import io.streambus.client.share.ShareConsumer;
import io.streambus.client.share.ShareRecord;
import io.streambus.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The share consumer (spec B.13.12), what {@link io.streambus.client.StreamBusClient#newShareConsumer} returns: the
 * application API over single-role parts that share a {@link ShareContext} (one lock):
 * <ul>
 *   <li>{@link ShareMembership}: ShareGroupHeartbeat on the sender's timers (rule 2);</li>
 *   <li>{@link ShareFetcher}: the fetch loop on a dedicated connection (rule 3);</li>
 *   <li>{@link HeldRecords}: record hand-off, the records held and their {@link RecordState} (rule 4);</li>
 *   <li>{@link Acknowledger}: acknowledgement batching, sending and retries;</li>
 *   <li>{@link LockRenewer}: acquisition-lock renewal.</li>
 * </ul>
 * Lock ends are computed conservatively (B.13.8): the time the acquiring or renewing request was sent plus the lock
 * duration of its reply. A prefetched record whose lock has ended is never handed out.
 *
 * <p>Not thread-safe for the application (one thread, except {@link #wakeup()}); internally, network callbacks and
 * the application thread share state under one lock, and acknowledgement callbacks run on the application thread.
 */
public final class ShareConsumerImpl<K, V> implements ShareConsumer<K, V>, TransactionalAcknowledgements {
    private static final Logger LOG = LoggerFactory.getLogger(ShareConsumerImpl.class);

    private final ShareContext ctx;
    private final boolean explicit;
    private final int maxPollRecords;
    private final ShareMembership membership;
    private final HeldRecords held = new HeldRecords();
    private final Acknowledger acks;
    private final TxnStager stager;
    private final LockRenewer renewer;
    private final ShareFetcher<K, V> fetcher;
    private final Wakeup wakeup;
    private final Runnable onClose;
    private Set<String> subscription = Set.of(); // guarded by ctx.lock

    /**
     * A consumer of {@code groupId} over {@code sender} that reports no metrics; not subscribed yet.
     *
     * @param config  the consumer's configuration ({@code share.*}, {@code max.poll.records}, {@code fetch.*})
     * @param onClose run once when closed (unregisters from the client)
     */
    public ShareConsumerImpl(String groupId, String clientId, RequestSender sender, Time time, ClientConfig config,
                             Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer, Runnable onClose) {
        this(groupId, clientId, sender, time, config, keyDeserializer, valueDeserializer, MetricsCollector.NOOP,
                onClose);
    }

    /**
     * A consumer of {@code groupId} over {@code sender}; not subscribed yet.
     *
     * @param config  the consumer's configuration ({@code share.*}, {@code max.poll.records}, {@code fetch.*})
     * @param metrics told of every acknowledgement the broker confirmed
     * @param onClose run once when closed (unregisters from the client)
     */
    public ShareConsumerImpl(String groupId, String clientId, RequestSender sender, Time time, ClientConfig config,
                             Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer,
                             MetricsCollector metrics, Runnable onClose) {
        Backoff backoff = new Backoff(config.getInt(ClientConfig.RETRY_BACKOFF_MS),
                config.getInt(ClientConfig.RETRY_BACKOFF_MAX_MS));
        this.ctx = new ShareContext(groupId, sender, time, backoff, metrics);
        this.explicit = "explicit".equals(config.getString(ClientConfig.SHARE_ACKNOWLEDGEMENT_MODE));
        this.maxPollRecords = config.getInt(ClientConfig.MAX_POLL_RECORDS);
        this.onClose = onClose;
        this.wakeup = new Wakeup(ctx.lock, ctx.changed);
        this.acks = new Acknowledger(ctx);
        this.stager = new TxnStager(ctx);
        this.renewer = new LockRenewer(ctx, acks, config.getBoolean(ClientConfig.SHARE_LOCK_AUTO_RENEW));
        this.fetcher = new ShareFetcher<>(ctx, acks, renewer, new ShareFetcher.Settings(
                config.getInt(ClientConfig.SHARE_FETCH_MAX_WAIT_MS),
                config.getInt(ClientConfig.SHARE_PREFETCH_MAX_RECORDS),
                config.getInt(ClientConfig.FETCH_MAX_BYTES),
                config.getString(ClientConfig.SHARE_FILTER),
                Math.max(1, config.getInt(ClientConfig.FETCH_BACKOFF_MS))), keyDeserializer, valueDeserializer);
        this.membership = new ShareMembership(groupId, clientId, sender, backoff, new ShareMembership.Listener() {
            @Override
            public void onAssignment(Set<TopicPartition> assignment) {
                onNewAssignment(assignment);
            }

            @Override
            public void onMemberLost() {
                memberLost();
            }

            @Override
            public void onFatal(StreamBusException error) {
                ctx.fail(error);
            }
        });
        ctx.membership = membership;
        ctx.held = held;
    }

    /**
     * Fails at once, before any consumer exists, when the broker is known not to serve share groups (B.4,
     * B.13.12 rule 1). An unknown answer (no broker reachable in time) lets the consumer be made; its requests
     * then check again.
     */
    public static void checkSupported(RequestSender sender, Time time) {
        BrokerCapabilities caps;
        try {
            caps = io.streambus.client.Futures.await(sender.capabilities(time.nanoTime()
                    + sender.requestTimeoutNanos()), sender.requestTimeoutNanos() + TimeUnit.SECONDS.toNanos(1),
                    "capabilities of the broker");
        } catch (StreamBusException e) {
            LOG.debug("capabilities of the broker not known yet: {}", e.toString());
            return;
        }
        if (!caps.supportsShareGroups()) {
            throw new UnsupportedFeatureException(BrokerCapabilities.CAP_SHARE_GROUPS, sender.activeAddress());
        }
    }

    // ---- application API ---------------------------------------------------------------------------------------

    @Override
    public void subscribe(Collection<String> topics) {
        List<String> list = List.copyOf(new TreeSet<>(topics));
        if (list.isEmpty()) {
            throw new IllegalArgumentException("subscribe needs at least one topic; use unsubscribe() to stop");
        }
        ctx.lock.lock();
        try {
            ctx.ensureOpen();
            subscription = Set.copyOf(list);
        } finally {
            ctx.lock.unlock();
        }
        membership.subscribe(list);
    }

    @Override
    public Set<String> subscription() {
        ctx.lock.lock();
        try {
            return subscription;
        } finally {
            ctx.lock.unlock();
        }
    }

    @Override
    public void unsubscribe() {
        long deadline = ctx.time.nanoTime() + ctx.sender.apiTimeoutNanos();
        CompletableFuture<Void> fetchDone;
        ctx.lock.lock();
        try {
            fetchDone = fetcher.pause();
        } finally {
            ctx.lock.unlock();
        }
        try {
            settleAfterFetch(fetchDone, deadline);
            ctx.lock.lock();
            try {
                subscription = Set.of();
            } finally {
                ctx.lock.unlock();
            }
            ctx.awaitQuietly(membership.leave(false), deadline, "leaving share group");
        } finally {
            ctx.lock.lock();
            try {
                fetcher.resume();
            } finally {
                ctx.lock.unlock();
            }
        }
        ctx.runCallbacks();
    }

    @Override
    public List<ShareRecord<K, V>> poll(Duration timeout) {
        long realDeadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        ctx.lock.lock();
        try {
            ctx.ensureOpen();
            if (subscription.isEmpty()) {
                throw new IllegalStateException("the share consumer is not subscribed");
            }
            held.settlePreviousPoll(explicit);
        } finally {
            ctx.lock.unlock();
        }
        while (true) {
            ctx.runCallbacks();
            ctx.lock.lock();
            try {
                List<ShareRecord<K, V>> out;
                try {
                    if (ctx.fatal != null) {
                        throw ctx.fatal;
                    }
                    wakeup.throwIfRequested();
                    out = held.take(maxPollRecords, ctx.time.nanoTime());
                } finally {
                    // Acknowledgements ride on a ShareFetch sent now (B.13.5), after the take, so that the room the
                    // take made lets one go and carry the previous poll's acceptances: one request, not a
                    // ShareAcknowledge and a ShareFetch. Otherwise they go with ShareAcknowledge on the shared path,
                    // never waiting behind a held fetch on the fetch connection (B.13.12 rule 3): at once, or right
                    // after the ShareAcknowledge on the wire. Also when this poll throws (wakeup, failure).
                    fetcher.maybeFetch();
                    acks.sendAcknowledgementsSoon();
                }
                if (!out.isEmpty()) {
                    renewer.scheduleCheck();
                    return out;
                }
                long left = realDeadline - System.nanoTime();
                if (left <= 0) {
                    return List.of();
                }
                ctx.changed.awaitNanos(Math.min(left, ShareContext.pollSliceNanos()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StreamBusException("interrupted in poll", e);
            } finally {
                ctx.lock.unlock();
            }
        }
    }

    @Override
    public void acknowledge(ShareRecord<K, V> record) {
        acknowledge(record, AcknowledgeType.ACCEPT);
    }

    @Override
    public void acknowledge(ShareRecord<K, V> record, AcknowledgeType type) {
        ctx.lock.lock();
        try {
            ctx.ensureOpen();
            InFlightRecord f = held.find(record);
            if (f == null) {
                // Lost meanwhile (member or partition lost): it has been or will be delivered again (B.13.12).
                LOG.debug("acknowledgement of {}@{} ignored: the record is no longer held", record.topicPartition(),
                        record.offset());
                return;
            }
            if (f.state != RecordState.DELIVERED && f.state != RecordState.ACKNOWLEDGED) {
                throw new IllegalStateException("record " + f.tp + "@" + f.offset + " cannot be acknowledged: it is "
                        + f.state);
            }
            if (type == AcknowledgeType.RENEW) {
                if (f.state == RecordState.DELIVERED && !f.renewing) {
                    renewer.renew(Map.of(f.tp, List.of(f)));
                }
                return;
            }
            held.acknowledge(f, io.streambus.protocol.share.AcknowledgeType.valueOf(type.name()));
        } finally {
            ctx.lock.unlock();
        }
    }

    @Override
    public String groupId() {
        return ctx.groupId;
    }

    @Override
    public void stage(Map<? extends ShareRecord<?, ?>, AcknowledgeType> acknowledgements,
                      io.streambus.protocol.txn.ProducerIdAndEpoch producer, long deadlineNanos) {
        try {
            stager.stage(acknowledgements, producer, deadlineNanos);
        } finally {
            ctx.runCallbacks();
        }
    }

    @Override
    public Map<TopicPartition, Optional<Exception>> commitSync(Duration timeout) {
        long deadline = ctx.time.nanoTime() + timeout.toNanos();
        List<CompletableFuture<Map<TopicPartition, Optional<Exception>>>> waits;
        ctx.lock.lock();
        try {
            ctx.ensureOpen();
            held.implicitAccept(explicit);
            acks.sendAcknowledgements();
            waits = acks.pending();
        } finally {
            ctx.lock.unlock();
        }
        Map<TopicPartition, Optional<Exception>> out = new LinkedHashMap<>();
        for (CompletableFuture<Map<TopicPartition, Optional<Exception>>> w : waits) {
            Map<TopicPartition, Optional<Exception>> m = ctx.awaitQuietly(w, deadline, "committing acknowledgements");
            if (m == null) {
                ctx.runCallbacks();
                throw new StreamBusTimeoutException("acknowledgements of share group '" + ctx.groupId
                        + "' not answered within " + timeout);
            }
            m.forEach((tp, e) -> out.merge(tp, e, (a, b) -> a.isPresent() ? a : b));
        }
        ctx.runCallbacks();
        return out;
    }

    @Override
    public void commitAsync() {
        ctx.lock.lock();
        try {
            ctx.ensureOpen();
            held.implicitAccept(explicit);
            acks.sendAcknowledgementsSoon();
        } finally {
            ctx.lock.unlock();
        }
        ctx.runCallbacks();
    }

    @Override
    public void setAcknowledgementCommitCallback(AcknowledgementCommitCallback callback) {
        ctx.callback = callback;
    }

    @Override
    public Optional<Integer> acquisitionLockTimeoutMs() {
        ctx.lock.lock();
        try {
            return Optional.ofNullable(ctx.lockMs);
        } finally {
            ctx.lock.unlock();
        }
    }

    @Override
    public void wakeup() {
        wakeup.request();
    }

    @Override
    public void close(Duration timeout) {
        CompletableFuture<Void> fetchDone;
        ctx.lock.lock();
        try {
            if (ctx.stopping()) {
                return;
            }
            ctx.moveTo(ConsumerLifecycle.CLOSING);
            fetchDone = fetcher.pause();
        } finally {
            ctx.lock.unlock();
        }
        long deadline = ctx.time.nanoTime() + timeout.toNanos();
        try {
            settleAfterFetch(fetchDone, deadline);
            ctx.awaitQuietly(membership.leave(true), deadline, "leaving share group");
            membership.closed();
            ctx.runCallbacks();
        } finally {
            ctx.lock.lock();
            try {
                ctx.moveTo(ConsumerLifecycle.CLOSED);
                held.clear();
                ctx.changed.signalAll();
            } finally {
                ctx.lock.unlock();
            }
            onClose.run();
        }
    }

    /**
     * B.13.12 rule 6 with a fetch possibly in flight ({@code fetchDone}, from {@link ShareFetcher#pause}): settles
     * what is held, then waits for the fetch's reply and RETURNs every record it acquired (B.13.8: no delivery
     * counted), and only then closes the fetch connection; all bounded by {@code deadline}. Settling first lets the
     * broker answer a held fetch at once with what this member released. If the reply does not come in time, the
     * connection is closed: records the broker acquired into it come back when the leave that follows removes the
     * member (or their locks end), with that delivery counted (B.13.8).
     */
    private void settleAfterFetch(CompletableFuture<Void> fetchDone, long deadline) {
        settleAndFlush(deadline);
        ctx.awaitQuietly(fetchDone, deadline, "waiting for the ShareFetch in flight");
        if (!fetchDone.isDone()) {
            LOG.debug("share group '{}': closing the fetch connection with a ShareFetch in flight", ctx.groupId);
        }
        ctx.lock.lock();
        try {
            fetcher.closeConnection();
        } finally {
            ctx.lock.unlock();
        }
        settleAndFlush(deadline); // RETURN what the fetch brought; what it carried and lost goes again
    }

    /**
     * B.13.12 rule 6: accepts (implicit) or releases (explicit) what the application holds, returns what it never
     * saw, sends it all and waits for the answers until {@code deadline}.
     */
    private void settleAndFlush(long deadline) {
        List<CompletableFuture<Map<TopicPartition, Optional<Exception>>>> waits;
        ctx.lock.lock();
        try {
            held.implicitAccept(explicit);
            held.settleForClose();
            acks.sendAcknowledgements();
            waits = acks.pending();
        } finally {
            ctx.lock.unlock();
        }
        for (CompletableFuture<Map<TopicPartition, Optional<Exception>>> w : waits) {
            ctx.awaitQuietly(w, deadline, "settling acknowledgements");
        }
        ctx.runCallbacks();
    }

    // ---- membership events -------------------------------------------------------------------------------------

    private void onNewAssignment(Set<TopicPartition> assignment) {
        ctx.lock.lock();
        try {
            held.retainAssigned(assignment);
            fetcher.maybeFetch();
            ctx.changed.signalAll();
        } finally {
            ctx.lock.unlock();
        }
    }

    /** B.13.12: 20/24 — every record held is lost (acknowledging them is no longer possible). */
    private void memberLost() {
        ctx.lock.lock();
        try {
            held.dropAll();
            ctx.changed.signalAll();
        } finally {
            ctx.lock.unlock();
        }
    }

    /** Membership state (tests). */
    ShareMemberState memberState() {
        return membership.state();
    }

    @Override
    public String toString() {
        return "ShareConsumer[" + ctx.groupId + "]";
    }
}
