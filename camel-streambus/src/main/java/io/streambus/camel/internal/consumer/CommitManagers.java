package io.streambus.camel.internal.consumer;

import io.streambus.camel.consumer.StreamBusManualCommit;
import io.streambus.camel.internal.ConsumerSettings;
import io.streambus.camel.internal.ConsumerSettings.CommitMode;
import io.streambus.camel.internal.PartitionTracker;
import io.streambus.client.consumer.ConsumerGroupMetadata;
import io.streambus.common.TopicPartition;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Builds the {@link CommitManager} for a consumer thread's commit mode. Stateless. */
final class CommitManagers {
    private CommitManagers() {}

    /**
     * @param target        where offsets go, or null when the endpoint has nowhere to commit to
     * @param name          the consumer thread's name, for logs
     * @param trackers      the thread's partition trackers (owned by the thread, read by the manager)
     * @param onThread      runs a tracker update on the consumer thread at its next chance
     * @param handleFactory makes the manual-commit handle of a record (used in {@code MANUAL} mode)
     * @param group         the group membership offsets are committed for (used in {@code TRANSACTION} mode)
     */
    static CommitManager create(ConsumerSettings settings, CommitTarget target, String name,
                                Map<TopicPartition, PartitionTracker> trackers, Consumer<Runnable> onThread,
                                BiFunction<TopicPartition, Long, StreamBusManualCommit> handleFactory,
                                Supplier<ConsumerGroupMetadata> group) {
        if (target == null || settings.commitMode == CommitMode.NONE) {
            return new NoCommitManager();
        }
        TrackedCommits commits = new TrackedCommits(target, settings.commitTimeout, trackers, onThread);
        if (settings.commitMode == CommitMode.TRANSACTION) {
            return new TransactionCommitManager(commits, name, group);
        }
        if (settings.commitMode == CommitMode.AUTO) {
            return new AutoCommitManager(commits, name, settings.autoCommitIntervalMs);
        }
        return new ManualCommitManager(commits, handleFactory);
    }
}
