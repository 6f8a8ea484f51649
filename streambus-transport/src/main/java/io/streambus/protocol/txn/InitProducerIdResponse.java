package io.streambus.protocol.txn;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.ResponseBody;
import io.netty.buffer.ByteBuf;

/** InitProducerID success payload (B.7.2). */
public record InitProducerIdResponse(long producerId, short producerEpoch) implements ResponseBody {
    @Override
    public ApiKey apiKey() {
        return ApiKey.INIT_PRODUCER_ID;
    }

    public void write(ByteBuf out) {
        out.writeLong(producerId).writeShort(producerEpoch);
    }

    public static InitProducerIdResponse read(PayloadReader r) {
        return new InitProducerIdResponse(r.i64("producer id"), r.i16("producer epoch"));
    }
}
