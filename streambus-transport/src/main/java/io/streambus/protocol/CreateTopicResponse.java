package io.streambus.protocol;

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

    void write(ByteBuf out) {
        Wire.string(out, topic);
        Wire.bool(out, created);
    }

    static CreateTopicResponse read(PayloadReader r) {
        return new CreateTopicResponse(r.string("topic"), r.bool("created"));
    }
}
