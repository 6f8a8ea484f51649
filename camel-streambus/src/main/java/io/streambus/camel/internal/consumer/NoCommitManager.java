package io.streambus.camel.internal.consumer;

import io.streambus.camel.consumer.StreamBusManualCommit;
import io.streambus.common.TopicPartition;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * No commits: the endpoint has nowhere to commit to, or commits are switched off. Positions still come from the
 * commit target when there is one (see {@link ConsumerTask}). Stateless and thread-safe.
 */
final class NoCommitManager implements CommitManager {

    @Override
    public Duration pollTimeout(Duration configured) {
        return configured;
    }

    @Override
    public void maybeCommit() {
        // nothing is committed
    }

    @Override
    public void commitHandled(Collection<TopicPartition> partitions) {
        // nothing is committed
    }

    @Override
    public StreamBusManualCommit manualCommitHandle(TopicPartition partition, long offset) {
        return null;
    }

    @Override
    public CompletableFuture<Void> commitManually(TopicPartition partition, long nextOffset, boolean sync) {
        return CompletableFuture.failedFuture(CommitManager.notAssigned(partition, nextOffset));
    }

    @Override
    public String describe() {
        return "none";
    }
}
