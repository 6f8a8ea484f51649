package io.streambus.camel.internal.consumer;

import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.common.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The records of a batch being gathered over several polls (batching=true with batchingIntervalMs): a batch is due
 * when it holds maxPollRecords records or when the interval has passed since its first record came. Records stay in
 * partition order; a batch never holds more than the maximum, the rest waits for the next one.
 *
 * <p>Records held here are not handled, so nothing of them is committed. Whoever gives partitions up (revocation,
 * loss, reconnect, stop, pause, a rewind) {@linkplain #drop drops} their records and learns where each partition has
 * to be read again from: holding records across polls never loses or reorders them.
 *
 * <p>Not thread-safe: the consumer thread only.
 */
final class BatchAccumulator {
    private final int maxRecords;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final Consumer<ConsumerRecord<Object, Object>> release;
    private final Map<TopicPartition, List<ConsumerRecord<Object, Object>>> held = new LinkedHashMap<>();
    private int size;
    private long firstAt;

    /**
     * @param maxRecords    the most records of one batch (maxPollRecords)
     * @param interval      how long a batch may wait to fill, from its first record
     * @param nanoTime      the clock
     * @param release       frees a record that is dropped
     */
    BatchAccumulator(int maxRecords, Duration interval, LongSupplier nanoTime,
                     Consumer<ConsumerRecord<Object, Object>> release) {
        this.maxRecords = maxRecords;
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
        this.release = release;
    }

    /** Adds the records of a poll. */
    void add(ConsumerRecords<Object, Object> polled) {
        for (TopicPartition tp : polled.partitions()) {
            List<ConsumerRecord<Object, Object>> list = polled.records(tp);
            if (list.isEmpty()) {
                continue;
            }
            if (size == 0) {
                firstAt = nanoTime.getAsLong();
            }
            held.computeIfAbsent(tp, k -> new ArrayList<>()).addAll(list);
            size += list.size();
        }
    }

    /** Number of records held. */
    int size() {
        return size;
    }

    /** True when a batch should be taken now: full, or the interval has passed since its first record. */
    boolean due() {
        return size >= maxRecords || size > 0 && nanoTime.getAsLong() - firstAt >= intervalNanos;
    }

    /** The poll timeout: {@code configured}, or less when the batch held falls due earlier. */
    Duration pollTimeout(Duration configured) {
        if (size == 0) {
            return configured;
        }
        long left = Math.max(0, intervalNanos - (nanoTime.getAsLong() - firstAt));
        return left < configured.toNanos() ? Duration.ofNanos(left) : configured;
    }

    /**
     * Takes the next batch: at most maxRecords records, the oldest first, in partition order. What does not fit stays
     * and starts the next batch (its interval starts now).
     */
    Map<TopicPartition, List<ConsumerRecord<Object, Object>>> take() {
        Map<TopicPartition, List<ConsumerRecord<Object, Object>>> batch = new LinkedHashMap<>();
        int room = maxRecords;
        Iterator<Map.Entry<TopicPartition, List<ConsumerRecord<Object, Object>>>> it = held.entrySet().iterator();
        while (room > 0 && it.hasNext()) {
            Map.Entry<TopicPartition, List<ConsumerRecord<Object, Object>>> e = it.next();
            List<ConsumerRecord<Object, Object>> list = e.getValue();
            if (list.size() <= room) {
                batch.put(e.getKey(), list);
                room -= list.size();
                it.remove();
            } else {
                List<ConsumerRecord<Object, Object>> head = new ArrayList<>(list.subList(0, room));
                list.subList(0, room).clear();
                batch.put(e.getKey(), head);
                room = 0;
            }
        }
        size -= maxRecords - room;
        if (size > 0) {
            firstAt = nanoTime.getAsLong();
        }
        return batch;
    }

    /**
     * Drops (and releases) the records held for these partitions.
     *
     * @return partition → offset of its first dropped record: where it has to be read again from
     */
    Map<TopicPartition, Long> drop(Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> from = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            List<ConsumerRecord<Object, Object>> list = held.remove(tp);
            if (list != null && !list.isEmpty()) {
                from.put(tp, list.get(0).offset());
                size -= list.size();
                list.forEach(release);
            }
        }
        return from;
    }

    /** Drops every record held; see {@link #drop}. */
    Map<TopicPartition, Long> dropAll() {
        return drop(new ArrayList<>(held.keySet()));
    }
}
