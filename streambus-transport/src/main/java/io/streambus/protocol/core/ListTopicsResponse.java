package io.streambus.protocol.core;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.Wire;
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

    public void write(ByteBuf out) {
        Wire.array(out, topics, (o, t) -> {
            Wire.string(o, t.name());
            o.writeInt(t.partitionCount());
        });
    }

    public static ListTopicsResponse read(PayloadReader r) {
        return new ListTopicsResponse(r.array("topics", 8,
                x -> new TopicInfo(x.string("topic name"), x.nonNegative("partition count"))));
    }
}
