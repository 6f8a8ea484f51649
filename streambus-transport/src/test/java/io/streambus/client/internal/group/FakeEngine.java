package io.streambus.client.internal.group;

import io.streambus.client.WakeupException;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.common.TopicPartition;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An in-memory fetch engine for group consumer tests: it fetches nothing, keeps assignment, pauses and positions,
 * and logs what the group consumer asks of it into the shared event list, so that tests can check the order of
 * engine calls, listener callbacks and requests. Thread-safe.
 */
final class FakeEngine implements Consumer<String, String> {
    private final List<String> events;
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private Set<TopicPartition> assigned = Set.of();
    private final Set<TopicPartition> paused = new LinkedHashSet<>();
    private boolean wakeup;
    private boolean closed;
    private int polls;

    FakeEngine(List<String> events) {
        this.events = events;
    }

    /** Sets the position poll would return next, as consuming records does. */
    synchronized void setPosition(TopicPartition tp, long offset) {
        positions.put(tp, offset);
    }

    /** Positions of assigned partitions. */
    synchronized Map<TopicPartition, Long> positions() {
        Map<TopicPartition, Long> m = new HashMap<>(positions);
        m.keySet().retainAll(assigned);
        return m;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void assign(String topic, Collection<Integer> partitions) {
        throw new UnsupportedOperationException("the group consumer assigns by TopicPartition");
    }

    @Override
    public synchronized void assign(Collection<TopicPartition> partitions) {
        assigned = Set.copyOf(partitions);
        paused.retainAll(assigned);
        positions.keySet().retainAll(assigned);
        events.add("engine.assign " + new TreeSet<>(partitions));
    }

    @Override
    public synchronized Set<TopicPartition> paused() {
        return Set.copyOf(paused);
    }

    @Override
    public synchronized void close(Duration timeout) {
        closed = true;
        events.add("engine.close");
    }

    @Override
    public synchronized Set<TopicPartition> assignment() {
        return assigned;
    }

    @Override
    public synchronized void seek(TopicPartition partition, long offset) {
        positions.put(partition, offset);
        events.add("engine.seek " + partition + " " + offset);
    }

    @Override
    public void seekToBeginning(Collection<TopicPartition> partitions) {
        throw new UnsupportedOperationException("not used by these tests");
    }

    @Override
    public void seekToEnd(Collection<TopicPartition> partitions) {
        throw new UnsupportedOperationException("not used by these tests");
    }

    @Override
    public synchronized long position(TopicPartition partition, Duration timeout) {
        Long p = positions.get(partition);
        if (p == null) {
            throw new IllegalStateException("no position for " + partition);
        }
        return p;
    }

    @Override
    public synchronized void pause(Collection<TopicPartition> partitions) {
        paused.addAll(partitions);
        events.add("engine.pause " + new TreeSet<>(partitions));
    }

    @Override
    public synchronized void resume(Collection<TopicPartition> partitions) {
        paused.removeAll(partitions);
    }

    /** How many times the group consumer polled this engine (asked it for records to deliver). */
    synchronized int polls() {
        return polls;
    }

    @Override
    public synchronized ConsumerRecords<String, String> poll(Duration timeout) {
        polls++;
        if (wakeup) {
            wakeup = false;
            throw new WakeupException();
        }
        return ConsumerRecords.empty();
    }

    @Override
    public synchronized void wakeup() {
        wakeup = true;
    }
}
