package io.streambus.client.internal.group.assignor;

import io.streambus.common.TopicPartition;
import io.streambus.protocol.group.Subscription;
import io.streambus.protocol.group.Utf8Order;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Helpers shared by the assignors. */
final class AssignorSupport {

    private AssignorSupport() {
    }

    /** Member ids in unsigned byte order (B.6.3). */
    static List<String> orderedMembers(Map<String, Subscription> subscriptions) {
        List<String> members = new ArrayList<>(subscriptions.keySet());
        members.sort(Utf8Order.STRINGS);
        return members;
    }

    /** Each member's subscribed topics as a set, for fast membership tests. */
    static Map<String, Set<String>> topicSets(Map<String, Subscription> subscriptions) {
        Map<String, Set<String>> out = new HashMap<>();
        for (Map.Entry<String, Subscription> e : subscriptions.entrySet()) {
            out.put(e.getKey(), new HashSet<>(e.getValue().topics()));
        }
        return out;
    }

    /** Partitions of a topic: 0 when absent or not positive. */
    static int partitions(Map<String, Integer> partitionCounts, String topic) {
        Integer n = partitionCounts.get(topic);
        return n == null || n < 0 ? 0 : n;
    }

    /** Every subscribed topic of every member, in unsigned byte order. */
    static TreeSet<String> allTopics(Map<String, Subscription> subscriptions) {
        TreeSet<String> topics = new TreeSet<>(Utf8Order.STRINGS);
        for (Subscription s : subscriptions.values()) {
            topics.addAll(s.topics());
        }
        return topics;
    }

    /** Every (topic, partition) of the given topics, sorted by topic then partition. */
    static List<TopicPartition> allPartitions(Iterable<String> sortedTopics, Map<String, Integer> partitionCounts) {
        List<TopicPartition> all = new ArrayList<>();
        for (String topic : sortedTopics) {
            int n = partitions(partitionCounts, topic);
            for (int p = 0; p < n; p++) {
                all.add(new TopicPartition(topic, p));
            }
        }
        return all;
    }

    /** An empty, ordered result map with an entry for every member. */
    static Map<String, List<TopicPartition>> emptyResult(List<String> orderedMembers) {
        Map<String, List<TopicPartition>> out = new LinkedHashMap<>();
        for (String m : orderedMembers) {
            out.put(m, new ArrayList<>());
        }
        return out;
    }

    /** Sorts every list and makes the result immutable, keeping member order. */
    static Map<String, List<TopicPartition>> finish(Map<String, List<TopicPartition>> result) {
        Map<String, List<TopicPartition>> out = new TreeMap<>(Utf8Order.STRINGS);
        for (Map.Entry<String, List<TopicPartition>> e : result.entrySet()) {
            List<TopicPartition> list = new ArrayList<>(e.getValue());
            list.sort(Utf8Order.TOPIC_PARTITIONS);
            out.put(e.getKey(), List.copyOf(list));
        }
        return Collections.unmodifiableMap(out);
    }
}
