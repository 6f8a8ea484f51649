package io.streambus.camel.internal.consumer;

import io.streambus.camel.internal.PartitionTracker;
import io.streambus.common.TopicPartition;
import java.time.Duration;
import java.util.Collection;

/**
 * {@code AUTO} commits: what was handled is committed every {@code autoCommitIntervalMs} without waiting, and with
 * waiting before partitions are given up or read again. A failed commit is logged and retried with the next one. Not
 * thread-safe: consumer thread only.
 */
final class AutoCommitManager implements CommitManager {

    private final TrackedCommits commits;
    private final String name;
    private final long intervalMs;
    private long nextCommit;

    AutoCommitManager(TrackedCommits commits, String name, long intervalMs) {
        this.commits = commits;
        this.name = name;
        this.intervalMs = intervalMs;
        this.nextCommit = System.currentTimeMillis() + intervalMs;
    }

    @Override
    public Duration pollTimeout(Duration configured) {
        // Shortened only while something waits to be committed, so that a long poll does not hold the commit back.
        for (PartitionTracker t : commits.trackers().values()) {
            if (t.commitTarget() >= 0) {
                long untilCommit = nextCommit - System.currentTimeMillis();
                if (untilCommit < configured.toMillis()) {
                    return Duration.ofMillis(Math.max(1, untilCommit));
                }
                break;
            }
        }
        return configured;
    }

    @Override
    public void maybeCommit() {
        long now = System.currentTimeMillis();
        if (now >= nextCommit) {
            nextCommit = now + intervalMs;
            commit(commits.trackers().keySet(), false);
        }
    }

    @Override
    public void commitHandled(Collection<TopicPartition> partitions) {
        commit(partitions, true);
    }

    @Override
    public String describe() {
        return "auto to " + commits.target().describe();
    }

    /** Commits what was handled on these partitions and not committed yet. */
    private void commit(Collection<TopicPartition> partitions, boolean sync) {
        commits.commitHandled(partitions, sync, name);
    }
}
