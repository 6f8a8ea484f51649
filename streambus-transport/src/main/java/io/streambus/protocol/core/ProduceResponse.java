package io.streambus.protocol.core;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.ResponseBody;
import io.netty.buffer.ByteBuf;

/**
 * Produce success payload (A.6.1).
 *
 * @param baseOffset    offset of the first message
 * @param messageCount  messages appended (u32)
 * @param highWaterMark high-water mark just after the append
 */
public record ProduceResponse(long baseOffset, int messageCount, long highWaterMark) implements ResponseBody {
    public ProduceResponse {
        Checks.nonNegative("messageCount", messageCount);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.PRODUCE;
    }

    public void write(ByteBuf out) {
        out.writeLong(baseOffset).writeInt(messageCount).writeLong(highWaterMark);
    }

    public static ProduceResponse read(PayloadReader r) {
        return new ProduceResponse(r.i64("base offset"), r.nonNegative("message count"), r.i64("high-water mark"));
    }
}
