package io.streambus.client.internal.producer;

/**
 * What the retry and sequence bookkeeping ({@link ProduceRetries}, {@link IdempotenceManager}) asks of the producer
 * that owns the batches: the actions that end, resend or dispatch them. Implementations are thread-safe.
 */
interface BatchLifecycle {

    /**
     * The batch leaves its partition's unresolved list, the partition's next batches go out, then (if
     * {@code complete}) its records complete with {@code error}, or, error null, as stored with unknown offsets.
     */
    void finish(PartitionQueue pq, Batch b, Throwable error, boolean complete);

    /** Fails {@code b} and every later unresolved batch of its partition. */
    void failFrom(PartitionQueue pq, Batch b, Throwable error);

    /** Sends what the partition may send now. */
    void dispatch(PartitionQueue pq);

    /** Sends what every partition may send now. */
    void dispatchAll();

    /** Gives every batch waiting for a retry the next sequences of the new producer id, in order, and marks it due. */
    void resequenceWaiting(ProducerIdentity identity);
}
