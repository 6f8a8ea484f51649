package io.streambus.protocol;

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

    void write(ByteBuf out) {
        out.writeLong(baseOffset).writeInt(messageCount).writeLong(highWaterMark);
    }

    static ProduceResponse read(PayloadReader r) {
        return new ProduceResponse(r.i64("base offset"), r.nonNegative("message count"), r.i64("high-water mark"));
    }
}
