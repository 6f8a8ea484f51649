package io.streambus.protocol.txn;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;

/**
 * EndTxn (0x11, B.7.6).
 *
 * @param commit true = commit, false = abort
 */
public record EndTxnRequest(String transactionalId, long producerId, short producerEpoch, boolean commit)
        implements RequestBody {
    public EndTxnRequest {
        transactionalId = Checks.str(transactionalId);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.END_TXN;
    }

    public void write(ByteBuf out) {
        Wire.string(out, transactionalId);
        out.writeLong(producerId).writeShort(producerEpoch);
        Wire.bool(out, commit);
    }

    public static EndTxnRequest read(PayloadReader r) {
        return new EndTxnRequest(r.string("transaction id"), r.i64("producer id"), r.i16("producer epoch"),
                r.bool("commit"));
    }
}
