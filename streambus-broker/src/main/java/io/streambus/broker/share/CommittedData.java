package io.streambus.broker.share;

import io.streambus.broker.log.PartitionLog;

/**
 * Which offsets of a partition share groups may examine (B.13.1, "committed data only"): those below the last stable
 * offset, except records of aborted transactions (B.7.7), which are Archived like gaps and never delivered, counted
 * or copied. Implementations are thread-safe.
 */
public interface CommittedData {
    /** A broker without transactions: everything below the high-water mark is committed, nothing is aborted. */
    CommittedData HIGH_WATER_MARK = new CommittedData() {
        @Override
        public long stableOffset(PartitionLog log) {
            return log.highWaterMark();
        }

        @Override
        public long nextAborted(PartitionLog log, long offset) {
            return Long.MAX_VALUE;
        }
    };

    /** The last stable offset of {@code log}: nothing at or above it may be examined yet. */
    long stableOffset(PartitionLog log);

    /** The first offset at or after {@code offset} that belongs to an aborted transaction, or Long.MAX_VALUE. */
    long nextAborted(PartitionLog log, long offset);
}
