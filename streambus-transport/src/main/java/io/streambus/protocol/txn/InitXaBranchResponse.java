package io.streambus.protocol.txn;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.ResponseBody;
import io.netty.buffer.ByteBuf;

/**
 * InitXaBranch success payload (spec B.7.8.2), the layout of InitProducerID's. Immutable and thread-safe.
 *
 * @param producerId    the branch's producer id
 * @param producerEpoch its epoch (0, or raised by a retry of a lost reply)
 */
public record InitXaBranchResponse(long producerId, short producerEpoch) implements ResponseBody {
    @Override
    public ApiKey apiKey() {
        return ApiKey.INIT_XA_BRANCH;
    }

    /** Writes the payload. */
    public void write(ByteBuf out) {
        out.writeLong(producerId).writeShort(producerEpoch);
    }

    /** Reads the payload. */
    public static InitXaBranchResponse read(PayloadReader r) {
        return new InitXaBranchResponse(r.i64("producer id"), r.i16("producer epoch"));
    }
}
