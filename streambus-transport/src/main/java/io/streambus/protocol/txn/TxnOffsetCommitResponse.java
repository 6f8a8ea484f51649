package io.streambus.protocol.txn;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PartitionResult;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.Wire;
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

    public void write(ByteBuf out) {
        Wire.topicPartitions(out, results, TopicPartitions.PARTITION_RESULT);
    }

    public static TxnOffsetCommitResponse read(PayloadReader r) {
        return new TxnOffsetCommitResponse(r.topicPartitions("results", TopicPartitions.PARTITION_RESULT));
    }
}
