package io.streambus.client.internal.producer;

import io.streambus.common.TopicPartition;
import io.streambus.protocol.core.ProducerSequence;
import io.streambus.protocol.txn.ProducerIdAndEpoch;
import java.util.HashMap;
import java.util.Map;

/**
 * Who the producer writes as (spec B.12.1): its producer id and epoch, whether its batches are sequenced, and the
 * next sequence of each partition. One role: identity and sequence bookkeeping; the producer decides when to
 * change it. Thread-safe (all methods synchronized).
 */
final class ProducerIdentity {

    /** Where the identity is in its life; transitions are checked. */
    enum Mode {
        /** Broker capabilities or the producer id are not known yet: batches wait. */
        PENDING,
        /** Ordinary Produce (no sequence trailer), one batch in flight per partition. */
        PLAIN,
        /** Sequenced Produce (flag 0x0080) under the current producer id, up to 5 batches in flight per partition. */
        SEQUENCED,
        /** A new producer id is needed (B.12.6: 47 after a loss, 49): nothing is sent until it is there. */
        RESETTING,
        /** Unrecoverable (fenced, wrong epoch, not supported): every batch fails. */
        FAILED;

        boolean canMoveTo(Mode next) {
            return switch (this) {
                case PENDING -> next == PLAIN || next == SEQUENCED || next == FAILED;
                case PLAIN -> next == FAILED || next == PENDING;
                case SEQUENCED -> next == RESETTING || next == FAILED || next == PENDING || next == SEQUENCED;
                case RESETTING -> next == SEQUENCED || next == FAILED;
                case FAILED -> false;
            };
        }
    }

    private Mode mode = Mode.PENDING;
    private ProducerIdAndEpoch id;
    private Throwable failure;
    private final Map<TopicPartition, Integer> nextSequence = new HashMap<>();

    synchronized Mode mode() {
        return mode;
    }

    /** The producer id and epoch, or null in {@link Mode#PLAIN} without transactions and before it is known. */
    synchronized ProducerIdAndEpoch id() {
        return id;
    }

    /** Why the identity failed, or null. */
    synchronized Throwable failure() {
        return failure;
    }

    /** True when batches are sequenced (SEQUENCED or RESETTING). */
    synchronized boolean sequenced() {
        return mode == Mode.SEQUENCED || mode == Mode.RESETTING;
    }

    /**
     * Takes {@code newId} (null for a plain non-transactional producer); every partition starts again at sequence 0
     * (B.12.6: after each InitProducerID).
     */
    synchronized void establish(ProducerIdAndEpoch newId, boolean sequenced) {
        moveTo(sequenced ? Mode.SEQUENCED : Mode.PLAIN);
        id = newId;
        nextSequence.clear();
    }

    /** While RESETTING: the new producer id; sequences start at 0 again; the mode stays RESETTING. */
    synchronized void newId(ProducerIdAndEpoch newId) {
        if (mode != Mode.RESETTING) {
            throw new IllegalStateException("producer identity: a new id in mode " + mode);
        }
        id = newId;
        nextSequence.clear();
    }

    /** RESETTING -> SEQUENCED once the waiting batches carry sequences of the new id. */
    synchronized void resume() {
        moveTo(Mode.SEQUENCED);
    }

    /** Asks for a new producer id; returns false if one is being taken already or the identity failed. */
    synchronized boolean requestReset() {
        if (mode != Mode.SEQUENCED) {
            return false;
        }
        moveTo(Mode.RESETTING);
        return true;
    }

    /** Back to {@link Mode#PENDING} (a transactional producer re-initialising after an abortable error). */
    synchronized void unestablish() {
        if (mode != Mode.PENDING) {
            moveTo(Mode.PENDING);
        }
    }

    /** Fails the identity for good; the first cause is kept. */
    synchronized void fail(Throwable cause) {
        if (mode == Mode.FAILED) {
            return;
        }
        moveTo(Mode.FAILED);
        failure = cause;
    }

    /**
     * The sequence trailer for a batch of {@code count} messages sent next on {@code tp} (B.12.1: consecutive, mod
     * 2^31). Only while sequenced.
     */
    synchronized ProducerSequence assign(TopicPartition tp, int count) {
        if (!sequenced() || id == null) {
            throw new IllegalStateException("no sequences in mode " + mode);
        }
        int base = nextSequence.getOrDefault(tp, 0);
        nextSequence.put(tp, (int) ((base + (long) count) & 0x7fffffffL));
        return new ProducerSequence(id.producerId(), id.producerEpoch(), base);
    }

    private void moveTo(Mode next) {
        if (!mode.canMoveTo(next)) {
            throw new IllegalStateException("producer identity: illegal transition " + mode + " -> " + next);
        }
        mode = next;
    }

    @Override
    public synchronized String toString() {
        return "ProducerIdentity[" + mode + (id == null ? "" : ", id " + id.producerId() + " epoch "
                + id.producerEpoch()) + "]";
    }
}
