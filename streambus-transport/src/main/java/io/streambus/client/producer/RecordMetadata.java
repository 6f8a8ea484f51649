package io.streambus.client.producer;

import io.streambus.common.TopicPartition;

/**
 * Where an acknowledged record was stored.
 *
 * @param topicPartition topic and partition
 * @param offset         offset the broker gave the record
 * @param timestamp      epoch milliseconds the record was sent with
 * @param serializedKeySize   key bytes on the wire
 * @param serializedValueSize value bytes on the wire
 */
public record RecordMetadata(TopicPartition topicPartition, long offset, long timestamp, int serializedKeySize,
                             int serializedValueSize) {
    public String topic() {
        return topicPartition.topic();
    }

    public int partition() {
        return topicPartition.partition();
    }
}
