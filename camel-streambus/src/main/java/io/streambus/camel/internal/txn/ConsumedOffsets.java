package io.streambus.camel.internal.txn;

import io.streambus.client.consumer.ConsumerGroupMetadata;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.common.TopicPartition;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The offsets a transacted consumer hands to the transaction of its exchange (exchange property
 * {@link #PROPERTY}): the next offsets to consume after the exchange's records, for one consumer group. The first
 * transacted producer of the exchange {@link #claim() claims} them and sends them to its transaction; the
 * transaction's end decides whether they were committed. The consumer reads the outcome after the route.
 *
 * <pre>
 *   PENDING ── claim() ──▶ SENT ── committed() ──▶ COMMITTED
 *                            ├──── aborted() ────▶ ABORTED
 *                            └──── inDoubt() ────▶ IN_DOUBT
 * </pre>
 *
 * IN_DOUBT: the commit was sent but no answer came before the retries ran out (the broker was unreachable), so the
 * transaction may or may not have committed; only the group's committed offsets tell.
 *
 * Thread-safe: the transaction may end on another thread than the consumer's.
 */
public final class ConsumedOffsets {
    /** The exchange property holding an instance (internal to the component). */
    public static final String PROPERTY = "CamelStreamBusConsumedOffsets";

    /** Where the offsets are in their life. */
    public enum State {
        /** Not sent to any transaction yet. */
        PENDING,
        /** Sent to a transaction that has not ended. */
        SENT,
        /** Committed with the transaction: they are the group's committed offsets. */
        COMMITTED,
        /** The transaction was aborted: they were not committed. */
        ABORTED,
        /** The commit's outcome is unknown: read the group's committed offsets to learn it. */
        IN_DOUBT;

        State to(State next) {
            boolean ok = switch (this) {
                case PENDING -> next == SENT;
                case SENT -> next == COMMITTED || next == ABORTED || next == IN_DOUBT;
                case COMMITTED, ABORTED, IN_DOUBT -> false;
            };
            if (!ok) {
                throw new IllegalStateException("consumed offsets cannot go from " + this + " to " + next);
            }
            return next;
        }
    }

    private final ConsumerGroupMetadata group;
    private final Map<TopicPartition, OffsetAndMetadata> offsets;
    private State state = State.PENDING;

    /**
     * @param group       the group the offsets are committed for
     * @param nextOffsets partition → next offset to consume (the last record's offset + 1)
     */
    public ConsumedOffsets(ConsumerGroupMetadata group, Map<TopicPartition, Long> nextOffsets) {
        this.group = group;
        Map<TopicPartition, OffsetAndMetadata> m = new LinkedHashMap<>();
        nextOffsets.forEach((tp, o) -> m.put(tp, new OffsetAndMetadata(o)));
        this.offsets = Map.copyOf(m);
    }

    public ConsumerGroupMetadata group() {
        return group;
    }

    /** Partition → offset to commit (next to consume). */
    public Map<TopicPartition, OffsetAndMetadata> offsets() {
        return offsets;
    }

    /**
     * Takes the offsets for a transaction.
     *
     * @return true the first time (the caller sends them to its transaction); false when a transaction already has
     *         them
     */
    public synchronized boolean claim() {
        if (state != State.PENDING) {
            return false;
        }
        state = state.to(State.SENT);
        return true;
    }

    /** The transaction they were sent to committed. */
    public synchronized void committed() {
        state = state.to(State.COMMITTED);
    }

    /** The transaction they were sent to was aborted (or its end failed). */
    public synchronized void aborted() {
        state = state.to(State.ABORTED);
    }

    /** The commit of the transaction they were sent to got no answer: it may or may not have committed. */
    public synchronized void inDoubt() {
        state = state.to(State.IN_DOUBT);
    }

    public synchronized State state() {
        return state;
    }

    @Override
    public synchronized String toString() {
        return "ConsumedOffsets[" + group.groupId() + " " + offsets + " " + state + "]";
    }
}
