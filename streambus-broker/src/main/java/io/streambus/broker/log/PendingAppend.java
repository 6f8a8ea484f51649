package io.streambus.broker.log;

/**
 * A batch written by {@link PartitionLog#appendPending} whose force may still be due: {@code result} holds its
 * offsets, {@code position} how far the log had been written with it (in the log's group-commit positions). Pass it
 * to {@link PartitionLog#awaitDurable} before acknowledging the batch. Immutable, so thread-safe.
 */
public record PendingAppend(AppendResult result, long position) {
}
