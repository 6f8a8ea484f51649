package io.streambus.client.internal.share;

import io.streambus.client.AuthorizationException;
import io.streambus.client.BrokerErrorException;
import io.streambus.client.ClientConfig;
import io.streambus.client.StreamBusException;
import io.streambus.client.StreamBusTimeoutException;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.internal.Time;
import io.streambus.client.internal.Wakeup;
import io.streambus.client.internal.net.Backoff;
import io.streambus.client.internal.net.BodySupplier;
import io.streambus.client.internal.net.Connection;
import io.streambus.protocol.DecodedResponse;
import io.streambus.client.internal.net.Errors;
import io.streambus.client.internal.net.RequestSender;
import io.streambus.client.internal.net.ResponseHandler;
import io.streambus.client.serialization.Deserializer;
import io.streambus.client.share.AcknowledgeType;
import io.streambus.client.share.AcknowledgementCommitCallback;
import io.streambus.client.share.InvalidFilterException;
import io.streambus.client.share.InvalidRecordStateException;
import io.streambus.client.share.ShareConsumer;
import io.streambus.client.share.ShareRecord;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.message.Message;
import io.streambus.protocol.share.Acknowledgement;
import io.streambus.protocol.share.AcquiredRecord;
import io.streambus.protocol.share.OffsetRange;
import io.streambus.protocol.share.ShareAcknowledgePartition;
import io.streambus.protocol.share.ShareAcknowledgePartitionResult;
import io.streambus.protocol.share.ShareAcknowledgeRequest;
import io.streambus.protocol.share.ShareAcknowledgeResponse;
import io.streambus.protocol.share.ShareFetchPartition;
import io.streambus.protocol.share.ShareFetchPartitionData;
import io.streambus.protocol.share.ShareFetchRequest;
import io.streambus.protocol.share.ShareFetchResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The share consumer (spec B.13.12), what {@link io.streambus.client.StreamBusClient#newShareConsumer} returns.
 * Three roles meet here, the first two in classes of their own:
 * <ul>
 *   <li>{@link ShareMembership}: ShareGroupHeartbeat on the sender's timers (rule 2);</li>
 *   <li>{@link RecordState}: the acknowledgement state of each acquired record (rule 4);</li>
 *   <li>this class: ShareFetch on a dedicated connection (a held fetch blocks what is behind it, rule 3), bounded
 *       prefetch, acknowledgements (piggy-backed on the next fetch after a poll, or ShareAcknowledge on the shared
 *       path for commits, renewals and close), and the reactions of B.13.12's table.</li>
 * </ul>
 * Lock ends are computed conservatively (B.13.8): the time the acquiring or renewing request was sent plus the lock
 * duration of its reply. A prefetched record whose lock has ended is never handed out.
 *
 * <p>Not thread-safe for the application (one thread, except {@link #wakeup()}); internally, network callbacks and
 * the application thread share state under one lock, and acknowledgement callbacks run on the application thread.
 */
public final class ShareConsumerImpl<K, V> implements ShareConsumer<K, V> {
    private static final Logger LOG = LoggerFactory.getLogger(ShareConsumerImpl.class);
    private static final long LIMIT_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long FETCH_TIMEOUT_MARGIN_MS = 5_000;
    private static final long POLL_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** One acquired record as this consumer tracks it. Guarded by the consumer's lock. */
    private static final class InFlight {
        final TopicPartition tp;
        final long offset;
        final ShareRecord<?, ?> record;
        RecordState state = RecordState.PREFETCHED;
        io.streambus.protocol.share.AcknowledgeType ackType;
        long lockStartNanos;
        long lockEndNanos;
        boolean renewing;

        InFlight(TopicPartition tp, ShareRecord<?, ?> record, long lockStartNanos, long lockEndNanos) {
            this.tp = tp;
            this.offset = record.offset();
            this.record = record;
            this.lockStartNanos = lockStartNanos;
            this.lockEndNanos = lockEndNanos;
        }

        void move(RecordState to) {
            state = state.moveTo(to);
        }
    }

    /** One sending of acknowledgements and its per-partition outcome. Guarded by the consumer's lock. */
    private final class AckFlush {
        final Map<TopicPartition, List<InFlight>> parts;
        final Map<TopicPartition, Optional<Exception>> results = new LinkedHashMap<>();
        final CompletableFuture<Map<TopicPartition, Optional<Exception>>> done = new CompletableFuture<>();
        final long deadlineNanos;
        int attempts;

        AckFlush(Map<TopicPartition, List<InFlight>> parts) {
            this.parts = parts;
            this.deadlineNanos = time.nanoTime() + sender.apiTimeoutNanos();
            if (parts.isEmpty()) {
                done.complete(Map.of());
            } else {
                activeFlushes.add(this);
            }
        }

        void complete(TopicPartition tp, Exception error, RecordState to) {
            List<InFlight> recs = parts.get(tp);
            if (recs == null || results.containsKey(tp)) {
                return;
            }
            Set<Long> offsets = new TreeSet<>();
            for (InFlight f : recs) {
                offsets.add(f.offset);
                if (f.state == RecordState.SENDING || (to == RecordState.LOST && f.state != RecordState.LOST
                        && f.state != RecordState.DONE)) {
                    f.move(to);
                }
                forget(f);
            }
            results.put(tp, Optional.ofNullable(error));
            AcknowledgementCommitCallback cb = callback;
            if (cb != null) {
                callbacks.add(() -> cb.onComplete(tp, offsets, error));
            }
            if (results.size() == parts.size()) {
                activeFlushes.remove(this);
                done.complete(Map.copyOf(results));
            }
        }

        void completeAll(Exception error, RecordState to) {
            for (TopicPartition tp : new ArrayList<>(parts.keySet())) {
                complete(tp, error, to);
            }
        }
    }

    private final String groupId;
    private final RequestSender sender;
    private final Time time;
    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;
    private final boolean explicit;
    private final int maxWaitMs;
    private final int prefetchMax;
    private final int maxPollRecords;
    private final int fetchMaxBytes;
    private final String filter;
    private final boolean autoRenew;
    private final long fetchBackoffMs;
    private final Backoff backoff;
    private final ShareMembership membership;
    private final Runnable onClose;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Acknowledgement callbacks to run on the application thread. */
    private final ConcurrentLinkedQueue<Runnable> callbacks = new ConcurrentLinkedQueue<>();
    private final Wakeup wakeup = new Wakeup(lock, changed);
    private volatile AcknowledgementCommitCallback callback;

    // Guarded by lock.
    private final Map<TopicPartition, TreeMap<Long, InFlight>> held = new HashMap<>();
    private final ArrayDeque<InFlight> buffer = new ArrayDeque<>();
    private final List<InFlight> lastPolled = new ArrayList<>();
    private final Map<TopicPartition, Long> skipUntilNanos = new HashMap<>();
    private final Set<TopicPartition> limitWarned = new HashSet<>();
    private final Set<AckFlush> activeFlushes = new LinkedHashSet<>();
    private Set<String> subscription = Set.of();
    private Connection fetchConn;
    private boolean fetchInFlight;
    private boolean fetchScheduled;
    private boolean renewScheduled;
    private int fetchFailures;
    private Integer lockMs;
    private StreamBusException fatal;
    private boolean closing;
    private boolean closed;

    /**
     * A consumer of {@code groupId} over {@code sender}; not subscribed yet.
     *
     * @param config  the consumer's configuration ({@code share.*}, {@code max.poll.records}, {@code fetch.*})
     * @param onClose run once when closed (unregisters from the client)
     */
    public ShareConsumerImpl(String groupId, String clientId, RequestSender sender, Time time, ClientConfig config,
                             Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer, Runnable onClose) {
        this.groupId = groupId;
        this.sender = sender;
        this.time = time;
        this.keyDeserializer = keyDeserializer;
        this.valueDeserializer = valueDeserializer;
        this.explicit = "explicit".equals(config.getString(ClientConfig.SHARE_ACKNOWLEDGEMENT_MODE));
        this.maxWaitMs = config.getInt(ClientConfig.SHARE_FETCH_MAX_WAIT_MS);
        this.prefetchMax = config.getInt(ClientConfig.SHARE_PREFETCH_MAX_RECORDS);
        this.maxPollRecords = config.getInt(ClientConfig.MAX_POLL_RECORDS);
        this.fetchMaxBytes = config.getInt(ClientConfig.FETCH_MAX_BYTES);
        this.filter = config.getString(ClientConfig.SHARE_FILTER);
        this.autoRenew = config.getBoolean(ClientConfig.SHARE_LOCK_AUTO_RENEW);
        this.fetchBackoffMs = Math.max(1, config.getInt(ClientConfig.FETCH_BACKOFF_MS));
        this.backoff = new Backoff(config.getInt(ClientConfig.RETRY_BACKOFF_MS),
                config.getInt(ClientConfig.RETRY_BACKOFF_MAX_MS));
        this.onClose = onClose;
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
                failWith(error);
            }
        });
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
        lock.lock();
        try {
            ensureOpen();
            subscription = Set.copyOf(list);
        } finally {
            lock.unlock();
        }
        membership.subscribe(list);
    }

    @Override
    public Set<String> subscription() {
        lock.lock();
        try {
            return subscription;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void unsubscribe() {
        long deadline = time.nanoTime() + sender.apiTimeoutNanos();
        settleAndFlush(deadline);
        lock.lock();
        try {
            subscription = Set.of();
            closeFetchConnection();
        } finally {
            lock.unlock();
        }
        awaitQuietly(membership.leave(false), deadline, "leaving share group");
        runCallbacks();
    }

    @Override
    public List<ShareRecord<K, V>> poll(Duration timeout) {
        long realDeadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        lock.lock();
        try {
            ensureOpen();
            if (subscription.isEmpty()) {
                throw new IllegalStateException("the share consumer is not subscribed");
            }
            for (InFlight f : lastPolled) {
                if (f.state == RecordState.DELIVERED) {
                    if (explicit) {
                        throw new IllegalStateException("explicit acknowledgement mode: record " + f.tp + "@"
                                + f.offset + " of the previous poll is not acknowledged");
                    }
                    ack(f, io.streambus.protocol.share.AcknowledgeType.ACCEPT);
                }
            }
            lastPolled.clear();
            // Acknowledgements ride on the next ShareFetch (B.13.5); while one is held they wait for its reply
            // (at most share.fetch.max.wait.ms), and go on their own when no fetch can carry them.
            if (!maybeFetch() && !fetchInFlight && !fetchScheduled) {
                sendAcknowledgements();
            }
        } finally {
            lock.unlock();
        }
        while (true) {
            runCallbacks();
            lock.lock();
            try {
                if (fatal != null) {
                    throw fatal;
                }
                wakeup.throwIfRequested();
                List<ShareRecord<K, V>> out = takeBuffered();
                if (!out.isEmpty()) {
                    maybeFetch();
                    return out;
                }
                maybeFetch();
                long left = realDeadline - System.nanoTime();
                if (left <= 0) {
                    return List.of();
                }
                changed.awaitNanos(Math.min(left, POLL_SLICE_NANOS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StreamBusException("interrupted in poll", e);
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public void acknowledge(ShareRecord<K, V> record) {
        acknowledge(record, AcknowledgeType.ACCEPT);
    }

    @Override
    public void acknowledge(ShareRecord<K, V> record, AcknowledgeType type) {
        lock.lock();
        try {
            ensureOpen();
            InFlight f = find(record);
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
                    renew(Map.of(f.tp, List.of(f)));
                }
                return;
            }
            ack(f, io.streambus.protocol.share.AcknowledgeType.valueOf(type.name()));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Map<TopicPartition, Optional<Exception>> commitSync(Duration timeout) {
        long deadline = time.nanoTime() + timeout.toNanos();
        List<CompletableFuture<Map<TopicPartition, Optional<Exception>>>> waits = new ArrayList<>();
        lock.lock();
        try {
            ensureOpen();
            implicitAccept();
            sendAcknowledgements();
            for (AckFlush f : activeFlushes) {
                waits.add(f.done);
            }
        } finally {
            lock.unlock();
        }
        Map<TopicPartition, Optional<Exception>> out = new LinkedHashMap<>();
        for (CompletableFuture<Map<TopicPartition, Optional<Exception>>> w : waits) {
            Map<TopicPartition, Optional<Exception>> m = awaitQuietly(w, deadline, "committing acknowledgements");
            if (m == null) {
                runCallbacks();
                throw new StreamBusTimeoutException("acknowledgements of share group '" + groupId
                        + "' not answered within " + timeout);
            }
            m.forEach((tp, e) -> out.merge(tp, e, (a, b) -> a.isPresent() ? a : b));
        }
        runCallbacks();
        return out;
    }

    @Override
    public void commitAsync() {
        lock.lock();
        try {
            ensureOpen();
            implicitAccept();
            sendAcknowledgements();
        } finally {
            lock.unlock();
        }
        runCallbacks();
    }

    @Override
    public void setAcknowledgementCommitCallback(AcknowledgementCommitCallback callback) {
        this.callback = callback;
    }

    @Override
    public Optional<Integer> acquisitionLockTimeoutMs() {
        lock.lock();
        try {
            return Optional.ofNullable(lockMs);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void wakeup() {
        wakeup.request();
    }

    @Override
    public void close(Duration timeout) {
        lock.lock();
        try {
            if (closed || closing) {
                return;
            }
            closing = true;
            closeFetchConnection();
        } finally {
            lock.unlock();
        }
        long deadline = time.nanoTime() + timeout.toNanos();
        try {
            settleAndFlush(deadline);
            awaitQuietly(membership.leave(true), deadline, "leaving share group");
            membership.closed();
            runCallbacks();
        } finally {
            lock.lock();
            try {
                closed = true;
                for (TreeMap<Long, InFlight> m : held.values()) {
                    for (InFlight f : m.values()) {
                        f.state = f.state == RecordState.DONE ? f.state : RecordState.LOST;
                    }
                }
                held.clear();
                buffer.clear();
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            onClose.run();
        }
    }

    // ---- acknowledgements --------------------------------------------------------------------------------------

    /**
     * B.13.12 rule 6: accepts (implicit) or releases (explicit) what the application holds, returns what it never
     * saw, sends it all and waits for the answers until {@code deadline}.
     */
    private void settleAndFlush(long deadline) {
        List<CompletableFuture<Map<TopicPartition, Optional<Exception>>>> waits = new ArrayList<>();
        lock.lock();
        try {
            implicitAccept();
            for (TreeMap<Long, InFlight> m : held.values()) {
                for (InFlight f : m.values()) {
                    if (f.state == RecordState.DELIVERED) {
                        ack(f, io.streambus.protocol.share.AcknowledgeType.RELEASE);
                    }
                }
            }
            for (InFlight f : buffer) {
                ack(f, io.streambus.protocol.share.AcknowledgeType.RETURN);
            }
            buffer.clear();
            lastPolled.clear();
            sendAcknowledgements();
            for (AckFlush f : activeFlushes) {
                waits.add(f.done);
            }
        } finally {
            lock.unlock();
        }
        for (CompletableFuture<Map<TopicPartition, Optional<Exception>>> w : waits) {
            awaitQuietly(w, deadline, "settling acknowledgements");
        }
        runCallbacks();
    }

    /** Implicit mode: the records of the latest poll are accepted. Under lock. */
    private void implicitAccept() {
        if (!explicit) {
            for (InFlight f : lastPolled) {
                if (f.state == RecordState.DELIVERED) {
                    ack(f, io.streambus.protocol.share.AcknowledgeType.ACCEPT);
                }
            }
            lastPolled.clear();
        }
    }

    private void ack(InFlight f, io.streambus.protocol.share.AcknowledgeType type) {
        f.move(RecordState.ACKNOWLEDGED);
        f.ackType = type;
    }

    /** Every record acknowledged locally and not sent yet, per partition, moved to SENDING. Under lock. */
    private Map<TopicPartition, List<InFlight>> takeAcknowledged(Set<TopicPartition> only) {
        Map<TopicPartition, List<InFlight>> out = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, TreeMap<Long, InFlight>> e : held.entrySet()) {
            if (only != null && !only.contains(e.getKey())) {
                continue;
            }
            for (InFlight f : e.getValue().values()) {
                if (f.state == RecordState.ACKNOWLEDGED) {
                    f.move(RecordState.SENDING);
                    out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(f);
                }
            }
        }
        return out;
    }

    /**
     * Ranges over offsets this member holds (B.13.12 rule 4: a range never covers a record it did not receive):
     * consecutive offsets with one type share a range.
     */
    static List<Acknowledgement> ranges(List<Long> offsets, List<io.streambus.protocol.share.AcknowledgeType> types) {
        List<Acknowledgement> out = new ArrayList<>();
        int i = 0;
        while (i < offsets.size()) {
            int j = i;
            while (j + 1 < offsets.size() && offsets.get(j + 1) == offsets.get(j) + 1
                    && types.get(j + 1) == types.get(i)) {
                j++;
            }
            out.add(new Acknowledgement(offsets.get(i), offsets.get(j), types.get(i)));
            i = j + 1;
        }
        return out;
    }

    private static List<Acknowledgement> rangesOf(List<InFlight> recs,
                                                  io.streambus.protocol.share.AcknowledgeType override) {
        List<InFlight> sorted = new ArrayList<>(recs);
        sorted.sort((a, b) -> Long.compare(a.offset, b.offset));
        List<Long> offsets = new ArrayList<>(sorted.size());
        List<io.streambus.protocol.share.AcknowledgeType> types = new ArrayList<>(sorted.size());
        for (InFlight f : sorted) {
            offsets.add(f.offset);
            types.add(override != null ? override : f.ackType);
        }
        return ranges(offsets, types);
    }

    /** Sends what is acknowledged with ShareAcknowledge on the shared path. Under lock. */
    private void sendAcknowledgements() {
        Map<TopicPartition, List<InFlight>> parts = takeAcknowledged(null);
        if (!parts.isEmpty()) {
            sendAcknowledge(new AckFlush(parts), parts.keySet());
        }
    }

    private void sendAcknowledge(AckFlush flush, Set<TopicPartition> which) {
        String memberId = membership.memberId();
        if (memberId.isEmpty()) {
            flush.completeAll(new StreamBusException("share consumer of group '" + groupId
                    + "' is not a member: its records have been or will be delivered again"), RecordState.LOST);
            return;
        }
        Map<String, List<ShareAcknowledgePartition>> byTopic = new TreeMap<>();
        for (TopicPartition tp : which) {
            byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(new ShareAcknowledgePartition(
                    tp.partition(), rangesOf(flush.parts.get(tp), null)));
        }
        flush.attempts++;
        ShareAcknowledgeRequest req = new ShareAcknowledgeRequest(groupId, memberId, TopicPartitions.of(byTopic));
        Set<TopicPartition> sent = Set.copyOf(which);
        sender.send(BodySupplier.of(req), 0, sender.requestTimeoutNanos())
                .whenComplete((r, err) -> onAcknowledgeReply(flush, sent, r, err));
    }

    private void onAcknowledgeReply(AckFlush flush, Set<TopicPartition> sent, DecodedResponse r, Throwable err) {
        boolean lost = false;
        lock.lock();
        try {
            if (err != null) {
                lost = requestFailed(flush, sent, err, "ShareAcknowledge");
            } else {
                ShareAcknowledgeResponse resp;
                try (r) {
                    resp = r.body(ShareAcknowledgeResponse.class);
                }
                Set<TopicPartition> unanswered = new HashSet<>(sent);
                for (TopicPartitions.Topic<ShareAcknowledgePartitionResult> t : resp.partitions().topics()) {
                    for (ShareAcknowledgePartitionResult p : t.partitions()) {
                        TopicPartition tp = new TopicPartition(t.name(), p.partition());
                        if (unanswered.remove(tp)) {
                            partitionAckResult(flush, tp, p.errorCode(), p.unappliedAcknowledgements());
                        }
                    }
                }
                for (TopicPartition tp : unanswered) { // a conforming broker answers every partition
                    flush.complete(tp, new StreamBusException("no answer for " + tp), RecordState.LOST);
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (lost) {
            membership.memberLost();
        }
    }

    /**
     * The outcome of one partition's acknowledgements (B.13.6, B.13.12): 0 and 52 are final (52 reports the
     * unapplied offsets, not retried), 7 retries after a backoff, 53/8/5 drop the partition, others fail. Under lock.
     */
    private void partitionAckResult(AckFlush flush, TopicPartition tp, int code, List<OffsetRange> unapplied) {
        switch (code) {
            case 0 -> flush.complete(tp, null, RecordState.DONE);
            case ErrorCode.INVALID_RECORD_STATE -> {
                Set<Long> offsets = new TreeSet<>();
                for (OffsetRange o : unapplied) {
                    for (InFlight f : flush.parts.getOrDefault(tp, List.of())) {
                        if (f.offset >= o.firstOffset() && f.offset <= o.lastOffset()) {
                            offsets.add(f.offset);
                        }
                    }
                }
                flush.complete(tp, new InvalidRecordStateException(tp.toString(), offsets), RecordState.DONE);
            }
            case ErrorCode.STORAGE_ERROR -> retryLater(flush, Set.of(tp),
                    new BrokerErrorException(code, "", "acknowledgements of " + tp));
            case ErrorCode.PARTITION_NOT_ASSIGNED, ErrorCode.TOPIC_NOT_FOUND, ErrorCode.PARTITION_NOT_FOUND -> {
                flush.complete(tp, new BrokerErrorException(code, "", "acknowledgements of " + tp),
                        RecordState.LOST);
                partitionGone(tp);
            }
            default -> flush.complete(tp, Errors.fromCode(code, "", "acknowledgements of " + tp),
                    RecordState.LOST);
        }
    }

    /** Request-level failure of a request that carried acknowledgements. Returns true if the member is lost. */
    private boolean requestFailed(AckFlush flush, Set<TopicPartition> sent, Throwable err, String what) {
        Throwable cause = Errors.unwrap(err);
        int code = cause instanceof BrokerErrorException b ? b.code() : -1;
        if (code == ErrorCode.UNKNOWN_MEMBER_ID || code == ErrorCode.UNKNOWN_CONSUMER_GROUP_ID) {
            if (flush != null) {
                for (TopicPartition tp : sent) {
                    flush.complete(tp, Errors.toStreamBus(cause, what), RecordState.LOST);
                }
            }
            return true;
        }
        if (flush == null) {
            return false;
        }
        if (Errors.isRetriable(cause)) {
            retryLater(flush, sent, cause);
        } else {
            for (TopicPartition tp : sent) {
                flush.complete(tp, Errors.toStreamBus(cause, what + " of share group '" + groupId + "'"),
                        RecordState.LOST);
            }
        }
        return false;
    }

    /**
     * B.13.12: 6, 7, 25 and connection loss retry after a backoff (none was applied), until the flush's deadline.
     * The records stay SENDING, owned by {@code flush}, so that no other sending takes them meanwhile. Under lock.
     */
    private void retryLater(AckFlush flush, Set<TopicPartition> which, Throwable cause) {
        if (time.nanoTime() >= flush.deadlineNanos || closed) {
            for (TopicPartition tp : which) {
                flush.complete(tp, Errors.toStreamBus(cause, "acknowledgements of " + tp), RecordState.LOST);
            }
            return;
        }
        long delay = closing ? 0 : backoff.delayMs(flush.attempts - 1);
        sender.schedule(() -> {
            lock.lock();
            try {
                Set<TopicPartition> again = new LinkedHashSet<>();
                for (TopicPartition tp : which) {
                    if (!flush.results.containsKey(tp)) {
                        again.add(tp);
                    }
                }
                if (closed) {
                    for (TopicPartition tp : again) {
                        flush.complete(tp, Errors.toStreamBus(cause, "acknowledgements of " + tp),
                                RecordState.LOST);
                    }
                } else if (!again.isEmpty()) {
                    sendAcknowledge(flush, again);
                }
            } finally {
                lock.unlock();
            }
        }, delay);
    }

    // ---- lock renewal ------------------------------------------------------------------------------------------

    private void scheduleRenewCheck() {
        if (!autoRenew || renewScheduled || lockMs == null || closing) {
            return;
        }
        renewScheduled = true;
        sender.schedule(this::renewCheck, Math.max(1, lockMs / 4));
    }

    private void renewCheck() {
        lock.lock();
        try {
            renewScheduled = false;
            if (closed || closing || lockMs == null) {
                return;
            }
            long now = time.nanoTime();
            long half = TimeUnit.MILLISECONDS.toNanos(lockMs) / 2;
            Map<TopicPartition, List<InFlight>> due = new LinkedHashMap<>();
            boolean anyDelivered = false;
            for (TreeMap<Long, InFlight> m : held.values()) {
                for (InFlight f : m.values()) {
                    if (f.state == RecordState.DELIVERED) {
                        anyDelivered = true;
                        if (!f.renewing && now - f.lockStartNanos >= half && now < f.lockEndNanos) {
                            due.computeIfAbsent(f.tp, k -> new ArrayList<>()).add(f);
                        }
                    }
                }
            }
            if (!due.isEmpty()) {
                renew(due);
            }
            if (anyDelivered) {
                scheduleRenewCheck();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sends RENEW for {@code due} (B.13.8); their lock restarts at the send time on success. Under lock. */
    private void renew(Map<TopicPartition, List<InFlight>> due) {
        String memberId = membership.memberId();
        if (memberId.isEmpty()) {
            return;
        }
        Map<String, List<ShareAcknowledgePartition>> byTopic = new TreeMap<>();
        due.forEach((tp, recs) -> {
            recs.forEach(f -> f.renewing = true);
            byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(new ShareAcknowledgePartition(
                    tp.partition(), rangesOf(recs, io.streambus.protocol.share.AcknowledgeType.RENEW)));
        });
        long sentAt = time.nanoTime();
        ShareAcknowledgeRequest req = new ShareAcknowledgeRequest(groupId, memberId, TopicPartitions.of(byTopic));
        sender.send(BodySupplier.of(req), 0, sender.requestTimeoutNanos()).whenComplete((r, err) -> {
            boolean lost = false;
            lock.lock();
            try {
                due.values().forEach(l -> l.forEach(f -> f.renewing = false));
                if (err != null) {
                    lost = requestFailed(null, Set.of(), err, "renewal");
                    if (!lost) {
                        LOG.debug("lock renewal for share group {} failed: {}", groupId, Errors.unwrap(err).toString());
                    }
                } else {
                    ShareAcknowledgeResponse resp;
                    try (r) {
                        resp = r.body(ShareAcknowledgeResponse.class);
                    }
                    long end = sentAt + TimeUnit.MILLISECONDS.toNanos(resp.acquisitionLockMs());
                    lockMs = resp.acquisitionLockMs();
                    for (TopicPartitions.Topic<ShareAcknowledgePartitionResult> t : resp.partitions().topics()) {
                        for (ShareAcknowledgePartitionResult p : t.partitions()) {
                            TopicPartition tp = new TopicPartition(t.name(), p.partition());
                            if (p.errorCode() != 0 && p.errorCode() != ErrorCode.INVALID_RECORD_STATE) {
                                if (p.errorCode() == ErrorCode.PARTITION_NOT_ASSIGNED
                                        || p.errorCode() == ErrorCode.TOPIC_NOT_FOUND
                                        || p.errorCode() == ErrorCode.PARTITION_NOT_FOUND) {
                                    partitionGone(tp);
                                }
                                continue;
                            }
                            for (InFlight f : due.getOrDefault(tp, List.of())) {
                                if (!inRanges(f.offset, p.unappliedAcknowledgements())) {
                                    f.lockStartNanos = sentAt;
                                    f.lockEndNanos = end;
                                }
                            }
                        }
                    }
                }
            } finally {
                lock.unlock();
            }
            if (lost) {
                membership.memberLost();
            }
        });
    }

    private static boolean inRanges(long offset, List<OffsetRange> ranges) {
        for (OffsetRange o : ranges) {
            if (offset >= o.firstOffset() && offset <= o.lastOffset()) {
                return true;
            }
        }
        return false;
    }

    // ---- fetching ----------------------------------------------------------------------------------------------

    /**
     * Sends a ShareFetch on the dedicated connection when the member is stable, none is in flight and the prefetch
     * bound leaves room, piggy-backing the acknowledgements of the fetched partitions. Returns true if one was
     * sent (or a connection is being opened for it). Under lock.
     */
    private boolean maybeFetch() {
        if (closed || closing || fetchInFlight || fetchScheduled || fatal != null
                || membership.state() != ShareMemberState.STABLE) {
            return false;
        }
        int room = prefetchMax - buffer.size();
        if (room <= 0) {
            return false;
        }
        long now = time.nanoTime();
        List<TopicPartition> parts = new ArrayList<>();
        for (TopicPartition tp : new TreeSet<>(membership.assignment())) {
            Long until = skipUntilNanos.get(tp);
            if (until != null && now < until) {
                continue;
            }
            skipUntilNanos.remove(tp);
            parts.add(tp);
        }
        if (parts.isEmpty()) {
            if (!skipUntilNanos.isEmpty()) {
                scheduleFetch(TimeUnit.NANOSECONDS.toMillis(LIMIT_BACKOFF_NANOS));
            }
            return false;
        }
        Connection c = fetchConn;
        if (c == null || !c.isOpen()) {
            fetchInFlight = true;
            sender.openDedicated().whenComplete(this::onFetchConnection);
            return true;
        }
        Map<TopicPartition, List<InFlight>> acks = takeAcknowledged(Set.copyOf(parts));
        AckFlush flush = new AckFlush(acks);
        int perPartition = Math.max(1, room / parts.size());
        Map<String, List<ShareFetchPartition>> byTopic = new TreeMap<>();
        for (TopicPartition tp : parts) {
            List<InFlight> a = acks.get(tp);
            byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(new ShareFetchPartition(tp.partition(),
                    perPartition, fetchMaxBytes, a == null ? List.of() : rangesOf(a, null)));
        }
        ShareFetchRequest req = new ShareFetchRequest(groupId, membership.memberId(), maxWaitMs, filter,
                TopicPartitions.of(byTopic));
        fetchInFlight = true;
        long sentAt = now;
        Set<TopicPartition> ackParts = Set.copyOf(acks.keySet());
        CompletableFuture<DecodedResponse> f = new CompletableFuture<>();
        c.send(BodySupplier.of(req), 0, ResponseHandler.completing(f, "ShareFetch of share group '" + groupId + "'"),
                TimeUnit.MILLISECONDS.toNanos(maxWaitMs + FETCH_TIMEOUT_MARGIN_MS));
        f.whenComplete((r, err) -> onFetchReply(c, flush, ackParts, sentAt, r, err));
        return true;
    }

    private void onFetchConnection(Connection c, Throwable err) {
        lock.lock();
        try {
            fetchInFlight = false;
            if (err != null) {
                LOG.debug("fetch connection for share group {} failed: {}", groupId, Errors.unwrap(err).toString());
                scheduleFetch(backoff.delayMs(fetchFailures++));
                return;
            }
            BrokerCapabilities caps = c.capabilities();
            if (caps != null && !caps.supportsShareGroups()) {
                c.close();
                failLocked(new UnsupportedFeatureException(BrokerCapabilities.CAP_SHARE_GROUPS, c.address()));
                return;
            }
            if (closing || closed) {
                c.close();
                return;
            }
            fetchConn = c;
            maybeFetch();
        } finally {
            lock.unlock();
        }
    }

    private void scheduleFetch(long delayMs) {
        if (fetchScheduled || closing || closed) {
            return;
        }
        fetchScheduled = true;
        sender.schedule(() -> {
            lock.lock();
            try {
                fetchScheduled = false;
                maybeFetch();
            } finally {
                lock.unlock();
            }
        }, delayMs);
    }

    private void onFetchReply(Connection c, AckFlush flush, Set<TopicPartition> ackParts, long sentAt,
                              DecodedResponse r, Throwable err) {
        boolean lost = false;
        List<AcquiredRecord> toRelease = new ArrayList<>();
        lock.lock();
        try {
            fetchInFlight = false;
            if (err != null) {
                Throwable cause = Errors.unwrap(err);
                int code = cause instanceof BrokerErrorException b ? b.code() : -1;
                if (code == ErrorCode.INVALID_FILTER) {
                    flush.completeAll(new InvalidFilterException("filter refused"), RecordState.LOST);
                    failLocked(new InvalidFilterException("the broker refused the filter of share group '" + groupId
                            + "' (" + ((BrokerErrorException) cause).getMessage() + ")"));
                    return;
                }
                if (Errors.isRetriable(cause)) {
                    if (!c.isOpen() && fetchConn == c) {
                        fetchConn = null;
                    }
                    // Acknowledgements carried by the failed fetch go again on their own (none was applied);
                    // at once when closing, whose own fetch connection close caused this.
                    if (!ackParts.isEmpty()) {
                        retryLater(flush, ackParts, cause);
                    }
                    scheduleFetch(backoff.delayMs(fetchFailures++));
                    return;
                }
                lost = requestFailed(flush, ackParts, cause, "ShareFetch");
                if (!lost && !closing && !closed) {
                    failLocked(Errors.toStreamBus(cause, "ShareFetch of share group '" + groupId + "'"));
                }
                return;
            }
            fetchFailures = 0;
            ShareFetchResponse resp;
            Set<TopicPartition> unanswered = new HashSet<>(ackParts);
            try (r) {
                resp = r.body(ShareFetchResponse.class);
                for (TopicPartitions.Topic<ShareFetchPartitionData> t : resp.partitions().topics()) {
                    for (ShareFetchPartitionData p : t.partitions()) {
                        List<AcquiredRecord> recs = p.records().toRecords();
                        toRelease.addAll(recs);
                        TopicPartition tp = new TopicPartition(t.name(), p.partition());
                        unanswered.remove(tp);
                        fetchedPartition(flush, tp, p, recs, sentAt, resp.acquisitionLockMs());
                    }
                }
            }
            for (TopicPartition tp : unanswered) { // a conforming broker answers every partition
                flush.complete(tp, new StreamBusException("no answer for " + tp), RecordState.LOST);
            }
            lockMs = resp.acquisitionLockMs();
            changed.signalAll();
            if (fatal == null && !closing && !closed) {
                if (toRelease.isEmpty() && maxWaitMs == 0) {
                    scheduleFetch(fetchBackoffMs);
                } else if (!maybeFetch()) {
                    sendAcknowledgements(); // no fetch to carry them (prefetch bound reached)
                }
            }
        } finally {
            lock.unlock();
            toRelease.forEach(AcquiredRecord::release);
            if (lost) {
                membership.memberLost();
            }
        }
    }

    /** One partition of a ShareFetch reply (B.13.5, B.13.12). Under lock. */
    private void fetchedPartition(AckFlush flush, TopicPartition tp, ShareFetchPartitionData p,
                                  List<AcquiredRecord> recs, long sentAt, int lockDurationMs) {
        int code = p.errorCode();
        if (code != 0) {
            switch (code) {
                case ErrorCode.PARTITION_NOT_ASSIGNED, ErrorCode.TOPIC_NOT_FOUND, ErrorCode.PARTITION_NOT_FOUND -> {
                    flush.complete(tp, new BrokerErrorException(code, "", "ShareFetch of " + tp), RecordState.LOST);
                    partitionGone(tp);
                }
                case ErrorCode.STORAGE_ERROR -> {
                    if (flush.parts.containsKey(tp)) {
                        retryLater(flush, Set.of(tp), new BrokerErrorException(code, "", "ShareFetch of " + tp));
                    }
                }
                default -> {
                    StreamBusException e = Errors.fromCode(code, "", "ShareFetch of " + tp + " in share group '"
                            + groupId + "'");
                    flush.complete(tp, e, RecordState.LOST);
                    failLocked(e);
                }
            }
            return;
        }
        if (flush.parts.containsKey(tp)) {
            partitionAckResult(flush, tp, p.acknowledgeErrorCode() == ErrorCode.INVALID_RECORD_STATE
                    ? ErrorCode.INVALID_RECORD_STATE : 0, p.unappliedAcknowledgements());
        }
        if (recs.isEmpty()) {
            if (p.inFlightLimitReached()) {
                skipUntilNanos.put(tp, time.nanoTime() + LIMIT_BACKOFF_NANOS);
                if (limitWarned.add(tp)) {
                    LOG.warn("share group '{}': {} has reached its in-flight limit with records no consumer's "
                            + "filter takes; fetching it again in 1 s (B.13.9)", groupId, tp);
                }
            }
            return;
        }
        if (!membership.assignment().contains(tp)) {
            // Fetched before the partition left the assignment: they cannot be acknowledged any more (53), so
            // they are not handed out; their locks end and the broker delivers them again.
            LOG.debug("share group '{}': {} records of {} dropped, the partition is no longer assigned", groupId,
                    recs.size(), tp);
            return;
        }
        long lockEnd = sentAt + TimeUnit.MILLISECONDS.toNanos(lockDurationMs);
        TreeMap<Long, InFlight> m = held.computeIfAbsent(tp, k -> new TreeMap<>());
        for (AcquiredRecord a : recs) {
            InFlight f = new InFlight(tp, toShareRecord(tp, a), sentAt, lockEnd);
            InFlight old = m.put(f.offset, f);
            if (old != null && old.state != RecordState.DONE && old.state != RecordState.LOST) {
                // The broker gave it to us again: our earlier hold has ended (its lock expired).
                buffer.remove(old);
                lastPolled.remove(old);
                old.state = old.state.moveTo(RecordState.LOST);
            }
            buffer.add(f);
        }
        scheduleRenewCheck();
    }

    private ShareRecord<K, V> toShareRecord(TopicPartition tp, AcquiredRecord a) {
        Message m = a.message();
        K key = m.key().readableBytes() == 0 ? null : keyDeserializer.deserialize(tp.topic(), m.key());
        V value = valueDeserializer.deserialize(tp.topic(), m.value());
        long ts = m.timestampNanos() == Message.REFERENCE_NO_TIMESTAMP ? ConsumerRecord.NO_TIMESTAMP
                : Math.floorDiv(m.timestampNanos(), 1_000_000L);
        return new ShareRecord<>(tp.topic(), tp.partition(), m.offset(), ts, key, value, m.headers(),
                a.deliveryCount());
    }

    /** Hands out buffered records whose lock has not ended, at most max.poll.records. Under lock. */
    @SuppressWarnings("unchecked")
    private List<ShareRecord<K, V>> takeBuffered() {
        long now = time.nanoTime();
        List<ShareRecord<K, V>> out = new ArrayList<>();
        while (!buffer.isEmpty() && out.size() < maxPollRecords) {
            InFlight f = buffer.poll();
            if (now >= f.lockEndNanos) {
                // B.13.8: never hand out a record after its lock end; the broker delivers it again.
                f.move(RecordState.LOST);
                forget(f);
                continue;
            }
            f.move(RecordState.DELIVERED);
            lastPolled.add(f);
            out.add((ShareRecord<K, V>) f.record);
        }
        if (!out.isEmpty()) {
            scheduleRenewCheck();
        }
        return out;
    }

    // ---- membership events -------------------------------------------------------------------------------------

    private void onNewAssignment(Set<TopicPartition> assignment) {
        lock.lock();
        try {
            for (TopicPartition tp : new ArrayList<>(held.keySet())) {
                if (!assignment.contains(tp)) {
                    dropPartition(tp);
                }
            }
            maybeFetch();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** B.13.12: 20/24 — every record held is lost (acknowledging them is no longer possible). */
    private void memberLost() {
        lock.lock();
        try {
            for (TopicPartition tp : new ArrayList<>(held.keySet())) {
                dropPartition(tp);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** B.13.12: 53, 8, 5 — stop using the partition and refresh the assignment at once. Under lock. */
    private void partitionGone(TopicPartition tp) {
        dropPartition(tp);
        membership.partitionGone(tp);
    }

    private void dropPartition(TopicPartition tp) {
        TreeMap<Long, InFlight> m = held.remove(tp);
        if (m == null) {
            return;
        }
        for (InFlight f : m.values()) {
            if (f.state == RecordState.SENDING) {
                continue; // its flush reports the outcome
            }
            if (f.state != RecordState.DONE && f.state != RecordState.LOST) {
                f.move(RecordState.LOST);
            }
            buffer.remove(f);
            lastPolled.remove(f);
        }
    }

    private void forget(InFlight f) {
        TreeMap<Long, InFlight> m = held.get(f.tp);
        if (m != null && m.get(f.offset) == f) {
            m.remove(f.offset);
            if (m.isEmpty()) {
                held.remove(f.tp);
            }
        }
    }

    private InFlight find(ShareRecord<?, ?> record) {
        TreeMap<Long, InFlight> m = held.get(record.topicPartition());
        InFlight f = m == null ? null : m.get(record.offset());
        return f != null && f.record == record ? f : null;
    }

    private void failWith(StreamBusException e) {
        lock.lock();
        try {
            failLocked(e);
        } finally {
            lock.unlock();
        }
    }

    private void failLocked(StreamBusException e) {
        if (fatal == null) {
            fatal = e;
            LOG.warn("share consumer of group '{}' failed: {}", groupId, e.getMessage());
        }
        membership.fail();
        changed.signalAll();
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private void ensureOpen() {
        if (closed || closing) {
            throw new IllegalStateException("the share consumer of group '" + groupId + "' is closed");
        }
    }

    private void closeFetchConnection() {
        Connection c = fetchConn;
        fetchConn = null;
        if (c != null) {
            c.close();
        }
    }

    private void runCallbacks() {
        Runnable r;
        while ((r = callbacks.poll()) != null) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("acknowledgement commit callback of share group '{}' failed", groupId, e);
            }
        }
    }

    /** Waits for {@code f} until {@code deadline} of the engine clock, bounded in real time as well; null if not done. */
    private <T> T awaitQuietly(CompletableFuture<T> f, long deadline, String what) {
        long realDeadline = System.nanoTime() + Math.max(0, deadline - time.nanoTime());
        while (!f.isDone()) {
            long left = realDeadline - System.nanoTime();
            if (left <= 0 || time.nanoTime() >= deadline) {
                LOG.debug("{} of share group '{}' did not complete in time", what, groupId);
                return null;
            }
            try {
                return f.get(Math.min(left, POLL_SLICE_NANOS), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // go on waiting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (java.util.concurrent.ExecutionException e) {
                return null;
            }
        }
        return f.getNow(null);
    }

    /** Membership state (tests). */
    ShareMemberState memberState() {
        return membership.state();
    }

    @Override
    public String toString() {
        return "ShareConsumer[" + groupId + "]";
    }
}
