package io.streambus.protocol;

import io.netty.buffer.ByteBuf;

/** OffsetFetch success payload (B.6.9). */
public record OffsetFetchResponse(TopicPartitions<PartitionOffsetResult> offsets) implements ResponseBody {
    public OffsetFetchResponse {
        Checks.notNull("offsets", offsets);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.OFFSET_FETCH;
    }

    void write(ByteBuf out) {
        Wire.topicPartitions(out, offsets, TopicPartitions.PARTITION_OFFSET_RESULT);
    }

    static OffsetFetchResponse read(PayloadReader r) {
        return new OffsetFetchResponse(r.topicPartitions("offsets", TopicPartitions.PARTITION_OFFSET_RESULT));
    }
}
