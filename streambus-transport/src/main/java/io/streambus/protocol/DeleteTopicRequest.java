package io.streambus.protocol;

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

    void write(ByteBuf out) {
        Wire.string(out, topic);
    }

    static DeleteTopicRequest read(PayloadReader r) {
        return new DeleteTopicRequest(r.topic("topic"));
    }
}
