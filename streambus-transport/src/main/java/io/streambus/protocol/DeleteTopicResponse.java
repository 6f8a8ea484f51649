package io.streambus.protocol;

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

    void write(ByteBuf out) {
        Wire.string(out, topic);
        Wire.bool(out, deleted);
    }

    static DeleteTopicResponse read(PayloadReader r) {
        return new DeleteTopicResponse(r.string("topic"), r.bool("deleted"));
    }
}
