package io.streambus.broker.group;

/**
 * Per-partition result of an OffsetCommit.
 *
 * @param partition partition id
 * @param errorCode wire code: 0, 5, 7, 8, 20, 22, 24, 26, 28 or 41
 */
public record PartitionResult(int partition, int errorCode) {
}
