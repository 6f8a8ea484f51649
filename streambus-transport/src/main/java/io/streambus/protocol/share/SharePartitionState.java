package io.streambus.protocol.share;

import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.TopicPartitions;
import io.netty.buffer.ByteBuf;

/**
 * One share-partition in a ShareGroupConfigure reply (spec B.13.7). Immutable and thread-safe.
 *
 * @param partition            partition id
 * @param startOffset          the SPSO
 * @param inFlightRecords      u32: SPEO - SPSO
 * @param inFlightLimitReached the window is full while unexamined committed data lies beyond it
 */
public record SharePartitionState(int partition, long startOffset, long inFlightRecords,
                                  boolean inFlightLimitReached) {
    /** The TopicPartitions entry layout. */
    public static final TopicPartitions.Element<SharePartitionState> ELEMENT = new TopicPartitions.Element<>() {
        @Override
        public int partition(SharePartitionState p) {
            return p.partition;
        }

        @Override
        public void write(ByteBuf out, SharePartitionState p) {
            out.writeInt(p.partition).writeLong(p.startOffset).writeInt((int) p.inFlightRecords)
                    .writeBoolean(p.inFlightLimitReached);
        }

        @Override
        public SharePartitionState read(PayloadReader r) {
            return new SharePartitionState(r.nonNegative("partition"), r.i64("start offset"),
                    r.u32("in-flight records"), r.bool("in-flight limit reached"));
        }

        @Override
        public int minSize() {
            return 17;
        }
    };

    public SharePartitionState {
        Checks.partition(partition);
        Checks.u32("inFlightRecords", inFlightRecords);
    }
}
