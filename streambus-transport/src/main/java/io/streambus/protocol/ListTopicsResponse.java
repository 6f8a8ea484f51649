package io.streambus.protocol;

import io.netty.buffer.ByteBuf;
import java.util.List;

/** ListTopics success payload (A.6.6); order is unspecified. */
public record ListTopicsResponse(List<TopicInfo> topics) implements ResponseBody {
    public ListTopicsResponse {
        topics = Checks.list(topics);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LIST_TOPICS;
    }

    void write(ByteBuf out) {
        Wire.array(out, topics, (o, t) -> {
            Wire.string(o, t.name());
            o.writeInt(t.partitionCount());
        });
    }

    static ListTopicsResponse read(PayloadReader r) {
        return new ListTopicsResponse(r.array("topics", 8,
                x -> new TopicInfo(x.string("topic name"), x.nonNegative("partition count"))));
    }
}
