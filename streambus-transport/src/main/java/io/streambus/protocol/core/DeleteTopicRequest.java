package io.streambus.protocol.core;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;

/** DeleteTopic (0x05, A.6.5). */
public record DeleteTopicRequest(String topic) implements RequestBody {
    public DeleteTopicRequest {
        topic = Checks.str(topic);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DELETE_TOPIC;
    }

    public void write(ByteBuf out) {
        Wire.string(out, topic);
    }

    public static DeleteTopicRequest read(PayloadReader r) {
        return new DeleteTopicRequest(r.topic("topic"));
    }
}
