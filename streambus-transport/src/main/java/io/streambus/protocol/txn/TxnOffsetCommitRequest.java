package io.streambus.protocol.txn;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PartitionOffset;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;

/** TxnOffsetCommit (0x12, B.7.5). */
public record TxnOffsetCommitRequest(String transactionalId, String groupId, long producerId, short producerEpoch,
                                     TopicPartitions<PartitionOffset> offsets) implements RequestBody {
    public TxnOffsetCommitRequest {
        transactionalId = Checks.str(transactionalId);
        groupId = Checks.str(groupId);
        Checks.notNull("offsets", offsets);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.TXN_OFFSET_COMMIT;
    }

    public void write(ByteBuf out) {
        Wire.string(out, transactionalId);
        Wire.string(out, groupId);
        out.writeLong(producerId).writeShort(producerEpoch);
        Wire.topicPartitions(out, offsets, TopicPartitions.PARTITION_OFFSET);
    }

    public static TxnOffsetCommitRequest read(PayloadReader r) {
        return new TxnOffsetCommitRequest(r.string("transaction id"), r.string("group id"), r.i64("producer id"),
                r.i16("producer epoch"), r.topicPartitions("offsets", TopicPartitions.PARTITION_OFFSET));
    }
}
