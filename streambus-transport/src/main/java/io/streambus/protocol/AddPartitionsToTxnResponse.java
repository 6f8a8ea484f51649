package io.streambus.protocol;

import io.netty.buffer.ByteBuf;

/** AddPartitionsToTxn success payload (B.7.3): an error code per requested partition. */
public record AddPartitionsToTxnResponse(TopicPartitions<PartitionResult> results) implements ResponseBody {
    public AddPartitionsToTxnResponse {
        Checks.notNull("results", results);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.ADD_PARTITIONS_TO_TXN;
    }

    void write(ByteBuf out) {
        Wire.topicPartitions(out, results, TopicPartitions.PARTITION_RESULT);
    }

    static AddPartitionsToTxnResponse read(PayloadReader r) {
        return new AddPartitionsToTxnResponse(r.topicPartitions("results", TopicPartitions.PARTITION_RESULT));
    }
}
