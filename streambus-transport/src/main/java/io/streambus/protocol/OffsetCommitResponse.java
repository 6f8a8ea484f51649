package io.streambus.protocol;

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

    void write(ByteBuf out) {
        Wire.topicPartitions(out, results, TopicPartitions.PARTITION_RESULT);
    }

    static OffsetCommitResponse read(PayloadReader r) {
        return new OffsetCommitResponse(r.topicPartitions("results", TopicPartitions.PARTITION_RESULT));
    }
}
