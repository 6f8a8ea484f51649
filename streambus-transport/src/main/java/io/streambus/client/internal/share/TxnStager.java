package io.streambus.client.internal.share;

import io.streambus.client.BrokerErrorException;
import io.streambus.client.Futures;
import io.streambus.client.StreamBusException;
import io.streambus.client.internal.net.BodySupplier;
import io.streambus.client.internal.net.Errors;
import io.streambus.client.share.AcknowledgeType;
import io.streambus.client.share.InvalidRecordStateException;
import io.streambus.client.share.ShareRecord;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.DecodedResponse;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.share.OffsetRange;
import io.streambus.protocol.share.ShareAcknowledgePartition;
import io.streambus.protocol.share.ShareAcknowledgePartitionResult;
import io.streambus.protocol.share.ShareAcknowledgeRequest;
import io.streambus.protocol.share.ShareAcknowledgeResponse;
import io.streambus.protocol.txn.ProducerIdAndEpoch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Stages a share consumer's acknowledgements in a producer's transaction (spec B.13.15, client rules 3 to 5): moves
 * the records from DELIVERED to STAGING, sends one transactional ShareAcknowledge, and settles each record by its
 * outcome: staged records are DONE (they belong to the transaction now); the others are released locally (they
 * must be delivered again, and the transaction must be aborted). Not thread-safe: called on the application thread;
 * record state is changed under the consumer's lock.
 */
final class TxnStager {
    private final ShareContext ctx;

    TxnStager(ShareContext ctx) {
        this.ctx = ctx;
    }

    /** See {@link TransactionalAcknowledgements#stage}. */
    void stage(Map<? extends ShareRecord<?, ?>, AcknowledgeType> acks, ProducerIdAndEpoch producer,
               long deadlineNanos) {
        Map<TopicPartition, List<InFlightRecord>> parts = new LinkedHashMap<>();
        String memberId;
        ctx.lock.lock();
        try {
            ctx.ensureOpen();
            if (ctx.fatal != null) {
                throw ctx.fatal;
            }
            List<InFlightRecord> found = new ArrayList<>();
            Map<TopicPartition, Set<Long>> gone = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
            for (Map.Entry<? extends ShareRecord<?, ?>, AcknowledgeType> e : acks.entrySet()) {
                if (e.getValue() == AcknowledgeType.RENEW || e.getValue() == AcknowledgeType.RETURN) {
                    throw new IllegalArgumentException(e.getValue() + " cannot be staged in a transaction (B.13.15)");
                }
                InFlightRecord f = ctx.held.find(e.getKey());
                if (f == null) {
                    gone.computeIfAbsent(e.getKey().topicPartition(), k -> new TreeSet<>()).add(e.getKey().offset());
                } else if (f.state != RecordState.DELIVERED) {
                    throw new IllegalStateException("record " + f.tp + "@" + f.offset + " cannot be staged: it is "
                            + f.state);
                } else {
                    found.add(f);
                }
            }
            if (!gone.isEmpty()) {
                // Lost meanwhile (member, partition or lock): delivered again, so the transaction must not commit.
                Map.Entry<TopicPartition, Set<Long>> first = gone.entrySet().iterator().next();
                throw new InvalidRecordStateException(first.getKey().toString(), first.getValue());
            }
            memberId = ctx.membership.memberId();
            if (memberId.isEmpty()) {
                throw new StreamBusException("share consumer of group '" + ctx.groupId + "' is not a member: its "
                        + "records have been or will be delivered again");
            }
            for (Map.Entry<? extends ShareRecord<?, ?>, AcknowledgeType> e : acks.entrySet()) {
                InFlightRecord f = ctx.held.find(e.getKey());
                f.move(RecordState.STAGING);
                f.ackType = io.streambus.protocol.share.AcknowledgeType.valueOf(e.getValue().name());
                parts.computeIfAbsent(f.tp, k -> new ArrayList<>()).add(f);
            }
        } finally {
            ctx.lock.unlock();
        }
        if (parts.isEmpty()) {
            return;
        }
        Map<String, List<ShareAcknowledgePartition>> byTopic = new TreeMap<>();
        parts.forEach((tp, recs) -> byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>())
                .add(new ShareAcknowledgePartition(tp.partition(), Acknowledger.rangesOf(recs, null))));
        ShareAcknowledgeRequest req = new ShareAcknowledgeRequest(ctx.groupId, memberId, TopicPartitions.of(byTopic),
                producer);
        ShareAcknowledgeResponse resp;
        try (DecodedResponse r = Futures.await(ctx.sender.send(BodySupplier.of(req), 0,
                        Math.max(0, deadlineNanos - System.nanoTime())),
                Math.max(0, deadlineNanos - System.nanoTime()), "transactional ShareAcknowledge of share group '"
                        + ctx.groupId + "'")) {
            resp = r.body(ShareAcknowledgeResponse.class);
        } catch (RuntimeException e) {
            requestFailed(parts, e);
            throw Errors.toStreamBus(Errors.unwrap(e), "staging acknowledgements of share group '" + ctx.groupId
                    + "' in a transaction");
        }
        StreamBusException failure = settle(parts, resp);
        if (failure != null) {
            throw failure;
        }
    }

    /** Nothing was staged: the records are released, or lost with the member (20, 24). */
    private void requestFailed(Map<TopicPartition, List<InFlightRecord>> parts, RuntimeException e) {
        Throwable cause = Errors.unwrap(e);
        int code = cause instanceof BrokerErrorException b ? b.code() : -1;
        boolean memberLost = code == ErrorCode.UNKNOWN_MEMBER_ID || code == ErrorCode.UNKNOWN_CONSUMER_GROUP_ID;
        ctx.lock.lock();
        try {
            for (List<InFlightRecord> recs : parts.values()) {
                for (InFlightRecord f : recs) {
                    notStaged(f, memberLost);
                }
            }
            ctx.changed.signalAll();
        } finally {
            ctx.lock.unlock();
        }
        if (memberLost) {
            ctx.membership.memberLost();
        }
    }

    /** Settles each record by its partition's outcome; returns the failure to throw, or null. */
    private StreamBusException settle(Map<TopicPartition, List<InFlightRecord>> parts,
                                      ShareAcknowledgeResponse resp) {
        StreamBusException failure = null;
        ctx.lock.lock();
        try {
            Map<TopicPartition, ShareAcknowledgePartitionResult> results = new LinkedHashMap<>();
            for (TopicPartitions.Topic<ShareAcknowledgePartitionResult> t : resp.partitions().topics()) {
                for (ShareAcknowledgePartitionResult p : t.partitions()) {
                    results.put(new TopicPartition(t.name(), p.partition()), p);
                }
            }
            for (Map.Entry<TopicPartition, List<InFlightRecord>> e : parts.entrySet()) {
                TopicPartition tp = e.getKey();
                ShareAcknowledgePartitionResult p = results.get(tp);
                int code = p == null ? -1 : p.errorCode();
                List<OffsetRange> unapplied = p == null ? List.of() : p.unappliedAcknowledgements();
                Set<Long> notStaged = new TreeSet<>();
                for (InFlightRecord f : e.getValue()) {
                    boolean staged = code == ErrorCode.NONE
                            || (code == ErrorCode.INVALID_RECORD_STATE && !Acknowledger.inRanges(f.offset, unapplied));
                    if (staged) {
                        if (f.state == RecordState.STAGING) {
                            f.move(RecordState.DONE);
                        }
                        ctx.held.forget(f);
                    } else {
                        notStaged.add(f.offset);
                        notStaged(f, false);
                    }
                }
                if (!notStaged.isEmpty() && failure == null) {
                    String what = "staging acknowledgements of " + tp + " in a transaction";
                    failure = code == ErrorCode.INVALID_RECORD_STATE
                            ? new InvalidRecordStateException(tp.toString(), notStaged)
                            : code < 0 ? new StreamBusException("no answer for " + tp + " when " + what)
                            : Errors.fromCode(code, "", what);
                }
                if (code == ErrorCode.PARTITION_NOT_ASSIGNED || code == ErrorCode.TOPIC_NOT_FOUND
                        || code == ErrorCode.PARTITION_NOT_FOUND) {
                    ctx.partitionGone(tp);
                }
            }
            ctx.changed.signalAll();
        } finally {
            ctx.lock.unlock();
        }
        return failure;
    }

    /** A record that was not staged: released (sent with the next acknowledgements), or lost. Under lock. */
    private void notStaged(InFlightRecord f, boolean lost) {
        if (f.state != RecordState.STAGING) {
            return; // dropped meanwhile (partition or member lost)
        }
        if (lost) {
            f.move(RecordState.LOST);
        } else {
            ctx.held.releaseUnstaged(f);
        }
    }
}
