package io.streambus.jms.internal;

import io.streambus.client.producer.XaProducer;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.txn.Xid;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One XA branch of a session (spec B.7.8.8): its {@link XaBranchState}, the producer that holds it once the branch
 * exists on the broker (InitXaBranch is sent lazily, before the first work), the consumer positions staged in it,
 * and its timeout. Thread-safe (its monitor): the session's thread works in it while the transaction manager's
 * threads end, prepare and decide it.
 */
final class XaSessionBranch {
    private final Xid xid;
    private final int timeoutMs;
    private final long startNanos = System.nanoTime();
    private XaBranchState state = XaBranchState.ACTIVE;
    private XaProducer<byte[], byte[]> producer;
    private final Map<JmsMessageConsumer, Map<TopicPartition, Long>> staged = new LinkedHashMap<>();
    private Throwable failure;
    private boolean rollbackPending;

    /**
     * @param timeoutMs the branch's transaction timeout (0: the broker's default)
     */
    XaSessionBranch(Xid xid, int timeoutMs) {
        this.xid = xid;
        this.timeoutMs = timeoutMs;
    }

    Xid xid() {
        return xid;
    }

    int timeoutMs() {
        return timeoutMs;
    }

    synchronized XaBranchState state() {
        return state;
    }

    /** Moves to {@code next}; IllegalStateException naming both states if XA does not allow it. */
    synchronized void moveTo(XaBranchState next) {
        state = state.moveTo(next);
    }

    /** The producer holding the branch on the broker, or null while no InitXaBranch was needed. */
    synchronized XaProducer<byte[], byte[]> producer() {
        return producer;
    }

    /** The branch now exists on the broker, held by {@code p}. */
    synchronized void started(XaProducer<byte[], byte[]> p) {
        if (producer != null) {
            throw new IllegalStateException("XA branch " + xid + " is already held by a producer");
        }
        producer = p;
    }

    /** Takes the producer away (the branch no longer needs it: prepared or ended); null if there was none. */
    synchronized XaProducer<byte[], byte[]> takeProducer() {
        XaProducer<byte[], byte[]> p = producer;
        producer = null;
        return p;
    }

    /** Work of the branch failed: it can only be rolled back. The first failure is kept. */
    synchronized void fail(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        if (state.associated() || state == XaBranchState.IDLE) {
            state = state.moveTo(XaBranchState.ROLLBACK_ONLY);
        }
    }

    /** The first failure of the branch's work, or null. */
    synchronized Throwable failure() {
        return failure;
    }

    /** True when an early rollback (TMFAIL, a failed send) could not reach the broker: roll back by Xid. */
    synchronized boolean rollbackPending() {
        return rollbackPending;
    }

    synchronized void rollbackPending(boolean pending) {
        rollbackPending = pending;
    }

    /** Records positions of {@code consumer} staged in this branch (later stagings supersede earlier ones). */
    synchronized void staged(JmsMessageConsumer consumer, Map<TopicPartition, Long> positions) {
        if (!positions.isEmpty()) {
            staged.computeIfAbsent(consumer, c -> new HashMap<>()).putAll(positions);
        }
    }

    /** The positions staged per consumer, taken (the branch is decided). */
    synchronized Map<JmsMessageConsumer, Map<TopicPartition, Long>> takeStaged() {
        Map<JmsMessageConsumer, Map<TopicPartition, Long>> out = new LinkedHashMap<>(staged);
        staged.clear();
        return out;
    }

    /** True once the branch's timeout has passed since {@code start} ({@code defaultMs} for a timeout of 0). */
    boolean timedOut(int defaultMs) {
        long limit = timeoutMs == 0 ? defaultMs : timeoutMs;
        return System.nanoTime() - startNanos >= TimeUnit.MILLISECONDS.toNanos(limit);
    }

    @Override
    public synchronized String toString() {
        return "XA branch " + xid + " (" + state + (producer == null ? "" : ", on the broker") + ")";
    }
}
