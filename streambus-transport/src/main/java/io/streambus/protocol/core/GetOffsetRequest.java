package io.streambus.protocol.core;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;

/** GetOffset (0x03, A.6.3). */
public record GetOffsetRequest(String topic, int partition) implements RequestBody {
    public GetOffsetRequest {
        topic = Checks.str(topic);
        Checks.partition(partition);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.GET_OFFSET;
    }

    public void write(ByteBuf out) {
        Wire.string(out, topic);
        out.writeInt(partition);
    }

    public static GetOffsetRequest read(PayloadReader r) {
        return new GetOffsetRequest(r.topic("topic"), r.nonNegative("partition"));
    }
}
