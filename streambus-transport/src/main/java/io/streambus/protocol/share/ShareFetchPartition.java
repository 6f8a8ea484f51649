package io.streambus.protocol.share;

import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.TopicPartitions;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * One partition of a ShareFetch request (spec B.13.5): what to acknowledge there, then how much to acquire.
 * Immutable and thread-safe.
 *
 * @param partition        partition id
 * @param maxRecords       u32: at most this many records; 0 = only acknowledge
 * @param maxBytes         u32: soft limit on key and value bytes (A.6.2); 0 = only acknowledge
 * @param acknowledgements non-overlapping ranges, applied before acquiring
 */
public record ShareFetchPartition(int partition, long maxRecords, long maxBytes,
                                  List<Acknowledgement> acknowledgements) {
    /** The TopicPartitions entry layout. */
    public static final TopicPartitions.Element<ShareFetchPartition> ELEMENT = new TopicPartitions.Element<>() {
        @Override
        public int partition(ShareFetchPartition p) {
            return p.partition;
        }

        @Override
        public void write(ByteBuf out, ShareFetchPartition p) {
            out.writeInt(p.partition).writeInt((int) p.maxRecords).writeInt((int) p.maxBytes);
            Acknowledgement.writeAll(out, p.acknowledgements);
        }

        @Override
        public ShareFetchPartition read(PayloadReader r) {
            return new ShareFetchPartition(r.nonNegative("partition"), r.u32("max records"), r.u32("max bytes"),
                    Acknowledgement.readAll(r, false));
        }

        @Override
        public int minSize() {
            return 16;
        }
    };

    public ShareFetchPartition {
        Checks.partition(partition);
        Checks.u32("maxRecords", maxRecords);
        Checks.u32("maxBytes", maxBytes);
        acknowledgements = Acknowledgement.checked(acknowledgements, false);
    }
}
