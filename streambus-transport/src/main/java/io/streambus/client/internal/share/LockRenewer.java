package io.streambus.client.internal.share;

import io.streambus.client.internal.net.BodySupplier;
import io.streambus.client.internal.net.Errors;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.share.AcknowledgeType;
import io.streambus.protocol.share.ShareAcknowledgePartition;
import io.streambus.protocol.share.ShareAcknowledgePartitionResult;
import io.streambus.protocol.share.ShareAcknowledgeRequest;
import io.streambus.protocol.share.ShareAcknowledgeResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Acquisition-lock renewal (B.13.8, RENEW without the flag): with {@code share.lock.auto.renew} it renews the
 * records the application holds once at most the renewal threshold of their lock is left, checking every eighth
 * of the lock; the application may renew one record at once ({@link #renew}). A renewed lock restarts at the time
 * the RENEW was sent.
 *
 * <p>The threshold is half the lock (the spec's recommendation: renew once half of it has passed), raised to four
 * recent acknowledgement round trips plus one check period when the broker answers slowly, and capped at seven
 * eighths of the lock. Under load, with short locks, a fixed half left the RENEW a quarter of the lock at worst to
 * reach the broker (1 s locks: 250 ms); now it has at least three eighths, or four round trips. Not
 * thread-safe: guarded by the consumer's lock; timers and replies take it.
 */
final class LockRenewer {
    private static final Logger LOG = LoggerFactory.getLogger(LockRenewer.class);
    /** Round trips of margin a renewal gets before its lock ends. */
    private static final int ROUND_TRIPS = 4;

    private final ShareContext ctx;
    private final Acknowledger acks;
    private final boolean autoRenew;
    private boolean scheduled;

    LockRenewer(ShareContext ctx, Acknowledger acks, boolean autoRenew) {
        this.ctx = ctx;
        this.acks = acks;
        this.autoRenew = autoRenew;
    }

    /** Schedules the next check if auto-renewal is on and the lock duration is known. Under lock. */
    void scheduleCheck() {
        if (!autoRenew || scheduled || ctx.lockMs == null || ctx.stopping()) {
            return;
        }
        scheduled = true;
        ctx.sender.schedule(this::check, Math.max(1, ctx.lockMs / 8));
    }

    /**
     * How much of its lock may be left when a record is renewed: see the class comment. {@code lockNanos} is the
     * lock duration, {@code periodNanos} the interval between checks.
     */
    static long thresholdNanos(long lockNanos, long periodNanos, long roundTripNanos) {
        long wanted = Math.max(lockNanos / 2, periodNanos + ROUND_TRIPS * roundTripNanos);
        return Math.min(wanted, lockNanos - lockNanos / 8);
    }

    private void check() {
        ctx.lock.lock();
        try {
            scheduled = false;
            if (ctx.stopping() || ctx.lockMs == null) {
                return;
            }
            long now = ctx.time.nanoTime();
            long lock = TimeUnit.MILLISECONDS.toNanos(ctx.lockMs);
            long threshold = thresholdNanos(lock, TimeUnit.MILLISECONDS.toNanos(Math.max(1, ctx.lockMs / 8)),
                    ctx.ackRoundTrip.nanos());
            Map<TopicPartition, List<InFlightRecord>> due = new LinkedHashMap<>();
            List<InFlightRecord> delivered = ctx.held.delivered();
            for (InFlightRecord f : delivered) {
                if (!f.renewing && f.lockEndNanos - now <= threshold && now < f.lockEndNanos) {
                    due.computeIfAbsent(f.tp, k -> new ArrayList<>()).add(f);
                }
            }
            if (!due.isEmpty()) {
                renew(due);
            }
            if (!delivered.isEmpty()) {
                scheduleCheck();
            }
        } finally {
            ctx.lock.unlock();
        }
    }

    /** Sends RENEW for {@code due} (B.13.8); their lock restarts at the send time on success. Under lock. */
    void renew(Map<TopicPartition, List<InFlightRecord>> due) {
        String memberId = ctx.membership.memberId();
        if (memberId.isEmpty()) {
            return;
        }
        Map<String, List<ShareAcknowledgePartition>> byTopic = new TreeMap<>();
        due.forEach((tp, recs) -> {
            recs.forEach(f -> f.renewing = true);
            byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(new ShareAcknowledgePartition(
                    tp.partition(), Acknowledger.rangesOf(recs, AcknowledgeType.RENEW)));
        });
        long sentAt = ctx.time.nanoTime();
        ShareAcknowledgeRequest req = new ShareAcknowledgeRequest(ctx.groupId, memberId,
                TopicPartitions.of(byTopic));
        ctx.sender.send(BodySupplier.of(req), 0, ctx.sender.requestTimeoutNanos()).whenComplete((r, err) -> {
            boolean lost = false;
            ctx.lock.lock();
            try {
                due.values().forEach(l -> l.forEach(f -> f.renewing = false));
                if (err == null) {
                    ctx.ackRoundTrip.sample(ctx.time.nanoTime() - sentAt);
                }
                if (err != null) {
                    lost = acks.requestFailed(null, java.util.Set.of(), err, "renewal");
                    if (!lost) {
                        LOG.debug("lock renewal for share group {} failed: {}", ctx.groupId,
                                Errors.unwrap(err).toString());
                    }
                } else {
                    ShareAcknowledgeResponse resp;
                    try (r) {
                        resp = r.body(ShareAcknowledgeResponse.class);
                    }
                    renewed(due, sentAt, resp);
                }
            } finally {
                ctx.lock.unlock();
            }
            if (lost) {
                ctx.membership.memberLost();
            }
        });
    }

    private void renewed(Map<TopicPartition, List<InFlightRecord>> due, long sentAt, ShareAcknowledgeResponse resp) {
        long end = sentAt + TimeUnit.MILLISECONDS.toNanos(resp.acquisitionLockMs());
        ctx.lockMs = resp.acquisitionLockMs();
        for (TopicPartitions.Topic<ShareAcknowledgePartitionResult> t : resp.partitions().topics()) {
            for (ShareAcknowledgePartitionResult p : t.partitions()) {
                TopicPartition tp = new TopicPartition(t.name(), p.partition());
                if (p.errorCode() != 0 && p.errorCode() != ErrorCode.INVALID_RECORD_STATE) {
                    if (p.errorCode() == ErrorCode.PARTITION_NOT_ASSIGNED
                            || p.errorCode() == ErrorCode.TOPIC_NOT_FOUND
                            || p.errorCode() == ErrorCode.PARTITION_NOT_FOUND) {
                        ctx.partitionGone(tp);
                    }
                    continue;
                }
                for (InFlightRecord f : due.getOrDefault(tp, List.of())) {
                    if (!Acknowledger.inRanges(f.offset, p.unappliedAcknowledgements())) {
                        f.lockStartNanos = sentAt;
                        f.lockEndNanos = end;
                    }
                }
            }
        }
    }
}
