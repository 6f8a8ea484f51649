package io.streambus.jms.internal;

import io.streambus.common.TopicPartition;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.client.consumer.RecordConsumer;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;

/**
 * The part of a {@link RecordSource} that passes straight through to the client consumer, whether a group member or a
 * consumer of explicit partitions. Not thread-safe (fetcher thread), except {@link #wakeup()}.
 */
abstract class ClientConsumerSource implements RecordSource {
    private final RecordConsumer<byte[], byte[]> consumer;

    ClientConsumerSource(RecordConsumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        return consumer.poll(timeout);
    }

    @Override
    public void seek(TopicPartition partition, long offset) {
        consumer.seek(partition, offset);
    }

    @Override
    public Set<TopicPartition> assignment() {
        return consumer.assignment();
    }

    @Override
    public void pause(Collection<TopicPartition> partitions) {
        consumer.pause(partitions);
    }

    @Override
    public void resume(Collection<TopicPartition> partitions) {
        consumer.resume(partitions);
    }

    @Override
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close(Duration timeout) {
        consumer.close(timeout);
    }
}
