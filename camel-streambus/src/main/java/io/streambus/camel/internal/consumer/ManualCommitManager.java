package io.streambus.camel.internal.consumer;

import io.streambus.camel.consumer.StreamBusManualCommit;
import io.streambus.camel.consumer.StreamBusConsumerTaskInfo.CommitState;
import io.streambus.camel.internal.PartitionTracker;
import io.streambus.common.TopicPartition;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * {@code MANUAL} commits: every exchange carries a {@link StreamBusManualCommit} handle, and only the route commits,
 * through it. Nothing is committed automatically, not even before partitions are given up. Not thread-safe: consumer
 * thread only (the handles hop onto it).
 */
final class ManualCommitManager implements CommitManager {
    private final TrackedCommits commits;
    private final BiFunction<TopicPartition, Long, StreamBusManualCommit> handleFactory;

    ManualCommitManager(TrackedCommits commits, BiFunction<TopicPartition, Long, StreamBusManualCommit> handleFactory) {
        this.commits = commits;
        this.handleFactory = handleFactory;
    }

    @Override
    public StreamBusManualCommit manualCommitHandle(TopicPartition partition, long offset) {
        return handleFactory.apply(partition, offset);
    }

    @Override
    public CompletableFuture<Void> commitManually(TopicPartition partition, long nextOffset, boolean sync) {
        PartitionTracker t = commits.tracker(partition);
        if (t == null || t.state() == CommitState.CLOSED) {
            return CompletableFuture.failedFuture(CommitManager.notAssigned(partition, nextOffset));
        }
        if (nextOffset <= t.committedOffset()) {
            return CompletableFuture.completedFuture(null);
        }
        return commits.commit(Map.of(t, nextOffset), sync);
    }

    @Override
    public String describe() {
        return "manual to " + commits.target().describe();
    }
}
