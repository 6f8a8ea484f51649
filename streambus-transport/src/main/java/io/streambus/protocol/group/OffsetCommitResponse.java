package io.streambus.protocol.group;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PartitionResult;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;

/** OffsetCommit success payload (B.6.8): an error code per requested partition. */
public record OffsetCommitResponse(TopicPartitions<PartitionResult> results) implements ResponseBody {
    public OffsetCommitResponse {
        Checks.notNull("results", results);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.OFFSET_COMMIT;
    }

    public void write(ByteBuf out) {
        Wire.topicPartitions(out, results, TopicPartitions.PARTITION_RESULT);
    }

    public static OffsetCommitResponse read(PayloadReader r) {
        return new OffsetCommitResponse(r.topicPartitions("results", TopicPartitions.PARTITION_RESULT));
    }
}
