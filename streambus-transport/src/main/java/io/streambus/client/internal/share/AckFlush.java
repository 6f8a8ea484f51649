package io.streambus.client.internal.share;

import io.streambus.client.share.AcknowledgementCommitCallback;
import io.streambus.client.share.InvalidRecordStateException;
import io.streambus.common.TopicPartition;

import io.streambus.protocol.share.AcknowledgeType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * One sending of acknowledgements and its per-partition outcome; {@link #done} completes when every partition is
 * answered. A confirmed acknowledgement is reported to the {@link io.streambus.client.metrics.MetricsCollector} and
 * to the application's callback. Not thread-safe: guarded by the consumer's lock.
 */
final class AckFlush {
    private static final AcknowledgeType[] TYPES = AcknowledgeType.values();
    final Map<TopicPartition, List<InFlightRecord>> parts;
    final Map<TopicPartition, Optional<Exception>> results = new LinkedHashMap<>();
    final CompletableFuture<Map<TopicPartition, Optional<Exception>>> done = new CompletableFuture<>();
    final long deadlineNanos;
    int attempts;
    /**
     * The member id of its first sending: the member that received the records. A retry after the member was lost
     * and joined again under a new id must not send them (B.13.12: acknowledging them is no longer possible); the
     * broker would apply them to whatever the new member holds at those offsets, a later delivery of the same records
     * perhaps, and report success for an acknowledgement of a delivery that ended.
     */
    String memberId;
    private final ShareContext ctx;
    private final Set<AckFlush> active;

    /** A flush of {@code parts}, registered in {@code active} until answered. */
    AckFlush(ShareContext ctx, Set<AckFlush> active, Map<TopicPartition, List<InFlightRecord>> parts) {
        this.ctx = ctx;
        this.active = active;
        this.parts = parts;
        this.deadlineNanos = ctx.time.nanoTime() + ctx.sender.apiTimeoutNanos();
        if (parts.isEmpty()) {
            done.complete(Map.of());
        } else {
            active.add(this);
        }
    }

    /** The outcome of {@code tp}: {@code error} (null: applied) and the records' final state {@code to}. */
    void complete(TopicPartition tp, Exception error, RecordState to) {
        List<InFlightRecord> recs = parts.get(tp);
        if (recs == null || results.containsKey(tp)) {
            return;
        }
        AcknowledgementCommitCallback cb = ctx.callback;
        // The offsets only for a callback: building a sorted set of boxed offsets cost as much as the rest.
        Set<Long> offsets = cb == null ? null : new TreeSet<>();
        Set<Long> unapplied = error instanceof InvalidRecordStateException irs ? irs.offsets() : null;
        int[] applied = new int[TYPES.length];
        for (InFlightRecord f : recs) {
            if (offsets != null) {
                offsets.add(f.offset);
            }
            if (f.state == RecordState.SENDING || (to == RecordState.LOST && !f.finished())) {
                f.move(to);
            }
            if (to == RecordState.DONE && (error == null || (unapplied != null && !unapplied.contains(f.offset)))) {
                applied[f.ackType.ordinal()]++;
            }
            ctx.held.forget(f);
        }
        for (AcknowledgeType type : TYPES) {
            if (applied[type.ordinal()] > 0) {
                ctx.metrics.recordShareAcknowledge(tp, type.name(), applied[type.ordinal()]);
            }
        }
        results.put(tp, Optional.ofNullable(error));
        if (cb != null) {
            ctx.callbacks.add(() -> cb.onComplete(tp, offsets, error));
        }
        if (results.size() == parts.size()) {
            active.remove(this);
            done.complete(Map.copyOf(results));
        }
    }

    /** {@link #complete} for every partition not answered yet. */
    void completeAll(Exception error, RecordState to) {
        for (TopicPartition tp : new ArrayList<>(parts.keySet())) {
            complete(tp, error, to);
        }
    }
}
