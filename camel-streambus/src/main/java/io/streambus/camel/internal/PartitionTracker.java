package io.streambus.camel.internal;

import io.streambus.camel.consumer.StreamBusConsumerTaskInfo.CommitState;
import io.streambus.camel.consumer.StreamBusConsumerTaskInfo.PartitionInfo;
import io.streambus.common.TopicPartition;

/**
 * The commit state machine of one partition owned by one consumer thread. It knows which offsets were
 * <em>handled</em> (their exchange completed, successfully or with the failure handled) and which were committed,
 * and hands out commit targets that never exceed what was handled. All offsets are "next offset to read" values,
 * as committed offsets are.
 *
 * <pre>
 *            handled(o)                 commitStarted(t)
 *   CLEAN ─────────────────▶ DIRTY ─────────────────────▶ COMMITTING
 *     ▲                        ▲  ◀──── commitFailed(t) ───────┤
 *     └── commitSucceeded(t) ──┴──── (handled &gt; committed) ◀──┘
 *   any state ── close() ──▶ CLOSED (revoked, lost or stopped: no commits any more)
 * </pre>
 *
 * <p>Besides commits it counts consecutive failures of the same record for {@code breakOnFirstError}.
 *
 * <p>Written only by the owning consumer thread; fields are volatile so that health checks and the dev console read
 * consistent single values from other threads.
 */
public final class PartitionTracker {

    private final TopicPartition partition;
    private volatile CommitState state = CommitState.CLEAN;
    private volatile long handled = -1;
    private volatile long committed = -1;
    private volatile long inFlight = -1;
    private volatile long failedOffset = -1;
    private volatile int failedAttempts;
    private volatile boolean parked;

    public PartitionTracker(TopicPartition partition) {
        this.partition = partition;
    }

    public TopicPartition partition() {
        return partition;
    }

    public CommitState state() {
        return state;
    }

    /** Next offset after the last handled record, or -1 before the first. */
    public long handledOffset() {
        return handled;
    }

    /** Last committed next offset known to this consumer, or -1. */
    public long committedOffset() {
        return committed;
    }

    /** The committed offset read from the store when the partition was assigned. */
    public void initCommitted(long offset) {
        if (offset >= 0) {
            committed = offset;
        }
    }

    /**
     * The record at {@code offset} is done with: its exchange completed or its failure was handled.
     *
     * @throws IllegalStateException if offsets go backwards, which would mean a record handled twice without a seek
     */
    public void handled(long offset) {
        if (state == CommitState.CLOSED) {
            return;
        }
        if (offset < handled) {
            throw new IllegalStateException(partition + ": record " + offset + " handled after " + (handled - 1));
        }
        handled = offset + 1;
        if (offset == failedOffset) {
            failedOffset = -1;
            failedAttempts = 0;
        }
        if (state == CommitState.CLEAN && handled > committed) {
            state = CommitState.DIRTY;
        }
    }

    /**
     * The partition was moved back to {@code offset} (a seek for breakOnFirstError or a retry): offsets from there on
     * will be read again, so "handled" is lowered to it when it was above, which keeps commits within what was
     * really handled.
     */
    public void rewound(long offset) {
        if (handled > offset) {
            handled = offset;
        }
    }

    /** The offset to commit now, or -1 when there is nothing new (clean, closed, or already committing it). */
    public long commitTarget() {
        CommitState s = state;
        if (s == CommitState.CLOSED) {
            return -1;
        }
        long h = handled;
        return h > committed && h > inFlight ? h : -1;
    }

    /** A commit of {@code target} was sent. */
    public void commitStarted(long target) {
        if (state == CommitState.CLOSED) {
            return;
        }
        if (target > inFlight) {
            inFlight = target;
        }
        state = CommitState.COMMITTING;
    }

    /** The commit of {@code target} succeeded. */
    public void commitSucceeded(long target) {
        if (target > committed) {
            committed = target;
        }
        if (target >= inFlight) {
            inFlight = -1;
        }
        settle();
    }

    /** The commit of {@code target} failed; the offsets stay due for the next commit. */
    public void commitFailed(long target) {
        if (target >= inFlight) {
            inFlight = -1;
        }
        settle();
    }

    private void settle() {
        if (state == CommitState.CLOSED) {
            return;
        }
        if (inFlight >= 0) {
            state = CommitState.COMMITTING;
        } else {
            state = handled > committed ? CommitState.DIRTY : CommitState.CLEAN;
        }
    }

    /** No more commits for this partition. */
    public void close() {
        state = CommitState.CLOSED;
    }

    /**
     * The record at {@code offset} failed and its partition is read again from it.
     *
     * @return how many times in a row this record has failed
     */
    public int failed(long offset) {
        if (offset == failedOffset) {
            failedAttempts++;
        } else {
            failedOffset = offset;
            failedAttempts = 1;
        }
        return failedAttempts;
    }

    /** Offset of the record that failed last and has not succeeded since, or -1. */
    public long failedOffset() {
        return failedOffset;
    }

    public int failedAttempts() {
        return failedAttempts;
    }

    /** Marks the partition paused because its record failed too often (breakOnFirstErrorMaxAttempts). */
    public void park() {
        parked = true;
    }

    public void unpark() {
        parked = false;
        failedAttempts = 0;
    }

    public boolean isParked() {
        return parked;
    }

    /** An immutable snapshot for {@link io.streambus.camel.consumer.StreamBusConsumerTaskInfo}. */
    public PartitionInfo info() {
        return new PartitionInfo(partition, state, handled, committed, parked, toString());
    }

    @Override
    public String toString() {
        return partition + "[" + state + ", handled=" + handled + ", committed=" + committed
                + (inFlight >= 0 ? ", committing=" + inFlight : "") + (parked ? ", parked at " + failedOffset : "")
                + "]";
    }
}
