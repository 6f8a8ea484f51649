package io.streambus.protocol.core;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;

/** GetOffset success payload (A.6.3). */
public record GetOffsetResponse(String topic, int partition, long startOffset, long endOffset, long highWaterMark)
        implements ResponseBody {
    public GetOffsetResponse {
        topic = Checks.str(topic);
        Checks.partition(partition);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.GET_OFFSET;
    }

    public void write(ByteBuf out) {
        Wire.string(out, topic);
        out.writeInt(partition).writeLong(startOffset).writeLong(endOffset).writeLong(highWaterMark);
    }

    public static GetOffsetResponse read(PayloadReader r) {
        return new GetOffsetResponse(r.string("topic"), r.nonNegative("partition"), r.i64("start offset"),
                r.i64("end offset"), r.i64("high-water mark"));
    }
}
