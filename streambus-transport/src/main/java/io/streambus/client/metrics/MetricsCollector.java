package io.streambus.client.metrics;

import io.streambus.common.TopicPartition;
import java.util.function.LongSupplier;

/**
 * Receives client measurements. Implementations must be thread-safe and fast: they are called on I/O threads and on
 * application threads in the send path, so they must not block. Every method has a no-op default, so an
 * implementation overrides only what it records. Configure one with
 * {@code StreamBusClient.builder().metrics(collector)}; the default is {@link #NOOP}.
 */
public interface MetricsCollector {

    /** A collector that records nothing. */
    MetricsCollector NOOP = new MetricsCollector() {
    };

    /**
     * A produce batch was acknowledged.
     *
     * @param partition    destination
     * @param records      records in the batch
     * @param bytes        encoded (uncompressed) bytes of the batch
     * @param latencyNanos from the first record's send call to the acknowledgement
     */
    default void recordSend(TopicPartition partition, int records, int bytes, long latencyNanos) {
    }

    /** A produce batch was retried after a retriable error. */
    default void recordSendRetry(TopicPartition partition, Throwable cause) {
    }

    /**
     * A fetch reply arrived.
     *
     * @param partition    source
     * @param records      records in the reply (0 for an empty fetch)
     * @param bytes        encoded bytes of the message block
     * @param latencyNanos request round trip
     */
    default void recordFetch(TopicPartition partition, int records, int bytes, long latencyNanos) {
    }

    /**
     * A request failed (after which it may still be retried).
     *
     * @param operation request type name, for example {@code Produce}
     * @param broker    host:port
     * @param error     the failure
     */
    default void recordError(String operation, String broker, Throwable error) {
    }

    /** Requests written and not yet answered on all connections to {@code broker} changed to {@code inFlight}. */
    default void inFlight(String broker, int inFlight) {
    }

    /** Connections open (established and being set up) to {@code broker} changed to {@code open}. */
    default void connections(String broker, int open) {
    }

    /**
     * The circuit breaker of {@code broker} moved to {@code state} (CLOSED, OPEN or HALF_OPEN); also called with
     * CLOSED when the client first uses the broker.
     */
    default void circuitState(String broker, String state) {
    }

    /**
     * A producer was created with a send buffer of {@code totalBytes} ({@code buffer.memory}); called once per
     * producer. {@code availableBytes} reads the free bytes at any time (it takes a short lock, so sample it, for
     * example from a gauge, rather than on every send).
     */
    default void bufferMemory(LongSupplier availableBytes, long totalBytes) {
    }

    /**
     * After a fetch from {@code partition}: records between the next offset to fetch and the high-water mark
     * (what Kafka's consumer reports as records-lag).
     */
    default void consumerLag(TopicPartition partition, long lag) {
    }

    /**
     * A share-group consumer acknowledged {@code records} records of {@code partition} with {@code type} (ACCEPT,
     * RELEASE or REJECT) and the broker confirmed it.
     */
    default void recordShareAcknowledge(TopicPartition partition, String type, int records) {
    }
}
