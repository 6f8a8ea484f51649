package io.streambus.protocol;

/**
 * A partition with its per-partition error code (B.6.8, B.7.3, B.7.5).
 *
 * @param partition partition id (&ge; 0)
 * @param errorCode u16 wire error code, 0 for success
 */
public record PartitionResult(int partition, int errorCode) {
    public PartitionResult {
        Checks.partition(partition);
        Checks.u16("errorCode", errorCode);
    }
}
