package io.streambus.protocol.share;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;

/**
 * ShareAcknowledge success payload (spec B.13.6; the same for a transactional one, B.13.15). Immutable and
 * thread-safe.
 *
 * @param acquisitionLockMs how long the records renewed by the request stay locked
 * @param partitions        every requested partition
 */
public record ShareAcknowledgeResponse(int acquisitionLockMs,
                                       TopicPartitions<ShareAcknowledgePartitionResult> partitions)
        implements ResponseBody {
    public ShareAcknowledgeResponse {
        partitions = partitions == null ? TopicPartitions.empty() : partitions;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.SHARE_ACKNOWLEDGE;
    }

    /** Writes the payload. */
    public void write(ByteBuf out) {
        out.writeInt(acquisitionLockMs);
        Wire.topicPartitions(out, partitions, ShareAcknowledgePartitionResult.ELEMENT);
    }

    /** Reads the payload. */
    public static ShareAcknowledgeResponse read(PayloadReader r) {
        return new ShareAcknowledgeResponse(r.i32("acquisition lock ms"),
                r.topicPartitions("partitions", ShareAcknowledgePartitionResult.ELEMENT));
    }
}
