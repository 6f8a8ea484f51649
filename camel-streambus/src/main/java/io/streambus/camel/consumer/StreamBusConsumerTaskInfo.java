package io.streambus.camel.consumer;

import io.streambus.common.TopicPartition;
import java.util.List;

/**
 * An immutable snapshot of one consumer thread of a {@code StreamBusConsumer}, for health checks, consoles and tests:
 * its state, the partitions it owns with their commit state, and its last error. Taken at one moment; a new call of
 * {@code StreamBusConsumer.getTasks()} gives a new snapshot. Immutable and thread-safe (the error is shared as it is).
 *
 * @param name             the thread's name, {@code StreamBusConsumer[topics]#n}
 * @param state            where the thread is
 * @param message          what is wrong, or null
 * @param lastError        the last error, or null
 * @param sinceMs          when {@code state} was entered (epoch ms)
 * @param paused           true once the thread delivers no more records because the route is suspended, or it
 *                         finished
 * @param done             true once the thread has finished (stopped, or failed)
 * @param recordsProcessed records handed to the route so far
 * @param lastPollMs       when the last successful poll returned (epoch ms), 0 before the first
 * @param partitions       the partitions the thread owns now
 */
public record StreamBusConsumerTaskInfo(String name, State state, String message, Throwable lastError, long sinceMs,
                                        boolean paused, boolean done, long recordsProcessed, long lastPollMs,
                                        List<PartitionInfo> partitions) {

    /** Conditions of a consumer thread. */
    public enum State {
        /** Creating its client consumer or waiting for the first poll. */
        STARTING,
        /** Polled successfully the last time. */
        RUNNING,
        /** The last poll, connect or record conversion failed; it keeps trying as pollOnError says. */
        ERROR,
        /** A record failed breakOnFirstErrorMaxAttempts times; its partition is paused. */
        PARKED,
        /** Stopped on an error (pollOnError=STOP or an error nothing can fix); reads nothing until restarted. */
        FAILED,
        /** Stopped normally. */
        STOPPED
    }

    /** Commit states of a partition. */
    public enum CommitState {
        /** Everything handled is committed (or nothing handled yet). */
        CLEAN,
        /** Handled offsets wait to be committed. */
        DIRTY,
        /** A commit is in flight. */
        COMMITTING,
        /** The partition is no longer owned; nothing is committed for it any more. */
        CLOSED
    }

    /**
     * One owned partition. Offsets are "next offset to read" values, -1 for none.
     *
     * @param partition       the partition
     * @param commitState     its commit state
     * @param handledOffset   after the last record whose exchange completed, or -1
     * @param committedOffset the last committed offset, or -1
     * @param parked          true while it is paused after breakOnFirstErrorMaxAttempts failures of one record
     * @param description     one line for consoles and logs
     */
    public record PartitionInfo(TopicPartition partition, CommitState commitState, long handledOffset,
                                long committedOffset, boolean parked, String description) {
        @Override
        public String toString() {
            return description;
        }
    }

    /** Copies the partition list, so the snapshot stays immutable. */
    public StreamBusConsumerTaskInfo {
        partitions = List.copyOf(partitions);
    }

    /**
     * Whether this thread counts as healthy: DOWN until proven UP, so a thread that has not polled successfully yet
     * is not healthy.
     *
     * @return true when RUNNING or STOPPED
     */
    public boolean healthy() {
        return state == State.RUNNING || state == State.STOPPED;
    }
}
