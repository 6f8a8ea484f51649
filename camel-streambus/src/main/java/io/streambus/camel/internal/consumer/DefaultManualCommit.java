package io.streambus.camel.internal.consumer;

import io.streambus.camel.consumer.StreamBusManualCommit;
import io.streambus.client.StreamBusException;
import io.streambus.client.StreamBusTimeoutException;
import io.streambus.common.TopicPartition;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The manual-commit handle of one record; the commit runs on the consumer thread that owns the partition. */
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
        long timeoutMs = task.commitTimeout().toMillis();
        try {
            // The consumer thread applies its own commit timeout; the extra second covers the wait for its turn.
            f.get(timeoutMs + 1000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new StreamBusTimeoutException("commit of " + partition + "@" + offset + " did not complete within "
                    + timeoutMs + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamBusException("interrupted while committing " + partition + "@" + offset, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof StreamBusException sbe) {
                throw sbe;
            }
            throw new StreamBusException("commit of " + partition + "@" + offset + " failed: " + c, c);
        }
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
