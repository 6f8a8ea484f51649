package io.streambus.client.consumer;

import io.streambus.common.TopicPartition;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/** The records of one poll, grouped by partition, each partition in offset order. Immutable. */
public final class ConsumerRecords<K, V> implements Iterable<ConsumerRecord<K, V>> {
    private static final ConsumerRecords<?, ?> EMPTY = new ConsumerRecords<>(Map.of());
    private final Map<TopicPartition, List<ConsumerRecord<K, V>>> byPartition;
    private final int count;

    public ConsumerRecords(Map<TopicPartition, List<ConsumerRecord<K, V>>> byPartition) {
        this.byPartition = Collections.unmodifiableMap(new LinkedHashMap<>(byPartition));
        this.count = byPartition.values().stream().mapToInt(List::size).sum();
    }

    @SuppressWarnings("unchecked")
    public static <K, V> ConsumerRecords<K, V> empty() {
        return (ConsumerRecords<K, V>) EMPTY;
    }

    public List<ConsumerRecord<K, V>> records(TopicPartition partition) {
        return byPartition.getOrDefault(partition, List.of());
    }

    public Set<TopicPartition> partitions() {
        return byPartition.keySet();
    }

    public int count() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    @Override
    public Iterator<ConsumerRecord<K, V>> iterator() {
        // Partition after partition by hand: a flat-mapped stream's iterator buffers every record on its way.
        Iterator<List<ConsumerRecord<K, V>>> partitions = byPartition.values().iterator();
        return new Iterator<>() {
            private Iterator<ConsumerRecord<K, V>> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext()) {
                    if (!partitions.hasNext()) {
                        return false;
                    }
                    current = partitions.next().iterator();
                }
                return true;
            }

            @Override
            public ConsumerRecord<K, V> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }
}
