package io.streambus.protocol.share;

import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.TopicPartitions;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * One partition of a ShareFetch reply (spec B.13.5). Holds a reference to its records: the owning
 * {@link ShareFetchResponse} releases it. Immutable; thread-safe for reading.
 *
 * @param partition              partition id
 * @param errorCode              u16 partition error code (5, 7, 8, 41, 53), 0 for success
 * @param acknowledgeErrorCode   u16: 52 when some acknowledgements were not applied, else 0
 * @param unappliedAcknowledgements the offsets whose acknowledgements were not applied, as maximal ranges
 * @param inFlightLimitReached   the window is full while unexamined committed data lies beyond it
 * @param records                the records acquired, ascending offset
 */
public record ShareFetchPartitionData(int partition, int errorCode, int acknowledgeErrorCode,
                                      List<OffsetRange> unappliedAcknowledgements, boolean inFlightLimitReached,
                                      ShareRecords records) {
    /** The TopicPartitions entry layout. */
    public static final TopicPartitions.Element<ShareFetchPartitionData> ELEMENT = new TopicPartitions.Element<>() {
        @Override
        public int partition(ShareFetchPartitionData p) {
            return p.partition;
        }

        @Override
        public void write(ByteBuf out, ShareFetchPartitionData p) {
            out.writeInt(p.partition).writeShort(p.errorCode).writeShort(p.acknowledgeErrorCode);
            OffsetRange.writeAll(out, p.unappliedAcknowledgements);
            out.writeBoolean(p.inFlightLimitReached);
            p.records.writeTo(out);
        }

        @Override
        public ShareFetchPartitionData read(PayloadReader r) {
            int partition = r.nonNegative("partition");
            int errorCode = r.u16("error code");
            int ackErrorCode = r.u16("acknowledge error code");
            List<OffsetRange> unapplied = OffsetRange.readAll(r);
            boolean limit = r.bool("in-flight limit reached");
            return new ShareFetchPartitionData(partition, errorCode, ackErrorCode, unapplied, limit,
                    ShareRecords.read(r));
        }

        @Override
        public int minSize() {
            return 17;
        }
    };

    public ShareFetchPartitionData {
        Checks.partition(partition);
        Checks.u16("errorCode", errorCode);
        Checks.u16("acknowledgeErrorCode", acknowledgeErrorCode);
        unappliedAcknowledgements = Checks.list(unappliedAcknowledgements);
        Checks.notNull("records", records);
    }

    /** A partition that failed with {@code errorCode}: nothing applied, no records (B.13.5). */
    public static ShareFetchPartitionData failed(int partition, int errorCode) {
        return new ShareFetchPartitionData(partition, errorCode, 0, List.of(), false, ShareRecords.empty());
    }
}
