package io.streambus.camel.internal.consumer;

import io.streambus.camel.consumer.StreamBusManualCommit;
import io.streambus.client.Futures;
import io.streambus.common.TopicPartition;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The manual-commit handle of one record; the commit runs on the consumer thread that owns the partition. Immutable
 * and thread-safe.
 */
final class DefaultManualCommit implements StreamBusManualCommit {
    private final ConsumerTask task;
    private final TopicPartition partition;
    private final long offset;

    DefaultManualCommit(ConsumerTask task, TopicPartition partition, long offset) {
        this.task = task;
        this.partition = partition;
        this.offset = offset;
    }

    @Override
    public void commitSync() {
        CompletableFuture<Void> f = task.manualCommit(partition, offset + 1, true);
        // The consumer thread applies its own commit timeout; the extra second covers the wait for its turn.
        long timeoutNanos = task.commitTimeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
        Futures.await(f, timeoutNanos, "commit of " + partition + "@" + offset);
    }

    @Override
    public CompletableFuture<Void> commitAsync() {
        return task.manualCommit(partition, offset + 1, false);
    }

    @Override
    public String getTopic() {
        return partition.topic();
    }

    @Override
    public int getPartition() {
        return partition.partition();
    }

    @Override
    public long getOffset() {
        return offset;
    }

    @Override
    public String toString() {
        return "StreamBusManualCommit[" + partition + "@" + offset + "]";
    }
}
