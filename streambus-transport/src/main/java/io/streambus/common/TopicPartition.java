package io.streambus.common;

import java.util.Objects;

/**
 * A topic name and a 0-based partition id. Immutable and thread-safe.
 *
 * @param topic     topic name, never null
 * @param partition partition id, at least 0
 */
public record TopicPartition(String topic, int partition) implements Comparable<TopicPartition> {

    public TopicPartition {
        Objects.requireNonNull(topic, "topic");
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, was " + partition + " for topic " + topic);
        }
    }

    /** Orders by topic (UTF-16 order, which equals byte order for valid topic names) then partition. */
    @Override
    public int compareTo(TopicPartition o) {
        int c = topic.compareTo(o.topic);
        return c != 0 ? c : Integer.compare(partition, o.partition);
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
