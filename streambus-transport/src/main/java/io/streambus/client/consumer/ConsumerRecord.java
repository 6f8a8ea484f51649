package io.streambus.client.consumer;

import io.streambus.common.Header;
import io.streambus.common.TopicPartition;
import java.util.List;

/**
 * A fetched record. Immutable.
 *
 * @param topic     topic
 * @param partition partition
 * @param offset    offset in the partition
 * @param timestamp epoch milliseconds, or {@link #NO_TIMESTAMP} when the broker has none (the reference broker
 *                  returns a fixed sentinel for every message, spec A.5)
 * @param key       deserialized key, null when the record has no key
 * @param value     deserialized value
 * @param headers   headers in wire order (empty on brokers that do not keep them)
 */
public record ConsumerRecord<K, V>(String topic, int partition, long offset, long timestamp, K key, V value,
                                   List<Header> headers) {
    /** Timestamp value meaning "the broker did not keep one". */
    public static final long NO_TIMESTAMP = -1L;

    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }

    /** First header with this key, or null. */
    public Header header(String key) {
        for (Header h : headers) {
            if (h.key().equals(key)) {
                return h;
            }
        }
        return null;
    }
}
