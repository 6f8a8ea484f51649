package io.streambus.client.internal.group.assignor;

import io.streambus.common.TopicPartition;
import io.streambus.protocol.group.Subscription;
import io.streambus.protocol.group.Utf8Order;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code sticky} (B.6.3). With P the partitions of all subscribed topics and M the members:
 * <ol>
 * <li>start from each member's owned partitions, dropping those that no longer exist or are no longer subscribed,
 *     and keeping a partition claimed by several members only for the first of them in member order;</li>
 * <li>each member may keep at most ⌈P/M⌉; when P mod M &gt; 0 only P mod M members (those owning the most, ties by
 *     member order) may keep ⌈P/M⌉ and the others at most ⌊P/M⌋, which fixes each member's cap; excess partitions
 *     are released highest (topic, partition) first;</li>
 * <li>every unowned partition, in (topic, partition) order, goes to the member below its cap with the fewest
 *     partitions, ties by member order.</li>
 * </ol>
 * Defined only when every member subscribes to the same topics; otherwise this generation is assigned with
 * {@link RoundRobinAssignor} (the group's protocol stays {@code sticky}).
 *
 * <p>Stateless and thread-safe.
 */
public final class StickyAssignor implements PartitionAssignor {

    /** Protocol name. */
    public static final String NAME = "sticky";

    private final RoundRobinAssignor fallback = new RoundRobinAssignor();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, List<TopicPartition>> assign(Map<String, Subscription> subscriptions,
                                                    Map<String, Integer> partitionCounts) {
        List<String> members = AssignorSupport.orderedMembers(subscriptions);
        if (members.isEmpty()) {
            return Map.of();
        }
        List<String> topics = subscriptions.get(members.get(0)).topics();
        for (String m : members) {
            // Subscription keeps its topics sorted and distinct, so list equality is set equality.
            if (!subscriptions.get(m).topics().equals(topics)) {
                return fallback.assign(subscriptions, partitionCounts);
            }
        }
        List<TopicPartition> all = AssignorSupport.allPartitions(topics, partitionCounts);
        int p = all.size();
        int m = members.size();
        Set<TopicPartition> existing = new HashSet<>(all);

        // (1) owned partitions that still exist and are subscribed (every member has the same topics, so existing
        // covers both), first claimant in member order wins. Owned lists are sorted (Subscription is canonical).
        Map<String, List<TopicPartition>> owned = AssignorSupport.emptyResult(members);
        Set<TopicPartition> claimed = new HashSet<>();
        for (String member : members) {
            for (TopicPartition tp : subscriptions.get(member).ownedPartitions()) {
                if (existing.contains(tp) && claimed.add(tp)) {
                    owned.get(member).add(tp);
                }
            }
        }

        // (2) caps: the P mod M members owning the most (ties by member order) get ⌈P/M⌉, the others ⌊P/M⌋.
        int floor = p / m;
        int extra = p % m;
        Map<String, Integer> cap = new HashMap<>();
        List<String> byOwned = new ArrayList<>(members);
        // List.sort is stable and members is in member order, so ties keep member order.
        byOwned.sort((a, b) -> Integer.compare(owned.get(b).size(), owned.get(a).size()));
        for (int i = 0; i < byOwned.size(); i++) {
            cap.put(byOwned.get(i), floor + (i < extra ? 1 : 0));
        }
        for (String member : members) {
            List<TopicPartition> list = owned.get(member);
            list.sort(Utf8Order.TOPIC_PARTITIONS);
            int c = cap.get(member);
            while (list.size() > c) {
                claimed.remove(list.remove(list.size() - 1)); // release the highest first
            }
        }

        // (3) every unowned partition to the member below its cap with the fewest partitions, ties by member order.
        for (TopicPartition tp : all) {
            if (claimed.contains(tp)) {
                continue;
            }
            String best = null;
            for (String member : members) {
                int size = owned.get(member).size();
                if (size < cap.get(member) && (best == null || size < owned.get(best).size())) {
                    best = member;
                }
            }
            // The caps add up to P, so some member is always below its cap here.
            owned.get(best).add(tp);
            claimed.add(tp);
        }
        return AssignorSupport.finish(owned);
    }
}
