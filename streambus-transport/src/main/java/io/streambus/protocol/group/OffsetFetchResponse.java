package io.streambus.protocol.group;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PartitionOffsetResult;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.Wire;
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

    public void write(ByteBuf out) {
        Wire.topicPartitions(out, offsets, TopicPartitions.PARTITION_OFFSET_RESULT);
    }

    public static OffsetFetchResponse read(PayloadReader r) {
        return new OffsetFetchResponse(r.topicPartitions("offsets", TopicPartitions.PARTITION_OFFSET_RESULT));
    }
}
