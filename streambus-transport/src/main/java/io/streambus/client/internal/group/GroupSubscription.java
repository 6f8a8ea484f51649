package io.streambus.client.internal.group;

import io.streambus.client.consumer.RebalanceListener;
import io.streambus.common.TopicPartition;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One subscribe call: a topic list or a pattern, and the listener for its rebalances. A new object for every call,
 * so that work begun for an older subscription can tell (by identity) that it was superseded. Immutable;
 * thread-safe.
 *
 * @param topics   sorted topic names (UTF-8 order), or null for a pattern subscription
 * @param pattern  the pattern, or null
 * @param listener never null
 */
record GroupSubscription(List<String> topics, Pattern pattern, RebalanceListener listener) {
    /** The listener of a subscription made without one. */
    static final RebalanceListener NO_LISTENER = new RebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }
    };
}
