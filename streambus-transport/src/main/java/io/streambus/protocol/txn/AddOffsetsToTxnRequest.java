package io.streambus.protocol.txn;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;

/** AddOffsetsToTxn (0x10, B.7.4). */
public record AddOffsetsToTxnRequest(String transactionalId, long producerId, short producerEpoch, String groupId)
        implements RequestBody {
    public AddOffsetsToTxnRequest {
        transactionalId = Checks.str(transactionalId);
        groupId = Checks.str(groupId);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.ADD_OFFSETS_TO_TXN;
    }

    public void write(ByteBuf out) {
        Wire.string(out, transactionalId);
        out.writeLong(producerId).writeShort(producerEpoch);
        Wire.string(out, groupId);
    }

    public static AddOffsetsToTxnRequest read(PayloadReader r) {
        return new AddOffsetsToTxnRequest(r.string("transaction id"), r.i64("producer id"), r.i16("producer epoch"),
                r.string("group id"));
    }
}
