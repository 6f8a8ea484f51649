package io.streambus.broker.group;

/**
 * One partition of an OffsetCommit request ({@code OffsetCommitData}).
 *
 * @param partition partition id
 * @param offset    the next offset to consume; negative is invalid (code 2)
 * @param metadata  client metadata, at most 4096 UTF-8 bytes (else code 26 for this partition); null means empty
 */
public record CommitPartition(int partition, long offset, String metadata) {
}
