package io.streambus.client.share;

import io.streambus.common.TopicPartition;
import io.streambus.common.Header;

import java.util.List;

/**
 * A record acquired by a share consumer (spec B.13.5). Immutable.
 *
 * @param topic         topic
 * @param partition     partition
 * @param offset        offset in the partition
 * @param timestamp     epoch milliseconds, or {@link io.streambus.client.consumer.ConsumerRecord#NO_TIMESTAMP}
 * @param key           deserialized key, null when the record has no key
 * @param value         deserialized value
 * @param headers       headers in wire order
 * @param deliveryCount how many times the record has been acquired, this delivery included (1 on the first
 *                      delivery; JMS's {@code JMSXDeliveryCount})
 */
public record ShareRecord<K, V>(String topic, int partition, long offset, long timestamp, K key, V value,
                                List<Header> headers, int deliveryCount) {
    public ShareRecord {
        headers = List.copyOf(headers);
    }

    /** Topic and partition. */
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
