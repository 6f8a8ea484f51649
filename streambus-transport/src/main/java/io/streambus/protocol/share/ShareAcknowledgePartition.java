package io.streambus.protocol.share;

import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.TopicPartitions;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * One partition of a ShareAcknowledge request (spec B.13.6). Immutable and thread-safe.
 *
 * @param partition        partition id
 * @param acknowledgements non-overlapping ranges
 */
public record ShareAcknowledgePartition(int partition, List<Acknowledgement> acknowledgements) {
    /** The TopicPartitions entry layout. */
    public static final TopicPartitions.Element<ShareAcknowledgePartition> ELEMENT = element(false);
    /** The entry layout of a transactional ShareAcknowledge: only ACCEPT, RELEASE and REJECT (B.13.15). */
    static final TopicPartitions.Element<ShareAcknowledgePartition> STAGEABLE_ELEMENT = element(true);

    public ShareAcknowledgePartition {
        Checks.partition(partition);
        acknowledgements = Acknowledgement.checked(acknowledgements, false);
    }

    private static TopicPartitions.Element<ShareAcknowledgePartition> element(boolean stageableOnly) {
        return new TopicPartitions.Element<>() {
            @Override
            public int partition(ShareAcknowledgePartition p) {
                return p.partition;
            }

            @Override
            public void write(ByteBuf out, ShareAcknowledgePartition p) {
                out.writeInt(p.partition);
                Acknowledgement.writeAll(out, p.acknowledgements);
            }

            @Override
            public ShareAcknowledgePartition read(PayloadReader r) {
                return new ShareAcknowledgePartition(r.nonNegative("partition"),
                        Acknowledgement.readAll(r, stageableOnly));
            }

            @Override
            public int minSize() {
                return 8;
            }
        };
    }
}
