package io.streambus.protocol.txn;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;

/** AddPartitionsToTxn (0x0F, B.7.3). */
public record AddPartitionsToTxnRequest(String transactionalId, long producerId, short producerEpoch,
                                        TopicPartitions<Integer> partitions) implements RequestBody {
    public AddPartitionsToTxnRequest {
        transactionalId = Checks.str(transactionalId);
        Checks.notNull("partitions", partitions);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.ADD_PARTITIONS_TO_TXN;
    }

    public void write(ByteBuf out) {
        Wire.string(out, transactionalId);
        out.writeLong(producerId).writeShort(producerEpoch);
        Wire.topicPartitions(out, partitions, TopicPartitions.PARTITION);
    }

    public static AddPartitionsToTxnRequest read(PayloadReader r) {
        return new AddPartitionsToTxnRequest(r.string("transaction id"), r.i64("producer id"),
                r.i16("producer epoch"), r.topicPartitions("partitions", TopicPartitions.PARTITION));
    }
}
