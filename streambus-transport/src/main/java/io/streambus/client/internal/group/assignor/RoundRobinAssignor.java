package io.streambus.client.internal.group.assignor;

import io.streambus.common.TopicPartition;
import io.streambus.protocol.group.Subscription;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code roundrobin} (B.6.3): all (topic, partition) pairs of all subscribed topics, sorted by topic then partition,
 * each given to the next member of a circular walk over the member list, skipping members not subscribed to that
 * topic.
 *
 * <p>Stateless and thread-safe.
 */
public final class RoundRobinAssignor implements PartitionAssignor {

    /** Protocol name. */
    public static final String NAME = "roundrobin";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, List<TopicPartition>> assign(Map<String, Subscription> subscriptions,
                                                    Map<String, Integer> partitionCounts) {
        List<String> members = AssignorSupport.orderedMembers(subscriptions);
        Map<String, List<TopicPartition>> result = AssignorSupport.emptyResult(members);
        List<TopicPartition> all = AssignorSupport.allPartitions(AssignorSupport.allTopics(subscriptions),
                partitionCounts);
        Map<String, Set<String>> topicsOf = AssignorSupport.topicSets(subscriptions);
        int cursor = 0; // index of the next member in the circular walk
        for (TopicPartition tp : all) {
            // Some member subscribes to tp's topic (it came from a subscription), so this ends within one lap.
            while (!topicsOf.get(members.get(cursor)).contains(tp.topic())) {
                cursor = (cursor + 1) % members.size();
            }
            result.get(members.get(cursor)).add(tp);
            cursor = (cursor + 1) % members.size();
        }
        return AssignorSupport.finish(result);
    }
}
