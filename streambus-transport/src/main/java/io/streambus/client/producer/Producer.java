package io.streambus.client.producer;

import io.streambus.client.consumer.ConsumerGroupMetadata;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.common.TopicPartition;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Sends records to StreamBus with batching, partitioning, compression and retries. Thread-safe: one producer is
 * meant to be shared by many threads.
 *
 * <p>Every accepted record is either acknowledged or failed explicitly; none is dropped silently. Records sent to the
 * same partition are delivered in send order, also across retries (one Produce per partition is in flight at a
 * time; a failed batch is retried before the next one of its partition is sent). Against a broker advertising
 * IDEMPOTENT_PRODUCE the producer is idempotent by default ({@code enable.idempotence}, spec B.12): batches carry a
 * producer id and sequence numbers, up to 5 are in flight per partition, and a retried batch is never stored twice.
 * Against other brokers Produce is not idempotent on the wire (spec A.6.1): a batch whose acknowledgement was lost
 * may be stored twice when it is retried.
 *
 * <p>With {@code transactional.id} set, the producer is transactional (spec B.7), as Kafka's: {@link
 * #initTransactions}, then per transaction {@link #beginTransaction}, sends, optionally {@link
 * #sendOffsetsToTransaction}, and {@link #commitTransaction} or {@link #abortTransaction}. Fencing by a newer
 * instance fails with {@link ProducerFencedException} (fatal: close the producer); after an abortable error
 * ({@link TransactionAbortedException}, a failed send) only {@link #abortTransaction} is allowed. The transactional
 * methods fail with {@link io.streambus.client.UnsupportedFeatureException} (capability {@code transactions}) on a
 * broker that does not serve transactions.
 *
 * <p>Futures and callbacks complete on the client's I/O threads. Do not block there, and do not call {@code send}
 * from a callback when it could block ({@code buffer.memory} full, or the topic's partition count not yet known):
 * the I/O thread it would wait for may be the one it is blocking.
 */
public interface Producer<K, V> extends AutoCloseable {

    /**
     * Queues a record for sending. Blocks up to {@code max.block.ms} when {@code buffer.memory} is exhausted, then fails
     * the returned future with {@link io.streambus.client.BufferExhaustedException}.
     *
     * @return a future completed with the record's metadata once the broker acknowledged it, or exceptionally
     */
    CompletableFuture<RecordMetadata> send(ProducerRecord<K, V> record);

    /**
     * As {@link #send(ProducerRecord)}, and calls {@code callback} (on an I/O or callback thread, so it must not block)
     * with exactly one of metadata or exception non-null. The callback runs before the returned future completes (as
     * Kafka's does), so a thread that waited for the future sees what the callback did.
     */
    CompletableFuture<RecordMetadata> send(ProducerRecord<K, V> record, BiConsumer<RecordMetadata, Throwable> callback);

    /**
     * Sends and waits for the acknowledgement up to {@code delivery.timeout.ms} plus {@code max.block.ms}.
     *
     * @throws io.streambus.client.StreamBusException on failure or timeout
     */
    RecordMetadata sendAndWait(ProducerRecord<K, V> record);

    /** Sends every queued record now and waits for all of them, up to {@code timeout}. */
    void flush(Duration timeout);

    /** Number of partitions of a topic as last learnt from the broker (creating nothing). */
    int partitionCount(String topic);

    /**
     * Stops accepting records, delivers what was accepted within {@code timeout}, then fails whatever is left with an
     * explicit exception.
     */
    void close(Duration timeout);

    /**
     * Registers the {@code transactional.id} with the broker (InitProducerID, spec B.7.2): fences older producers
     * with the same id and aborts their open transaction. Must be called once before any other transactional
     * method; blocks up to {@code max.block.ms}.
     *
     * @throws IllegalStateException                         if {@code transactional.id} is not set or it was called
     * @throws io.streambus.client.UnsupportedFeatureException if the broker does not serve transactions
     * @throws ProducerFencedException                       never here, but a later call may
     */
    default void initTransactions() {
        throw new IllegalStateException("this producer is not transactional");
    }

    /** Starts a transaction: the following sends belong to it. Client-side only (nothing is sent yet). */
    default void beginTransaction() {
        throw new IllegalStateException("this producer is not transactional");
    }

    /**
     * Commits {@code offsets} (the positions of the next records to consume) for the consumer group of
     * {@code groupMetadata} as part of the current transaction (AddOffsetsToTxn, TxnOffsetCommit; spec B.7.4,
     * B.7.5): they become the group's committed offsets if and only if the transaction commits. Blocks up to
     * {@code max.block.ms}.
     */
    default void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
                                          ConsumerGroupMetadata groupMetadata) {
        throw new IllegalStateException("this producer is not transactional");
    }

    /**
     * Acknowledges records of a share consumer as part of the current transaction (spec B.13.15), as
     * {@link #sendOffsetsToTransaction} commits a consumer group's offsets: the share group is added to the
     * transaction (AddOffsetsToTxn, once per transaction), then the acknowledgements are staged on the broker
     * (ShareAcknowledge with flag 0x0020). A staged record belongs to the transaction: its acquisition lock no
     * longer runs and the consumer forgets it. When the transaction commits, each record gets its acknowledgement
     * (ACCEPT: never delivered again; REJECT: archived; RELEASE: delivered again); when it aborts (or times out, or
     * the broker restarts before the commit), the records are delivered again with their delivery count raised.
     * Blocks up to {@code max.block.ms}.
     *
     * <p>Call it for records {@code consumer} returned by its latest polls and not acknowledged otherwise,
     * RECOMMENDED as soon as they are handed to the application. If a record could not be staged (its lock ended,
     * or the consumer lost it), this throws and the transaction can only be aborted (as after a failed send): the
     * records it could not stage are released with the consumer's next acknowledgements, so every record of the
     * transaction is delivered again.
     *
     * @param acknowledgements records and their type (ACCEPT, RELEASE or REJECT)
     * @param consumer         the share consumer that returned the records
     * @throws io.streambus.client.UnsupportedFeatureException (capability {@code txn-share-acks}) if the broker does
     *         not advertise TXN_SHARE_ACKS; nothing is sent and the transaction is unaffected
     * @throws io.streambus.client.share.InvalidRecordStateException if some records were not staged
     * @throws IllegalArgumentException if a type is RENEW or {@code consumer} is not of this client library
     * @throws IllegalStateException    if no transaction is open, or a record is not held by {@code consumer} in
     *                                  a state that can be staged (already acknowledged)
     */
    default void sendAcknowledgementsToTransaction(
            Map<? extends io.streambus.client.share.ShareRecord<?, ?>, io.streambus.client.share.AcknowledgeType>
                    acknowledgements, io.streambus.client.share.ShareConsumer<?, ?> consumer) {
        throw new IllegalStateException("this producer is not transactional");
    }

    /**
     * Sends every record of the transaction, waits for their acknowledgements, then commits it (EndTxn). Blocks up
     * to {@code max.block.ms}. If a send of the transaction failed, the transaction is aborted instead and this
     * throws the send's failure.
     */
    default void commitTransaction() {
        throw new IllegalStateException("this producer is not transactional");
    }

    /** Aborts the current transaction (EndTxn abort): its records are never visible to read_committed consumers. */
    default void abortTransaction() {
        throw new IllegalStateException("this producer is not transactional");
    }

    /** {@link #close(Duration)} with 30 seconds. */
    @Override
    default void close() {
        close(Duration.ofSeconds(30));
    }
}
