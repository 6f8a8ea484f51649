package io.streambus.protocol.txn;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PartitionResult;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.Wire;
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

    public void write(ByteBuf out) {
        Wire.topicPartitions(out, results, TopicPartitions.PARTITION_RESULT);
    }

    public static AddPartitionsToTxnResponse read(PayloadReader r) {
        return new AddPartitionsToTxnResponse(r.topicPartitions("results", TopicPartitions.PARTITION_RESULT));
    }
}
