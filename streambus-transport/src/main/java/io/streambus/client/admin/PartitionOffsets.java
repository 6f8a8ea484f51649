package io.streambus.client.admin;

/**
 * Offsets of one partition from GetOffset (spec A.6.3).
 *
 * @param start         first offset still readable
 * @param end           offset the next appended record will get
 * @param highWaterMark one past the last readable record (equals end on single-node brokers)
 */
public record PartitionOffsets(long start, long end, long highWaterMark) {
}
