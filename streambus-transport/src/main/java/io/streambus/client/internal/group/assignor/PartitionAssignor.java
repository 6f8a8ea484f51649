package io.streambus.client.internal.group.assignor;

import io.streambus.common.TopicPartition;
import io.streambus.protocol.group.Subscription;

import java.util.List;
import java.util.Map;

/**
 * An assignment strategy of spec B.6.3. Implementations are stateless and thread-safe.
 */
public interface PartitionAssignor {

    /** The subscription of a member whose metadata could not be parsed (B.6.2): subscribed to nothing. */
    Subscription EMPTY_SUBSCRIPTION = new Subscription(List.of());

    /** The protocol name sent in JoinGroup ({@code range}, {@code roundrobin}, {@code sticky}). */
    String name();

    /**
     * Computes the assignment of one generation.
     *
     * @param subscriptions   every member of the generation, by member id (the order of the map does not matter:
     *                        members are ordered by unsigned byte order of their ids)
     * @param partitionCounts partition count per topic as ListTopics reported it; a topic that is absent, or has a
     *                        count of 0 or less, has no partitions
     * @return an entry for every member (possibly an empty list), each list sorted by topic (unsigned UTF-8 byte
     *         order) then partition; every partition of every subscribed topic appears exactly once
     */
    Map<String, List<TopicPartition>> assign(Map<String, Subscription> subscriptions,
                                             Map<String, Integer> partitionCounts);

    /** The assignor for a protocol name, or null if the name is none of the three. */
    static PartitionAssignor forName(String name) {
        return switch (name) {
            case RangeAssignor.NAME -> new RangeAssignor();
            case RoundRobinAssignor.NAME -> new RoundRobinAssignor();
            case StickyAssignor.NAME -> new StickyAssignor();
            default -> null;
        };
    }
}
