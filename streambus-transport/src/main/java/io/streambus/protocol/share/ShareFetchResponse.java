package io.streambus.protocol.share;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * ShareFetch success payload (spec B.13.5). Holds the records of its partitions: {@link #release()} it when done
 * (encoding does not release it). Immutable apart from that; thread-safe for reading.
 *
 * @param acquisitionLockMs how long the records acquired or renewed by the request stay locked
 * @param partitions        every requested partition
 */
public record ShareFetchResponse(int acquisitionLockMs, TopicPartitions<ShareFetchPartitionData> partitions)
        implements ResponseBody {
    public ShareFetchResponse {
        partitions = partitions == null ? TopicPartitions.empty() : partitions;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.SHARE_FETCH;
    }

    @Override
    public void release() {
        for (TopicPartitions.Topic<ShareFetchPartitionData> t : partitions.topics()) {
            for (ShareFetchPartitionData p : t.partitions()) {
                p.records().release();
            }
        }
    }

    /** Encoded payload size, so a broker can keep the reply under the frame limit. */
    public int sizeInBytes() {
        int n = 8;
        for (TopicPartitions.Topic<ShareFetchPartitionData> t : partitions.topics()) {
            n += 8 + io.netty.buffer.ByteBufUtil.utf8Bytes(t.name());
            for (ShareFetchPartitionData p : t.partitions()) {
                n += 13 + OffsetRange.SIZE * p.unappliedAcknowledgements().size() + p.records().sizeInBytes();
            }
        }
        return n;
    }

    /** Writes the payload. */
    public void write(ByteBuf out) {
        out.writeInt(acquisitionLockMs);
        Wire.topicPartitions(out, partitions, ShareFetchPartitionData.ELEMENT);
    }

    /**
     * Reads the payload; the records are retained slices of the frame. On failure, what was read so far is
     * released.
     */
    public static ShareFetchResponse read(PayloadReader r) {
        int lock = r.i32("acquisition lock ms");
        List<ShareFetchPartitionData> read = new ArrayList<>();
        TopicPartitions.Element<ShareFetchPartitionData> tracking = new TopicPartitions.Element<>() {
            @Override
            public int partition(ShareFetchPartitionData p) {
                return p.partition();
            }

            @Override
            public void write(ByteBuf out, ShareFetchPartitionData p) {
                ShareFetchPartitionData.ELEMENT.write(out, p);
            }

            @Override
            public ShareFetchPartitionData read(PayloadReader x) {
                ShareFetchPartitionData p = ShareFetchPartitionData.ELEMENT.read(x);
                read.add(p);
                return p;
            }

            @Override
            public int minSize() {
                return ShareFetchPartitionData.ELEMENT.minSize();
            }
        };
        try {
            return new ShareFetchResponse(lock, r.topicPartitions("partitions", tracking));
        } catch (RuntimeException e) {
            read.forEach(p -> p.records().release());
            throw e;
        }
    }
}
