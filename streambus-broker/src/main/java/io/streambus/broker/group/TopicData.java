package io.streambus.broker.group;

import java.util.List;

/**
 * One topic entry of a {@code TopicPartitions<P>} structure (spec B.2): a topic and its per-partition values, in
 * the shape the wire has, so that the coordinator can apply the checks on duplicates and empty entries itself.
 *
 * @param topic      topic name
 * @param partitions the per-partition entries (each begins with the partition id)
 * @param <P>        per-partition value
 */
public record TopicData<P>(String topic, List<P> partitions) {
}
