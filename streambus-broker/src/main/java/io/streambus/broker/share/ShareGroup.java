package io.streambus.broker.share;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One share group (spec B.13.1): settings, members and share-partitions. Its monitor guards all of it and every
 * {@link SharePartition} and {@link ShareMember} it holds; durable records of the group are queued to the
 * {@link ShareStateStore} while holding it, so the log order is the order of the changes. A deleted group is
 * marked {@link #deleted}; a caller that finds it so under the lock looks the group up again.
 */
final class ShareGroup {
    final String id;
    ShareGroupSettings settings;
    final Map<String, ShareMember> members = new LinkedHashMap<>();
    /** Share-partitions by {@link ShareStateStore#key}. */
    final Map<String, SharePartition> partitions = new LinkedHashMap<>();
    /** Subscribed topics that did not exist when a subscription naming them was processed (B.13.1). */
    final Set<String> awaitedTopics = new HashSet<>();
    boolean deleted;

    ShareGroup(String id, ShareGroupSettings settings) {
        this.id = id;
        this.settings = settings;
    }

    /** {@code Empty} or {@code Stable} (B.13.1). */
    String stateName() {
        return members.isEmpty() ? "Empty" : "Stable";
    }

    SharePartition partition(String topic, int partition) {
        return partitions.get(ShareStateStore.key(topic, partition));
    }

    /** True if some member subscribes to {@code topic}. */
    boolean subscribed(String topic) {
        for (ShareMember m : members.values()) {
            if (m.subscription.contains(topic)) {
                return true;
            }
        }
        return false;
    }
}
