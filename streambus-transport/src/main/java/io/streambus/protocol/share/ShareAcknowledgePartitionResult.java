package io.streambus.protocol.share;

import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.TopicPartitions;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * One partition of a ShareAcknowledge reply (spec B.13.6). Immutable and thread-safe.
 *
 * @param partition                 partition id
 * @param errorCode                 u16: 0, 52 with unapplied ranges, or 5, 7, 8, 41, 53
 * @param unappliedAcknowledgements the offsets not applied (or not staged), as maximal ranges
 */
public record ShareAcknowledgePartitionResult(int partition, int errorCode,
                                              List<OffsetRange> unappliedAcknowledgements) {
    /** The TopicPartitions entry layout. */
    public static final TopicPartitions.Element<ShareAcknowledgePartitionResult> ELEMENT =
            new TopicPartitions.Element<>() {
                @Override
                public int partition(ShareAcknowledgePartitionResult p) {
                    return p.partition;
                }

                @Override
                public void write(ByteBuf out, ShareAcknowledgePartitionResult p) {
                    out.writeInt(p.partition).writeShort(p.errorCode);
                    OffsetRange.writeAll(out, p.unappliedAcknowledgements);
                }

                @Override
                public ShareAcknowledgePartitionResult read(PayloadReader r) {
                    return new ShareAcknowledgePartitionResult(r.nonNegative("partition"), r.u16("error code"),
                            OffsetRange.readAll(r));
                }

                @Override
                public int minSize() {
                    return 10;
                }
            };

    public ShareAcknowledgePartitionResult {
        Checks.partition(partition);
        Checks.u16("errorCode", errorCode);
        unappliedAcknowledgements = Checks.list(unappliedAcknowledgements);
    }
}
