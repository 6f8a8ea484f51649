package io.streambus.client.producer;

import io.streambus.common.Header;
import java.util.List;
import java.util.Objects;

/**
 * A record to send. Immutable; thread-safe if its key, value and header values are not modified after creation.
 *
 * @param topic     destination topic
 * @param partition explicit partition, or null to let the producer's partitioner choose
 * @param timestamp epoch milliseconds, or null for "now" at send time
 * @param key       key, may be null (no key)
 * @param value     value, may be null (sent as empty bytes)
 * @param headers   headers in the order they go on the wire; duplicate keys are refused at send time
 */
public record ProducerRecord<K, V>(String topic, Integer partition, Long timestamp, K key, V value, List<Header> headers) {

    public ProducerRecord {
        Objects.requireNonNull(topic, "topic");
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    public ProducerRecord(String topic, K key, V value) {
        this(topic, null, null, key, value, List.of());
    }

    public ProducerRecord(String topic, V value) {
        this(topic, null, null, null, value, List.of());
    }

    public ProducerRecord(String topic, Integer partition, K key, V value) {
        this(topic, partition, null, key, value, List.of());
    }
}
