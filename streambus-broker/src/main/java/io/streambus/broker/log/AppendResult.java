package io.streambus.broker.log;

/**
 * Outcome of {@link PartitionLog#append}: the messages got offsets {@code baseOffset .. baseOffset + count - 1};
 * {@code highWaterMark} is the partition's high-water mark just after the append (A.6.1).
 */
public record AppendResult(long baseOffset, int count, long highWaterMark) {
}
