package io.streambus.client.internal.producer;

import io.streambus.common.TopicPartition;
import java.util.ArrayDeque;

/**
 * The batches of one partition: queued (the last one maybe still open) and those sent and not resolved yet, in
 * sequence order (on the wire or waiting for a retry). Not thread-safe: every access holds this object's monitor.
 */
final class PartitionQueue {
    final TopicPartition tp;
    final ArrayDeque<Batch> queue = new ArrayDeque<>();
    final ArrayDeque<Batch> unresolved = new ArrayDeque<>();
    /** Batches of {@link #unresolved} with an attempt on the wire. */
    int outstanding;
    /**
     * Batches of {@link #unresolved} marked {@code awaitingRetry}, or more (a batch removed otherwise is not
     * counted down): never fewer, so zero means none waits and the per-record dispatch skips the search.
     */
    int awaitingRetries;
    boolean lingerTimer;
    /** Batches taken to be sent, in order, not yet handed to the network. */
    final ArrayDeque<Batch> toSend = new ArrayDeque<>();
    /** A thread is handing {@link #toSend} to the network; others only add to it. */
    boolean sending;

    PartitionQueue(TopicPartition tp) {
        this.tp = tp;
    }

    /** True if an unresolved batch comes before {@code b} (it is being retried, say). Takes the lock. */
    synchronized boolean hasEarlierUnresolved(Batch b) {
        Batch first = unresolved.peekFirst();
        return first != null && first != b;
    }
}
