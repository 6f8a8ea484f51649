package io.streambus.jms.internal;

import io.streambus.common.TopicPartition;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The acknowledgement ledger of one JMS consumer, per assigned partition: where consumption started or was last
 * committed ({@code base}), the highest offset delivered or skipped ({@code consumedUpTo}), the offsets delivered
 * and not yet acknowledged, and how often each of those was delivered before.
 *
 * <ul>
 * <li>A commit moves a partition to {@code min(consumedUpTo + 1, lowest offset still held back)}
 * ({@link #commitTargets}); once the broker accepted it, {@link #committed} forgets what lies below.</li>
 * <li>A rewind (recover, rollback, a listener that threw in an auto mode) goes back to {@code base} and counts one
 * more delivery for every unacknowledged offset ({@link #rewind}), which gives {@code JMSRedelivered} and
 * {@code JMSXDeliveryCount} when the records come again ({@link #delivered}).</li>
 * </ul>
 *
 * <p>Pure bookkeeping: no threads, no I/O, no clock. Not thread-safe: the consumer guards it with its lock.
 */
final class AckLedger {
    private final Map<TopicPartition, Partition> parts = new LinkedHashMap<>();

    /** Acknowledgement state of one partition. */
    private static final class Partition {
        long base = -1;
        long committed = -1;
        long consumedUpTo = -1;
        final TreeSet<Long> unacked = new TreeSet<>();
        final Map<Long, Integer> previousDeliveries = new HashMap<>();
    }

    /** Starts tracking newly assigned partitions (from scratch, also when they were assigned before). */
    void assigned(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            parts.put(tp, new Partition());
        }
    }

    /** Forgets revoked partitions: what was not acknowledged there belongs to the partition's next owner. */
    void revoked(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            parts.remove(tp);
        }
    }

    /** True while {@code tp} is assigned. */
    boolean owns(TopicPartition tp) {
        return parts.containsKey(tp);
    }

    /**
     * A record was fetched: the first one after an assignment marks where consumption starts.
     *
     * @return false when the partition is no longer assigned (the record is to be dropped)
     */
    boolean fetched(TopicPartition tp, long offset) {
        Partition p = parts.get(tp);
        if (p == null) {
            return false;
        }
        if (p.base < 0) {
            p.base = offset;
        }
        return true;
    }

    /** A record was consumed without being delivered (selector, noLocal, expired): a commit may pass it. */
    void skipped(TopicPartition tp, long offset) {
        consumed(partition(tp), offset);
    }

    /**
     * A record was handed to the application and awaits acknowledgement.
     *
     * @return its delivery count: 1 the first time, one more after each rewind that found it unacknowledged
     */
    int delivered(TopicPartition tp, long offset) {
        Partition p = partition(tp);
        consumed(p, offset);
        p.unacked.add(offset);
        return p.previousDeliveries.getOrDefault(offset, 0) + 1;
    }

    private static void consumed(Partition p, long offset) {
        if (offset > p.consumedUpTo) {
            p.consumedUpTo = offset;
        }
    }

    private Partition partition(TopicPartition tp) {
        Partition p = parts.get(tp);
        if (p == null) {
            throw new IllegalStateException("partition " + tp + " is not assigned to this consumer");
        }
        return p;
    }

    /** True when {@code tp} has delivered records that are not acknowledged yet. */
    boolean hasUnacknowledged(TopicPartition tp) {
        Partition p = parts.get(tp);
        return p != null && !p.unacked.isEmpty();
    }

    /**
     * Per partition the next offset to commit, where that advances the committed position.
     *
     * @param only       the partitions to consider, or null for all
     * @param lowestHeld per partition the lowest offset still held back (delivery delay): never committed past
     */
    Map<TopicPartition, Long> commitTargets(Collection<TopicPartition> only, Map<TopicPartition, Long> lowestHeld) {
        Map<TopicPartition, Long> out = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, Partition> e : parts.entrySet()) {
            if (only != null && !only.contains(e.getKey())) {
                continue;
            }
            Partition p = e.getValue();
            if (p.consumedUpTo < 0) {
                continue;
            }
            long target = p.consumedUpTo + 1;
            Long held = lowestHeld.get(e.getKey());
            if (held != null && held < target) {
                target = held;
            }
            if (target > p.committed && target > p.base - 1) {
                out.put(e.getKey(), target);
            }
        }
        return out;
    }

    /** The broker accepted these next-offsets: everything below them is acknowledged. */
    void committed(Map<TopicPartition, Long> offsets) {
        offsets.forEach((tp, off) -> {
            Partition p = parts.get(tp);
            if (p != null) {
                p.committed = Math.max(p.committed, off);
                p.base = Math.max(p.base, off);
                p.unacked.headSet(off).clear();
                p.previousDeliveries.keySet().removeIf(o -> o < off);
            }
        });
    }

    /**
     * Goes back to {@code base} in every partition that handed out or skipped something since: each unacknowledged
     * offset counts one more delivery. Partitions with nothing consumed since their last commit keep their position
     * (and the caller its prefetched records: Spring and pooled-jms roll cached sessions back on every logical close).
     *
     * @return per rewound partition the offset to seek to
     */
    Map<TopicPartition, Long> rewind() {
        Map<TopicPartition, Long> seeks = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, Partition> e : parts.entrySet()) {
            Partition p = e.getValue();
            if (p.base < 0 || p.consumedUpTo < p.base) {
                continue;
            }
            for (Long o : p.unacked) {
                p.previousDeliveries.merge(o, 1, Integer::sum);
            }
            p.unacked.clear();
            p.consumedUpTo = p.base - 1;
            seeks.put(e.getKey(), p.base);
        }
        return seeks;
    }
}
