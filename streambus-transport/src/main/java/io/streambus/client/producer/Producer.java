package io.streambus.client.producer;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Sends records to StreamBus with batching, partitioning, compression and retries. Thread-safe: one producer is
 * meant to be shared by many threads.
 *
 * <p>Every accepted record is either acknowledged or failed explicitly; none is dropped silently. Records sent to the
 * same partition are delivered in send order, also across retries (one Produce per partition is in flight at a
 * time; a failed batch is retried before the next one of its partition is sent). Produce is not idempotent on the
 * wire (spec A.6.1): a batch whose acknowledgement was lost may be stored twice when it is retried.
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
     * with exactly one of metadata or exception non-null.
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

    /** {@link #close(Duration)} with 30 seconds. */
    @Override
    default void close() {
        close(Duration.ofSeconds(30));
    }
}
