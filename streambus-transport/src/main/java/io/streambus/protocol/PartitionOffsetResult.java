package io.streambus.protocol;

/**
 * A committed offset as OffsetFetch returns it (B.6.9).
 *
 * @param partition partition id (&ge; 0)
 * @param offset    committed offset, -1 if none
 * @param metadata  metadata stored with it
 * @param errorCode u16 per-partition error code
 */
public record PartitionOffsetResult(int partition, long offset, String metadata, int errorCode) {
    public PartitionOffsetResult {
        Checks.partition(partition);
        metadata = Checks.str(metadata);
        Checks.u16("errorCode", errorCode);
    }
}
