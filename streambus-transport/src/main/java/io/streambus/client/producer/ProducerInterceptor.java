package io.streambus.client.producer;

/**
 * Sees every record before it is serialized and every acknowledgement or failure. Configure with
 * {@code interceptor.classes}. Must be thread-safe and fast; exceptions thrown by an interceptor are logged and
 * ignored, never passed to the application.
 */
public interface ProducerInterceptor<K, V> {

    /**
     * Called in {@code send}, before serialization and partitioning, on the sending thread.
     *
     * @return the record to send instead (may be the same one); never null
     */
    ProducerRecord<K, V> onSend(ProducerRecord<K, V> record);

    /**
     * Called once per record on an I/O thread, before the application's future completes.
     *
     * @param metadata where the record was stored, or null if it failed before a partition was chosen
     * @param error    null on success
     */
    void onAcknowledgement(RecordMetadata metadata, Throwable error);

    /** Called once when the producer closes. */
    default void close() {
    }
}
