package io.streambus.camel.internal.consumer;

import io.streambus.client.TopicPartition;
import io.streambus.client.consumer.ConsumerRecords;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongBiFunction;

/**
 * The one {@link RecordSource} implementation: forwards every call to the wrapped client consumer's method of the same
 * name. {@code Consumer} and {@code GroupConsumer} share these methods but no supertype, so the factories in
 * {@link RecordSource} hand in method references instead of two copies of the forwarding code. Thread-safety is the
 * wrapped consumer's (only {@link #wakeup()} may be called from another thread).
 */
final class ForwardingRecordSource implements RecordSource {
    private final Function<Duration, ConsumerRecords<Object, Object>> poll;
    private final Supplier<Set<TopicPartition>> assignment;
    private final BiConsumer<TopicPartition, Long> seek;
    private final java.util.function.Consumer<Collection<TopicPartition>> seekToBeginning;
    private final java.util.function.Consumer<Collection<TopicPartition>> seekToEnd;
    private final ToLongBiFunction<TopicPartition, Duration> position;
    private final java.util.function.Consumer<Collection<TopicPartition>> pause;
    private final java.util.function.Consumer<Collection<TopicPartition>> resume;
    private final Runnable wakeup;
    private final java.util.function.Consumer<Duration> close;

    ForwardingRecordSource(Function<Duration, ConsumerRecords<Object, Object>> poll,
            Supplier<Set<TopicPartition>> assignment,
            BiConsumer<TopicPartition, Long> seek,
            java.util.function.Consumer<Collection<TopicPartition>> seekToBeginning,
            java.util.function.Consumer<Collection<TopicPartition>> seekToEnd,
            ToLongBiFunction<TopicPartition, Duration> position,
            java.util.function.Consumer<Collection<TopicPartition>> pause,
            java.util.function.Consumer<Collection<TopicPartition>> resume,
            Runnable wakeup,
            java.util.function.Consumer<Duration> close) {
        this.poll = poll;
        this.assignment = assignment;
        this.seek = seek;
        this.seekToBeginning = seekToBeginning;
        this.seekToEnd = seekToEnd;
        this.position = position;
        this.pause = pause;
        this.resume = resume;
        this.wakeup = wakeup;
        this.close = close;
    }

    @Override
    public ConsumerRecords<Object, Object> poll(Duration timeout) {
        return poll.apply(timeout);
    }

    @Override
    public Set<TopicPartition> assignment() {
        return assignment.get();
    }

    @Override
    public void seek(TopicPartition partition, long offset) {
        seek.accept(partition, offset);
    }

    @Override
    public void seekToBeginning(Collection<TopicPartition> partitions) {
        seekToBeginning.accept(partitions);
    }

    @Override
    public void seekToEnd(Collection<TopicPartition> partitions) {
        seekToEnd.accept(partitions);
    }

    @Override
    public long position(TopicPartition partition, Duration timeout) {
        return position.applyAsLong(partition, timeout);
    }

    @Override
    public void pause(Collection<TopicPartition> partitions) {
        pause.accept(partitions);
    }

    @Override
    public void resume(Collection<TopicPartition> partitions) {
        resume.accept(partitions);
    }

    @Override
    public void wakeup() {
        wakeup.run();
    }

    @Override
    public void close(Duration timeout) {
        close.accept(timeout);
    }
}
