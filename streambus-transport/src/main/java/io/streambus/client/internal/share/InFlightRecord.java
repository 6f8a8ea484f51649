package io.streambus.client.internal.share;

import io.streambus.client.share.ShareRecord;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.share.AcknowledgeType;

/**
 * One acquired record as the share consumer tracks it: its {@link RecordState}, the acknowledgement type chosen for
 * it and the conservative end of its acquisition lock (B.13.8). Not thread-safe: guarded by the consumer's lock
 * ({@link ShareContext#lock}).
 */
final class InFlightRecord {
    final TopicPartition tp;
    /** The map of its partition's held records it was put in ({@link HeldRecords}). */
    final OffsetMap home;
    final long offset;
    final ShareRecord<?, ?> record;
    RecordState state = RecordState.PREFETCHED;
    AcknowledgeType ackType;
    long lockStartNanos;
    long lockEndNanos;
    boolean renewing;
    /** In {@link HeldRecords}' list of records to send (at most once). */
    boolean queued;

    InFlightRecord(TopicPartition tp, OffsetMap home, ShareRecord<?, ?> record, long lockStartNanos,
                   long lockEndNanos) {
        this.tp = tp;
        this.home = home;
        this.offset = record.offset();
        this.record = record;
        this.lockStartNanos = lockStartNanos;
        this.lockEndNanos = lockEndNanos;
    }

    /** Checked transition (see {@link RecordState}). */
    void move(RecordState to) {
        state = state.moveTo(to);
    }

    /** Marks it acknowledged locally with {@code type}, to be sent. */
    void acknowledge(AcknowledgeType type) {
        move(RecordState.ACKNOWLEDGED);
        ackType = type;
    }

    /** True once it is DONE or LOST (forgotten). */
    boolean finished() {
        return state == RecordState.DONE || state == RecordState.LOST;
    }
}
