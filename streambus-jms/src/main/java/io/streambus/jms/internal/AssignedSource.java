package io.streambus.jms.internal;

import io.streambus.common.TopicPartition;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Records of every partition of one topic through a partition consumer, without a group: non-durable topic
 * subscribers and temporary topics (starting at the log end when the consumer is created), and temporary queues
 * (starting at the queue's in-memory acknowledged positions, one active consumer at a time). Commits are local.
 * Not thread-safe (fetcher thread), except {@link #wakeup()}.
 */
final class AssignedSource extends ClientConsumerSource {
    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final int partitions;
    private final TemporaryQueueState queue;
    private final Object owner;
    private final Listener listener;
    private boolean leased;

    /**
     * @param queue    for a temporary queue: its shared state (positions and the single active consumer); null
     *                 for topics
     * @param owner    the JMS consumer (lease identity)
     */
    AssignedSource(Consumer<byte[], byte[]> consumer, String topic, int partitions, TemporaryQueueState queue,
                   Object owner, Listener listener) {
        super(consumer);
        this.consumer = consumer;
        this.topic = topic;
        this.partitions = partitions;
        this.queue = queue;
        this.owner = owner;
        this.listener = listener;
    }

    private List<TopicPartition> all() {
        List<TopicPartition> tps = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        return tps;
    }

    @Override
    public void open(Duration timeout) {
        if (queue == null) {
            List<TopicPartition> tps = all();
            consumer.assign(tps);
            consumer.seekToEnd(tps);
            // Resolve now: the subscription starts when the JMS consumer is created, not at its first poll.
            for (TopicPartition tp : tps) {
                consumer.position(tp, timeout);
            }
            leased = true;
            listener.assigned(tps);
        } else {
            tryLease();
        }
    }

    private boolean tryLease() {
        if (!leased && queue.acquire(owner)) {
            List<TopicPartition> tps = all();
            consumer.assign(tps);
            for (TopicPartition tp : tps) {
                consumer.seek(tp, queue.position(tp.partition()));
            }
            leased = true;
            listener.assigned(tps);
        }
        return leased;
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        if (!tryLease()) {
            // Another consumer of this connection holds the temporary queue: stand by.
            LockSupport.parkNanos(timeout.toNanos());
            return ConsumerRecords.empty();
        }
        return super.poll(timeout);
    }

    @Override
    public boolean localCommits() {
        return true;
    }

    @Override
    public void commit(Map<TopicPartition, Long> offsets, Duration timeout) {
        if (queue != null) {
            offsets.forEach((tp, off) -> queue.acknowledged(tp.partition(), off));
        }
    }

    @Override
    public void close(Duration timeout) {
        try {
            super.close(timeout);
        } finally {
            if (queue != null && leased) {
                queue.release(owner);
            }
        }
    }
}
