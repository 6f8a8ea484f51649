package io.streambus.protocol;

/**
 * An offset to commit (OffsetCommit B.6.8, TxnOffsetCommit B.7.5).
 *
 * @param partition partition id (&ge; 0)
 * @param offset    next offset to consume
 * @param metadata  free text, "" if none
 */
public record PartitionOffset(int partition, long offset, String metadata) {
    public PartitionOffset {
        Checks.partition(partition);
        metadata = Checks.str(metadata);
    }
}
