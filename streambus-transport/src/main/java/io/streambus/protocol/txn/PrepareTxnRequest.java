package io.streambus.protocol.txn;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;

/**
 * PrepareTxn (0x1A, spec B.7.8.3): makes an XA branch's transaction durable and undecided. Immutable and
 * thread-safe.
 *
 * @param transactionalId the XA transaction id
 * @param producerId      the branch's producer id
 * @param producerEpoch   its epoch
 */
public record PrepareTxnRequest(String transactionalId, long producerId, short producerEpoch)
        implements RequestBody {
    public PrepareTxnRequest {
        transactionalId = Checks.str(transactionalId);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.PREPARE_TXN;
    }

    /** Writes the payload. */
    public void write(ByteBuf out) {
        Wire.string(out, transactionalId);
        out.writeLong(producerId).writeShort(producerEpoch);
    }

    /** Reads the payload. */
    public static PrepareTxnRequest read(PayloadReader r) {
        return new PrepareTxnRequest(r.string("transaction id"), r.i64("producer id"), r.i16("producer epoch"));
    }
}
