package io.streambus.cli;

import io.streambus.client.admin.PartitionOffsets;
import io.streambus.common.TopicPartition;
import java.time.Instant;

/**
 * Where {@code groups reset-offsets} moves a partition's committed offset: one strategy per option
 * ({@code --to-earliest}, {@code --to-latest}, {@code --to-offset}, {@code --to-datetime}, {@code --shift-by}), as
 * in {@code kafka-consumer-groups}. The result is clamped to the partition's readable range by the caller.
 * Implementations are immutable.
 */
public sealed interface OffsetTarget {

    /**
     * The wanted offset of {@code partition}, before clamping.
     *
     * @param committed the group's committed offset, or null if it has none
     * @param offsets   the partition's start offset and high-water mark
     * @param search    finds offsets by record timestamp
     * @throws CliFailure when the target cannot be worked out for this partition
     */
    long resolve(TopicPartition partition, Long committed, PartitionOffsets offsets, TimestampSearch search);

    /** {@code --to-earliest}: the first readable offset. */
    record Earliest() implements OffsetTarget {
        @Override
        public long resolve(TopicPartition partition, Long committed, PartitionOffsets offsets,
                            TimestampSearch search) {
            return offsets.start();
        }
    }

    /** {@code --to-latest}: the high-water mark (consume only what is produced from now on). */
    record Latest() implements OffsetTarget {
        @Override
        public long resolve(TopicPartition partition, Long committed, PartitionOffsets offsets,
                            TimestampSearch search) {
            return offsets.highWaterMark();
        }
    }

    /** {@code --to-offset N}: the same offset on every partition. */
    record Absolute(long offset) implements OffsetTarget {
        @Override
        public long resolve(TopicPartition partition, Long committed, PartitionOffsets offsets,
                            TimestampSearch search) {
            return offset;
        }
    }

    /** {@code --to-datetime ISO}: the first record with a timestamp at or after the instant, else the end. */
    record AtTime(Instant time) implements OffsetTarget {
        @Override
        public long resolve(TopicPartition partition, Long committed, PartitionOffsets offsets,
                            TimestampSearch search) {
            return search.firstOffsetAtOrAfter(partition, time.toEpochMilli(), offsets);
        }
    }

    /** {@code --shift-by N}: the committed offset moved by N (negative: back). */
    record Shift(long delta) implements OffsetTarget {
        @Override
        public long resolve(TopicPartition partition, Long committed, PartitionOffsets offsets,
                            TimestampSearch search) {
            if (committed == null) {
                throw new CliFailure("partition " + partition + " has no committed offset to shift by " + delta
                        + ": use --to-earliest, --to-latest or --to-offset for it");
            }
            return committed + delta;
        }
    }
}
