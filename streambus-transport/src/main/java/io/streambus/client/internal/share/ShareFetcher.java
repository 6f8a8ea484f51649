package io.streambus.client.internal.share;

import io.streambus.client.BrokerErrorException;
import io.streambus.client.StreamBusException;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.internal.consumer.PartitionConsumerImpl;
import io.streambus.client.internal.net.BodySupplier;
import io.streambus.client.internal.net.Connection;
import io.streambus.client.internal.net.Errors;
import io.streambus.client.internal.net.ResponseHandler;
import io.streambus.client.serialization.Deserializer;
import io.streambus.client.share.InvalidFilterException;
import io.streambus.client.share.ShareRecord;
import io.streambus.common.Header;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.DecodedResponse;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.message.MessageCursor;
import io.streambus.protocol.share.ShareRecords;
import io.streambus.protocol.share.ShareFetchPartition;
import io.streambus.protocol.share.ShareFetchPartitionData;
import io.streambus.protocol.share.ShareFetchRequest;
import io.streambus.protocol.share.ShareFetchResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The fetch loop: ShareFetch on a dedicated connection (a held fetch blocks what is behind it, B.13.12 rule 3),
 * bounded by the prefetch limit (sent once half of it is free), piggy-backing the acknowledgements of the fetched
 * partitions when it is sent (never holding them back for a later fetch), and the reactions of B.13.12's table to its
 * replies, the in-flight limit's backoff following {@link InFlightLimitBackoff}. Acquired records go to
 * {@link HeldRecords}. Not thread-safe: guarded by the consumer's lock; timers and replies take it.
 */
final class ShareFetcher<K, V> {
    private static final Logger LOG = LoggerFactory.getLogger(ShareFetcher.class);
    private static final long FETCH_TIMEOUT_MARGIN_MS = 5_000;

    /** The fetcher's settings, from the consumer's configuration. */
    record Settings(int maxWaitMs, int prefetchMax, int fetchMaxBytes, String filter, long fetchBackoffMs) {
    }

    private final ShareContext ctx;
    private final Acknowledger acks;
    private final LockRenewer renewer;
    private final Settings settings;
    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;
    private final InFlightLimitBackoff limitBackoff;

    private final Map<TopicPartition, Long> skipUntilNanos = new HashMap<>();
    private final Set<TopicPartition> limitWarned = new HashSet<>();
    private Connection conn;
    private boolean inFlight;
    private boolean scheduled;
    private int failures;
    /** No new fetch: close or unsubscribe is waiting for the one in flight (B.13.12 rule 6). */
    private boolean paused;
    /** Completes when the fetch in flight while {@link #paused} has been handled; null when nobody waits. */
    private CompletableFuture<Void> idle;

    ShareFetcher(ShareContext ctx, Acknowledger acks, LockRenewer renewer, Settings settings,
                 Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        this.ctx = ctx;
        this.acks = acks;
        this.renewer = renewer;
        this.settings = settings;
        this.keyDeserializer = keyDeserializer;
        this.valueDeserializer = valueDeserializer;
        this.limitBackoff = InFlightLimitBackoff.forFilter(settings.filter(), settings.fetchBackoffMs());
    }

    /**
     * The room a fetch waits for: half the prefetch bound. Topping the buffer up as soon as one record left it would
     * send a ShareFetch per record or two to a consumer that polls a few records at a time, and each costs the broker
     * an acquisition pass over the partition's in-flight window; half the bound still leaves the other half to
     * hand out while the fetch travels.
     */
    private int lowWaterRoom() {
        return Math.max(1, (settings.prefetchMax() + 1) / 2);
    }

    /**
     * Sends no new fetch until {@link #resume}, and returns what completes once no fetch is in flight, its reply
     * handled: its records are then buffered, for close or unsubscribe to RETURN (B.13.8, B.13.12 rule 6). Closing
     * the connection under a held fetch instead would not stop the broker from acquiring into it: it may do so
     * before it sees the close (a release on the shared connection wakes the held fetch at once), and a record
     * acquired into a reply nobody reads comes back with a delivery counted. The wait is at most the fetch's max
     * wait plus a round trip. Under lock.
     */
    CompletableFuture<Void> pause() {
        paused = true;
        if (!inFlight) {
            return CompletableFuture.completedFuture(null);
        }
        if (idle == null) {
            idle = new CompletableFuture<>();
        }
        return idle;
    }

    /** Fetches again after {@link #pause} (a new subscription). Under lock. */
    void resume() {
        paused = false;
    }

    /** Completes the wait of {@link #pause} once nothing is in flight. Under lock. */
    private void signalIdle() {
        if (!inFlight && idle != null) {
            CompletableFuture<Void> i = idle;
            idle = null;
            i.complete(null);
        }
    }

    /**
     * Closes the dedicated connection (a held fetch then fails and its acknowledgements go on their own; records
     * the broker acquired into it before it saw the close are lost to this member and come back counted, so
     * close and unsubscribe call {@link #pause} and wait first).
     */
    void closeConnection() {
        Connection c = conn;
        conn = null;
        if (c != null) {
            c.close();
        }
    }

    /**
     * Sends a ShareFetch on the dedicated connection when the member is stable, none is in flight and the prefetch
     * bound leaves room, piggy-backing the acknowledgements of the fetched partitions. Returns true if one was
     * sent (or a connection is being opened for it). Under lock.
     */
    boolean maybeFetch() {
        if (ctx.stopping() || paused || inFlight || scheduled || ctx.fatal != null
                || ctx.membership.state() != ShareMemberState.STABLE) {
            return false;
        }
        int room = settings.prefetchMax() - ctx.held.buffered();
        if (room < lowWaterRoom()) {
            return false;
        }
        long now = ctx.time.nanoTime();
        List<TopicPartition> parts = new ArrayList<>();
        long firstUntil = Long.MAX_VALUE;
        for (TopicPartition tp : new TreeSet<>(ctx.membership.assignment())) {
            Long until = skipUntilNanos.get(tp);
            if (until != null && now < until) {
                firstUntil = Math.min(firstUntil, until);
                continue;
            }
            skipUntilNanos.remove(tp);
            parts.add(tp);
        }
        if (parts.isEmpty()) {
            if (firstUntil != Long.MAX_VALUE) { // fetch again when the first left-out partition is due
                schedule(Math.max(1, TimeUnit.NANOSECONDS.toMillis(firstUntil - now + 999_999)));
            }
            return false;
        }
        Connection c = conn;
        if (c == null || !c.isOpen()) {
            inFlight = true;
            ctx.sender.openDedicated().whenComplete(this::onConnection);
            return true;
        }
        Map<TopicPartition, List<InFlightRecord>> ackParts = ctx.held.takeAcknowledged(Set.copyOf(parts));
        AckFlush flush = acks.newFlush(ackParts);
        flush.memberId = ctx.membership.memberId();
        int perPartition = Math.max(1, room / parts.size());
        Map<String, List<ShareFetchPartition>> byTopic = new TreeMap<>();
        for (TopicPartition tp : parts) {
            List<InFlightRecord> a = ackParts.get(tp);
            byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(new ShareFetchPartition(tp.partition(),
                    perPartition, settings.fetchMaxBytes(),
                    a == null ? List.of() : Acknowledger.rangesOf(a, null)));
        }
        ShareFetchRequest req = new ShareFetchRequest(ctx.groupId, ctx.membership.memberId(), settings.maxWaitMs(),
                settings.filter(), TopicPartitions.of(byTopic));
        inFlight = true;
        long sentAt = now;
        Set<TopicPartition> carried = Set.copyOf(ackParts.keySet());
        CompletableFuture<DecodedResponse> f = new CompletableFuture<>();
        c.send(BodySupplier.of(req), 0, ResponseHandler.completing(f, "ShareFetch of share group '"
                + ctx.groupId + "'"), TimeUnit.MILLISECONDS.toNanos(settings.maxWaitMs() + FETCH_TIMEOUT_MARGIN_MS));
        f.whenComplete((r, err) -> onReply(c, flush, carried, sentAt, r, err));
        return true;
    }

    private void onConnection(Connection c, Throwable err) {
        ctx.lock.lock();
        try {
            inFlight = false;
            if (err != null) {
                LOG.debug("fetch connection for share group {} failed: {}", ctx.groupId,
                        Errors.unwrap(err).toString());
                schedule(ctx.backoff.delayMs(failures++));
                return;
            }
            BrokerCapabilities caps = c.capabilities();
            if (caps != null && !caps.supportsShareGroups()) {
                c.close();
                ctx.failLocked(new UnsupportedFeatureException(BrokerCapabilities.CAP_SHARE_GROUPS, c.address()));
                return;
            }
            if (ctx.stopping()) {
                c.close();
                return;
            }
            conn = c;
            maybeFetch();
        } finally {
            signalIdle();
            ctx.lock.unlock();
        }
    }

    private void schedule(long delayMs) {
        if (scheduled || ctx.stopping()) {
            return;
        }
        scheduled = true;
        ctx.sender.schedule(() -> {
            ctx.lock.lock();
            try {
                scheduled = false;
                maybeFetch();
            } finally {
                ctx.lock.unlock();
            }
        }, delayMs);
    }

    /** One partition of a ShareFetch reply, its records deserialized (before the lock is taken). */
    private record Fetched<K, V>(TopicPartition tp, ShareFetchPartitionData data, List<ShareRecord<K, V>> records) {
    }

    private void onReply(Connection c, AckFlush flush, Set<TopicPartition> ackParts, long sentAt,
                         DecodedResponse r, Throwable err) {
        // Decoding and deserializing take no shared state: done before the lock, so that the application thread
        // polling what is buffered does not wait behind them.
        ShareFetchResponse resp = null;
        List<Fetched<K, V>> fetched = null;
        if (err == null) {
            try (r) {
                resp = r.body(ShareFetchResponse.class);
                fetched = decode(resp);
            } catch (RuntimeException e) {
                err = e; // not expected of a validated reply; handled as a failed fetch, under the lock
            }
        }
        boolean lost = false;
        ctx.lock.lock();
        try {
            inFlight = false;
            if (err != null) {
                lost = onFailure(c, flush, ackParts, err);
                return;
            }
            failures = 0;
            Set<TopicPartition> unanswered = new HashSet<>(ackParts);
            boolean any = false;
            for (Fetched<K, V> p : fetched) {
                any |= p.data.records().count() > 0;
                unanswered.remove(p.tp);
                fetchedPartition(flush, p.tp, p.data, p.records, sentAt, resp.acquisitionLockMs());
            }
            for (TopicPartition tp : unanswered) { // a conforming broker answers every partition
                flush.complete(tp, new StreamBusException("no answer for " + tp), RecordState.LOST);
            }
            ctx.lockMs = resp.acquisitionLockMs();
            ctx.changed.signalAll();
            if (ctx.fatal == null && !ctx.stopping() && !paused) {
                if (!any && settings.maxWaitMs() == 0) {
                    schedule(settings.fetchBackoffMs());
                } else {
                    maybeFetch();
                }
                // What no fetch carried (prefetch bound reached, partition left out) goes on its own at once, or
                // behind the ShareAcknowledge on the wire.
                acks.sendAcknowledgementsSoon();
            }
        } finally {
            signalIdle();
            ctx.lock.unlock();
            if (lost) {
                ctx.membership.memberLost();
            }
        }
    }

    /**
     * The partitions of {@code resp}, their records deserialized straight from the frame (no slice or message per
     * record). A record the deserializers refuse is not handed out: its lock ends and the broker delivers it again,
     * its delivery count raised (B.13.8), until the group's delivery limit archives it.
     */
    private List<Fetched<K, V>> decode(ShareFetchResponse resp) {
        List<Fetched<K, V>> out = new ArrayList<>();
        for (TopicPartitions.Topic<ShareFetchPartitionData> t : resp.partitions().topics()) {
            for (ShareFetchPartitionData p : t.partitions()) {
                TopicPartition tp = new TopicPartition(t.name(), p.partition());
                int n = p.records().count();
                List<ShareRecord<K, V>> recs = n == 0 ? List.of() : new ArrayList<>(n);
                MessageCursor cur = p.records().cursor();
                while (cur.next()) {
                    try {
                        recs.add(toShareRecord(tp, cur));
                    } catch (RuntimeException e) {
                        LOG.warn("share group '{}': cannot deserialize the record at offset {} of {}; it is not "
                                + "handed out and will be delivered again: {}", ctx.groupId, cur.offset(), tp,
                                e.toString());
                    }
                }
                out.add(new Fetched<>(tp, p, recs));
            }
        }
        return out;
    }

    /** A failed ShareFetch. Returns true if the member is lost. Under lock. */
    private boolean onFailure(Connection c, AckFlush flush, Set<TopicPartition> ackParts, Throwable err) {
        Throwable cause = Errors.unwrap(err);
        int code = cause instanceof BrokerErrorException b ? b.code() : -1;
        if (code == ErrorCode.INVALID_FILTER) {
            flush.completeAll(new InvalidFilterException("filter refused"), RecordState.LOST);
            ctx.failLocked(new InvalidFilterException("the broker refused the filter of share group '"
                    + ctx.groupId + "' (" + cause.getMessage() + ")"));
            return false;
        }
        if (Errors.isRetriable(cause)) {
            if (!c.isOpen() && conn == c) {
                conn = null;
            }
            // Acknowledgements carried by the failed fetch go again on their own (none was applied); at once
            // when closing, whose own fetch connection close caused this.
            if (!ackParts.isEmpty()) {
                acks.retryLater(flush, ackParts, cause);
            }
            schedule(ctx.backoff.delayMs(failures++));
            return false;
        }
        boolean lost = acks.requestFailed(flush, ackParts, cause, "ShareFetch");
        if (!lost && !ctx.stopping()) {
            ctx.failLocked(Errors.toStreamBus(cause, "ShareFetch of share group '" + ctx.groupId + "'"));
        }
        return lost;
    }

    /** One partition of a ShareFetch reply (B.13.5, B.13.12). Under lock. */
    private void fetchedPartition(AckFlush flush, TopicPartition tp, ShareFetchPartitionData p,
                                  List<ShareRecord<K, V>> recs, long sentAt, int lockDurationMs) {
        int code = p.errorCode();
        if (code != 0) {
            switch (code) {
                case ErrorCode.PARTITION_NOT_ASSIGNED, ErrorCode.TOPIC_NOT_FOUND, ErrorCode.PARTITION_NOT_FOUND -> {
                    flush.complete(tp, new BrokerErrorException(code, "", "ShareFetch of " + tp), RecordState.LOST);
                    ctx.partitionGone(tp);
                }
                case ErrorCode.STORAGE_ERROR -> {
                    if (flush.parts.containsKey(tp)) {
                        acks.retryLater(flush, Set.of(tp), new BrokerErrorException(code, "", "ShareFetch of " + tp));
                    }
                }
                default -> {
                    StreamBusException e = Errors.fromCode(code, "", "ShareFetch of " + tp + " in share group '"
                            + ctx.groupId + "'");
                    flush.complete(tp, e, RecordState.LOST);
                    ctx.failLocked(e);
                }
            }
            return;
        }
        if (flush.parts.containsKey(tp)) {
            acks.partitionResult(flush, tp, p.acknowledgeErrorCode() == ErrorCode.INVALID_RECORD_STATE
                    ? ErrorCode.INVALID_RECORD_STATE : 0, p.unappliedAcknowledgements());
        }
        if (recs.isEmpty()) {
            if (p.inFlightLimitReached()) {
                skipUntilNanos.put(tp, ctx.time.nanoTime() + limitBackoff.backoffNanos());
                if (limitBackoff.warn() && limitWarned.add(tp)) {
                    LOG.warn("share group '{}': {} has reached its in-flight limit with records no consumer's "
                            + "filter takes; fetching it again in 1 s (B.13.9)", ctx.groupId, tp);
                }
            }
            return;
        }
        if (!ctx.membership.assignment().contains(tp)) {
            // Fetched before the partition left the assignment: they cannot be acknowledged any more (53), so
            // they are not handed out; their locks end and the broker delivers them again.
            LOG.debug("share group '{}': {} records of {} dropped, the partition is no longer assigned",
                    ctx.groupId, recs.size(), tp);
            return;
        }
        long lockEnd = sentAt + TimeUnit.MILLISECONDS.toNanos(lockDurationMs);
        ctx.held.acquired(tp, recs, sentAt, lockEnd);
        renewer.scheduleCheck();
    }

    private ShareRecord<K, V> toShareRecord(TopicPartition tp, MessageCursor c) {
        String topic = tp.topic();
        K key = c.keyLength() == 0 ? null : keyDeserializer.deserialize(topic, c.buffer(), c.keyIndex(), c.keyLength());
        V value = valueDeserializer.deserialize(topic, c.buffer(), c.valueIndex(), c.valueLength());
        List<Header> headers = c.headerCount() == 0 ? List.of() : c.headers();
        return new ShareRecord<>(topic, tp.partition(), c.offset(),
                PartitionConsumerImpl.timestampMillis(c.timestampNanos()), key, value, headers,
                ShareRecords.deliveryCount(c));
    }
}
