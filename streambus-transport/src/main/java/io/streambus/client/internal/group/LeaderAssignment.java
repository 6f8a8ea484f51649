package io.streambus.client.internal.group;

import io.streambus.client.StreamBusException;
import io.streambus.client.internal.group.assignor.PartitionAssignor;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.group.Assignment;
import io.streambus.protocol.group.GroupMember;
import io.streambus.protocol.group.JoinGroupResponse;
import io.streambus.protocol.group.MemberAssignment;
import io.streambus.protocol.group.Subscription;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's part of a rebalance (spec B.6.3): the generation's assignment, computed from every member's
 * subscription with the strategy the group selected over the current partition counts, and the counts it used, so
 * that the leader notices a change (a partition added, a subscribed topic created) and starts a rebalance.
 *
 * <p>Not thread-safe: the coordinator loop alone uses it.
 */
final class LeaderAssignment {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderAssignment.class);

    private final String groupId;
    /** Partition counts of the topics the last assignment covered; null before the first. */
    private Map<String, Integer> assignedCounts;

    LeaderAssignment(String groupId) {
        this.groupId = groupId;
    }

    /**
     * The assignment of the generation {@code jr} announced to this leader: one entry per member, in the order of
     * {@code jr.members()}. A member whose subscription cannot be parsed gets nothing.
     *
     * @param topicCounts fetches the partition count of every topic (ListTopics); a topic it lacks has 0
     * @throws GroupMembership.FatalGroupError if the group selected a strategy this client does not implement
     */
    List<MemberAssignment> assign(JoinGroupResponse jr, Supplier<Map<String, Integer>> topicCounts) {
        PartitionAssignor assignor = PartitionAssignor.forName(jr.protocolName());
        if (assignor == null) {
            throw new GroupMembership.FatalGroupError(new StreamBusException("group '" + groupId
                    + "' selected protocol '" + jr.protocolName() + "', which this client does not implement"));
        }
        Map<String, Subscription> subs = new HashMap<>();
        Set<String> topics = new LinkedHashSet<>();
        for (GroupMember m : jr.members()) {
            Subscription subscription;
            try {
                subscription = Subscription.fromBytes(m.metadata());
            } catch (RuntimeException e) {
                LOG.warn("group {}: cannot parse the subscription of member {} ({}); it gets nothing", groupId,
                        m.memberId(), e.toString());
                subscription = PartitionAssignor.EMPTY_SUBSCRIPTION;
            }
            subs.put(m.memberId(), subscription);
            topics.addAll(subscription.topics());
        }
        Map<String, Integer> all = topicCounts.get();
        Map<String, Integer> counts = new HashMap<>();
        for (String t : topics) {
            counts.put(t, all.getOrDefault(t, 0));
        }
        assignedCounts = counts;
        Map<String, List<TopicPartition>> result = assignor.assign(subs, counts);
        List<MemberAssignment> out = new ArrayList<>();
        for (GroupMember m : jr.members()) {
            List<TopicPartition> parts = result.getOrDefault(m.memberId(), List.of());
            out.add(new MemberAssignment(m.memberId(), new Assignment(parts).toBytes()));
        }
        LOG.info("group {}: leader {} assigned generation {} with {}: {}", groupId, jr.memberId(),
                jr.generationId(), assignor.name(), result);
        return out;
    }

    /** The first topic of the last assignment whose partition count differs in {@code all}, or null. */
    String changedTopic(Map<String, Integer> all) {
        if (assignedCounts == null) {
            return null;
        }
        for (Map.Entry<String, Integer> e : assignedCounts.entrySet()) {
            if (all.getOrDefault(e.getKey(), 0).intValue() != e.getValue()) {
                return e.getKey();
            }
        }
        return null;
    }

    /** True if a topic of the last assignment had no partitions (not created yet): worth looking for soon. */
    boolean hasMissingTopics() {
        return assignedCounts != null && assignedCounts.containsValue(0);
    }
}
