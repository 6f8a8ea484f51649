package io.streambus.camel.internal.consumer;

import io.streambus.client.TopicPartition;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.client.consumer.GroupConsumer;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;

/**
 * The client consumer of one consumer thread, whether a group member or a consumer of explicit partitions, so that
 * both modes share one processing and commit loop. Not thread-safe except {@link #wakeup()}, like the client
 * consumers it wraps.
 */
interface RecordSource {

    ConsumerRecords<Object, Object> poll(Duration timeout);

    Set<TopicPartition> assignment();

    void seek(TopicPartition partition, long offset);

    void seekToBeginning(Collection<TopicPartition> partitions);

    void seekToEnd(Collection<TopicPartition> partitions);

    long position(TopicPartition partition, Duration timeout);

    void pause(Collection<TopicPartition> partitions);

    void resume(Collection<TopicPartition> partitions);

    void wakeup();

    void close(Duration timeout);

    @SuppressWarnings("unchecked")
    static RecordSource of(GroupConsumer<?, ?> consumer) {
        GroupConsumer<Object, Object> c = (GroupConsumer<Object, Object>) consumer;
        return new ForwardingRecordSource(c::poll, c::assignment, c::seek, c::seekToBeginning, c::seekToEnd,
                c::position, c::pause, c::resume, c::wakeup, c::close);
    }

    @SuppressWarnings("unchecked")
    static RecordSource of(Consumer<?, ?> consumer) {
        Consumer<Object, Object> c = (Consumer<Object, Object>) consumer;
        return new ForwardingRecordSource(c::poll, c::assignment, c::seek, c::seekToBeginning, c::seekToEnd,
                c::position, c::pause, c::resume, c::wakeup, c::close);
    }
}
