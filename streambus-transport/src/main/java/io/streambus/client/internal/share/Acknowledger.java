package io.streambus.client.internal.share;

import io.streambus.client.BrokerErrorException;
import io.streambus.client.StreamBusException;
import io.streambus.client.internal.net.BodySupplier;
import io.streambus.client.internal.net.Errors;
import io.streambus.client.share.InvalidRecordStateException;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.DecodedResponse;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.share.AcknowledgeType;
import io.streambus.protocol.share.Acknowledgement;
import io.streambus.protocol.share.OffsetRange;
import io.streambus.protocol.share.ShareAcknowledgePartition;
import io.streambus.protocol.share.ShareAcknowledgePartitionResult;
import io.streambus.protocol.share.ShareAcknowledgeRequest;
import io.streambus.protocol.share.ShareAcknowledgeResponse;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Acknowledgement batching: groups what the application acknowledged into ranges (B.13.12 rule 4), sends it with
 * ShareAcknowledge on the shared path (or hands it to the fetcher to piggy-back), interprets the per-partition
 * outcome (B.13.6) and retries what B.13.12 says is retriable, until the flush's deadline. Not thread-safe: guarded
 * by the consumer's lock; replies take it.
 */
final class Acknowledger {
    private final ShareContext ctx;
    private final Set<AckFlush> active = new LinkedHashSet<>();
    /** ShareAcknowledge requests on the wire (sent, not answered), for {@link #sendAcknowledgementsSoon}. */
    private int inFlight;

    Acknowledger(ShareContext ctx) {
        this.ctx = ctx;
    }

    /** A flush of {@code parts} (possibly empty), tracked until every partition is answered. */
    AckFlush newFlush(Map<TopicPartition, List<InFlightRecord>> parts) {
        return new AckFlush(ctx, active, parts);
    }

    /** The completions of every flush not answered yet. */
    List<CompletableFuture<Map<TopicPartition, Optional<Exception>>>> pending() {
        List<CompletableFuture<Map<TopicPartition, Optional<Exception>>>> out = new ArrayList<>();
        for (AckFlush f : active) {
            out.add(f.done);
        }
        return out;
    }

    /** Sends what is acknowledged with ShareAcknowledge on the shared path, now (commit, close). */
    void sendAcknowledgements() {
        Map<TopicPartition, List<InFlightRecord>> parts = ctx.held.takeAcknowledged(null);
        if (!parts.isEmpty()) {
            send(newFlush(parts), parts.keySet());
        }
    }

    /**
     * {@link #sendAcknowledgements()} unless a ShareAcknowledge is on the wire already: then what is acknowledged
     * meanwhile goes when its reply arrives, in one request (or with a fetch sent before). An application that
     * acknowledges record by record as it processes them (the JMS provider) would otherwise send a request per record,
     * and the broker applies them one by one: the acknowledgements, and with them the in-flight window (B.13.9), fall
     * behind. The wait is at most one round trip, what a request per record would have taken to be applied as well.
     */
    void sendAcknowledgementsSoon() {
        if (inFlight == 0) {
            sendAcknowledgements();
        }
    }

    /**
     * Ranges over offsets this member holds (B.13.12 rule 4: a range never covers a record it did not receive):
     * consecutive offsets with one type share a range.
     */
    static List<Acknowledgement> ranges(List<Long> offsets, List<AcknowledgeType> types) {
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

    /**
     * The ranges of {@code recs}, each with its own type or {@code override}: {@link #ranges} over the records in
     * offset order, without boxing an offset per record (they mostly come sorted: no copy then).
     */
    static List<Acknowledgement> rangesOf(List<InFlightRecord> recs, AcknowledgeType override) {
        List<InFlightRecord> sorted = recs;
        for (int i = 1, n = recs.size(); i < n; i++) {
            if (recs.get(i - 1).offset > recs.get(i).offset) {
                sorted = new ArrayList<>(recs);
                sorted.sort((a, b) -> Long.compare(a.offset, b.offset));
                break;
            }
        }
        List<Acknowledgement> out = new ArrayList<>();
        int i = 0;
        int n = sorted.size();
        while (i < n) {
            InFlightRecord first = sorted.get(i);
            AcknowledgeType type = override != null ? override : first.ackType;
            long last = first.offset;
            int j = i + 1;
            while (j < n) {
                InFlightRecord f = sorted.get(j);
                if (f.offset != last + 1 || (override == null && f.ackType != type)) {
                    break;
                }
                last = f.offset;
                j++;
            }
            out.add(new Acknowledgement(first.offset, last, type));
            i = j;
        }
        return out;
    }

    /** True if {@code offset} is in one of {@code ranges}. */
    static boolean inRanges(long offset, List<OffsetRange> ranges) {
        for (OffsetRange o : ranges) {
            if (offset >= o.firstOffset() && offset <= o.lastOffset()) {
                return true;
            }
        }
        return false;
    }

    private void send(AckFlush flush, Set<TopicPartition> which) {
        String memberId = ctx.membership.memberId();
        if (memberId.isEmpty() || (flush.memberId != null && !flush.memberId.equals(memberId))) {
            flush.completeAll(new StreamBusException("share consumer of group '" + ctx.groupId
                    + "' is no longer the member that received these records: they have been or will be delivered "
                    + "again"), RecordState.LOST);
            return;
        }
        flush.memberId = memberId;
        Map<String, List<ShareAcknowledgePartition>> byTopic = new TreeMap<>();
        for (TopicPartition tp : which) {
            byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(new ShareAcknowledgePartition(
                    tp.partition(), rangesOf(flush.parts.get(tp), null)));
        }
        flush.attempts++;
        ShareAcknowledgeRequest req = new ShareAcknowledgeRequest(ctx.groupId, memberId, TopicPartitions.of(byTopic));
        Set<TopicPartition> sent = Set.copyOf(which);
        inFlight++;
        long sentAt = ctx.time.nanoTime();
        ctx.sender.send(BodySupplier.of(req), 0, ctx.sender.requestTimeoutNanos())
                .whenComplete((r, err) -> onReply(flush, sent, sentAt, r, err));
    }

    private void onReply(AckFlush flush, Set<TopicPartition> sent, long sentAt, DecodedResponse r, Throwable err) {
        boolean lost = false;
        ctx.lock.lock();
        try {
            inFlight--;
            if (err == null) {
                ctx.ackRoundTrip.sample(ctx.time.nanoTime() - sentAt);
            }
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
                            partitionResult(flush, tp, p.errorCode(), p.unappliedAcknowledgements());
                        }
                    }
                }
                for (TopicPartition tp : unanswered) { // a conforming broker answers every partition
                    flush.complete(tp, new StreamBusException("no answer for " + tp), RecordState.LOST);
                }
            }
            if (!lost && !ctx.closed()) {
                sendAcknowledgementsSoon(); // what was held back behind this request
            }
            ctx.changed.signalAll();
        } finally {
            ctx.lock.unlock();
        }
        if (lost) {
            ctx.membership.memberLost();
        }
    }

    /**
     * The outcome of one partition's acknowledgements (B.13.6, B.13.12): 0 and 52 are final (52 reports the
     * unapplied offsets, not retried), 7 retries after a backoff, 53/8/5 drop the partition, others fail. Under lock.
     */
    void partitionResult(AckFlush flush, TopicPartition tp, int code, List<OffsetRange> unapplied) {
        switch (code) {
            case 0 -> flush.complete(tp, null, RecordState.DONE);
            case ErrorCode.INVALID_RECORD_STATE -> {
                Set<Long> offsets = new TreeSet<>();
                for (InFlightRecord f : flush.parts.getOrDefault(tp, List.of())) {
                    if (inRanges(f.offset, unapplied)) {
                        offsets.add(f.offset);
                    }
                }
                flush.complete(tp, new InvalidRecordStateException(tp.toString(), offsets), RecordState.DONE);
            }
            case ErrorCode.STORAGE_ERROR -> retryLater(flush, Set.of(tp),
                    new BrokerErrorException(code, "", "acknowledgements of " + tp));
            case ErrorCode.PARTITION_NOT_ASSIGNED, ErrorCode.TOPIC_NOT_FOUND, ErrorCode.PARTITION_NOT_FOUND -> {
                flush.complete(tp, new BrokerErrorException(code, "", "acknowledgements of " + tp),
                        RecordState.LOST);
                ctx.partitionGone(tp);
            }
            default -> flush.complete(tp, Errors.fromCode(code, "", "acknowledgements of " + tp),
                    RecordState.LOST);
        }
    }

    /**
     * Request-level failure of a request that carried acknowledgements ({@code flush} null: a renewal). Returns
     * true if the member is lost (20, 24). Under lock.
     */
    boolean requestFailed(AckFlush flush, Set<TopicPartition> sent, Throwable err, String what) {
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
                flush.complete(tp, Errors.toStreamBus(cause, what + " of share group '" + ctx.groupId + "'"),
                        RecordState.LOST);
            }
        }
        return false;
    }

    /**
     * B.13.12: 6, 7, 25 and connection loss retry after a backoff (none was applied), until the flush's deadline.
     * The records stay SENDING, owned by {@code flush}, so that no other sending takes them meanwhile. Under lock.
     */
    void retryLater(AckFlush flush, Set<TopicPartition> which, Throwable cause) {
        if (ctx.time.nanoTime() >= flush.deadlineNanos || ctx.closed()) {
            for (TopicPartition tp : which) {
                flush.complete(tp, Errors.toStreamBus(cause, "acknowledgements of " + tp), RecordState.LOST);
            }
            return;
        }
        long delay = ctx.stopping() ? 0 : ctx.backoff.delayMs(flush.attempts - 1);
        ctx.sender.schedule(() -> {
            ctx.lock.lock();
            try {
                Set<TopicPartition> again = new LinkedHashSet<>();
                for (TopicPartition tp : which) {
                    if (!flush.results.containsKey(tp)) {
                        again.add(tp);
                    }
                }
                if (ctx.closed()) {
                    for (TopicPartition tp : again) {
                        flush.complete(tp, Errors.toStreamBus(cause, "acknowledgements of " + tp),
                                RecordState.LOST);
                    }
                } else if (!again.isEmpty()) {
                    send(flush, again);
                }
            } finally {
                ctx.lock.unlock();
            }
        }, delay);
    }
}
