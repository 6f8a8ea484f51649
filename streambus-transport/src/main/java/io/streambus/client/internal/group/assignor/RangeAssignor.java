package io.streambus.client.internal.group.assignor;

import io.streambus.common.TopicPartition;
import io.streambus.protocol.group.Subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code range} (B.6.3): for each subscribed topic separately, take the members subscribed to it in member order and
 * its partitions 0 … P-1; with M such members, the first P mod M members get ⌈P/M⌉ consecutive partitions and the
 * rest ⌊P/M⌋.
 *
 * <p>Stateless and thread-safe.
 */
public final class RangeAssignor implements PartitionAssignor {

    /** Protocol name. */
    public static final String NAME = "range";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, List<TopicPartition>> assign(Map<String, Subscription> subscriptions,
                                                    Map<String, Integer> partitionCounts) {
        List<String> members = AssignorSupport.orderedMembers(subscriptions);
        Map<String, List<TopicPartition>> result = AssignorSupport.emptyResult(members);
        Map<String, Set<String>> topicsOf = AssignorSupport.topicSets(subscriptions);
        for (String topic : AssignorSupport.allTopics(subscriptions)) {
            List<String> subscribed = new ArrayList<>();
            for (String m : members) {
                if (topicsOf.get(m).contains(topic)) {
                    subscribed.add(m);
                }
            }
            int p = AssignorSupport.partitions(partitionCounts, topic);
            int m = subscribed.size();
            int base = p / m;
            int extra = p % m;
            int next = 0;
            for (int i = 0; i < m; i++) {
                int take = base + (i < extra ? 1 : 0);
                List<TopicPartition> target = result.get(subscribed.get(i));
                for (int k = 0; k < take; k++) {
                    target.add(new TopicPartition(topic, next++));
                }
            }
        }
        return AssignorSupport.finish(result);
    }
}
