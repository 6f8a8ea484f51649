package io.streambus.protocol.core;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;

/** DeleteTopic success payload (A.6.5). */
public record DeleteTopicResponse(String topic, boolean deleted) implements ResponseBody {
    public DeleteTopicResponse {
        topic = Checks.str(topic);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DELETE_TOPIC;
    }

    public void write(ByteBuf out) {
        Wire.string(out, topic);
        Wire.bool(out, deleted);
    }

    public static DeleteTopicResponse read(PayloadReader r) {
        return new DeleteTopicResponse(r.string("topic"), r.bool("deleted"));
    }
}
