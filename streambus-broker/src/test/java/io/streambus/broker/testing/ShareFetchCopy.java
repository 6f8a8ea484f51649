package io.streambus.broker.testing;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.TopicPartitions;
import io.streambus.common.Header;
import io.streambus.protocol.share.AcquiredRecord;
import io.streambus.protocol.share.OffsetRange;
import io.streambus.protocol.share.ShareFetchPartitionData;
import io.streambus.protocol.share.ShareFetchResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A ShareFetch reply copied out of its frame (no buffers), as {@link TestClient} returns it. Immutable.
 *
 * @param acquisitionLockMs the reply's lock duration
 * @param partitions        every partition, in reply order
 */
public record ShareFetchCopy(int acquisitionLockMs, List<Partition> partitions) implements ResponseBody {
    /** One partition of the reply. */
    public record Partition(String topic, int partition, int errorCode, int acknowledgeErrorCode,
                            List<OffsetRange> unapplied, boolean inFlightLimitReached, List<Record> records) {
    }

    /** One acquired record. */
    public record Record(int deliveryCount, long offset, long timestampNanos, byte[] key, byte[] value,
                         List<Header> headers) {
        public String valueString() {
            return new String(value, StandardCharsets.UTF_8);
        }

        /** The value of the first header named {@code name}, as text, or null. */
        public String header(String name) {
            for (Header h : headers) {
                if (h.key().equals(name)) {
                    return new String(h.value(), StandardCharsets.UTF_8);
                }
            }
            return null;
        }
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.SHARE_FETCH;
    }

    /** All records of all partitions. */
    public List<Record> records() {
        List<Record> all = new ArrayList<>();
        partitions.forEach(p -> all.addAll(p.records()));
        return all;
    }

    /** Copies {@code f} (which stays owned by the caller). */
    public static ShareFetchCopy of(ShareFetchResponse f) {
        List<Partition> parts = new ArrayList<>();
        for (TopicPartitions.Topic<ShareFetchPartitionData> t : f.partitions().topics()) {
            for (ShareFetchPartitionData p : t.partitions()) {
                List<Record> records = new ArrayList<>();
                for (AcquiredRecord r : p.records().toRecords()) {
                    try {
                        byte[] k = new byte[r.message().key().readableBytes()];
                        r.message().key().getBytes(r.message().key().readerIndex(), k);
                        byte[] v = new byte[r.message().value().readableBytes()];
                        r.message().value().getBytes(r.message().value().readerIndex(), v);
                        records.add(new Record(r.deliveryCount(), r.message().offset(),
                                r.message().timestampNanos(), k, v, List.copyOf(r.message().headers())));
                    } finally {
                        r.release();
                    }
                }
                parts.add(new Partition(t.name(), p.partition(), p.errorCode(), p.acknowledgeErrorCode(),
                        p.unappliedAcknowledgements(), p.inFlightLimitReached(), records));
            }
        }
        return new ShareFetchCopy(f.acquisitionLockMs(), parts);
    }
}
