package io.streambus.protocol;

import io.netty.buffer.ByteBuf;

/** TxnOffsetCommit success payload (B.7.5): an error code per requested partition. */
public record TxnOffsetCommitResponse(TopicPartitions<PartitionResult> results) implements ResponseBody {
    public TxnOffsetCommitResponse {
        Checks.notNull("results", results);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.TXN_OFFSET_COMMIT;
    }

    void write(ByteBuf out) {
        Wire.topicPartitions(out, results, TopicPartitions.PARTITION_RESULT);
    }

    static TxnOffsetCommitResponse read(PayloadReader r) {
        return new TxnOffsetCommitResponse(r.topicPartitions("results", TopicPartitions.PARTITION_RESULT));
    }
}
