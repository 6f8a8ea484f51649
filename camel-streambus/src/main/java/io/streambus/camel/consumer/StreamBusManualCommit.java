package io.streambus.camel.consumer;

import java.util.concurrent.CompletableFuture;

/**
 * Commits the offset of one consumed record: after a successful commit the record's consumer group (or offset
 * repository) resumes after this record. Put on each exchange in the {@code CamelStreamBusManualCommit} header when
 * the endpoint has {@code allowManualCommit=true}.
 *
 * <p>Thread-safe: may be called from any thread, also after the exchange moved to another thread (for example after
 * an aggregator or a seda queue). The commit itself is carried out by the consumer thread that owns the partition,
 * because client consumers are not thread-safe. Committing a record also commits every earlier record of its
 * partition. A commit lower than one already made for the partition is ignored (offsets never go back).
 */
public interface StreamBusManualCommit {

    /** Same as {@link #commitSync()}. */
    default void commit() {
        commitSync();
    }

    /**
     * Commits and waits for the result, at most {@code commitTimeoutMs}.
     *
     * @throws io.streambus.client.StreamBusException if the commit failed or timed out, or the partition is no longer
     *                                               owned by this consumer (after a rebalance or shutdown)
     */
    void commitSync();

    /**
     * Requests the commit and returns at once.
     *
     * @return completed when the commit succeeded, or exceptionally (same failures as {@link #commitSync()})
     */
    CompletableFuture<Void> commitAsync();

    /** Topic of the record. */
    String getTopic();

    /** Partition of the record. */
    int getPartition();

    /** Offset of the record; the commit stores {@code offset + 1}, the next offset to read. */
    long getOffset();
}
