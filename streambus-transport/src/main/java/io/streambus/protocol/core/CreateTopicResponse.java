package io.streambus.protocol.core;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;

/** CreateTopic success payload (A.6.4); {@code created} is always true on the wire. */
public record CreateTopicResponse(String topic, boolean created) implements ResponseBody {
    public CreateTopicResponse {
        topic = Checks.str(topic);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.CREATE_TOPIC;
    }

    public void write(ByteBuf out) {
        Wire.string(out, topic);
        Wire.bool(out, created);
    }

    public static CreateTopicResponse read(PayloadReader r) {
        return new CreateTopicResponse(r.string("topic"), r.bool("created"));
    }
}
