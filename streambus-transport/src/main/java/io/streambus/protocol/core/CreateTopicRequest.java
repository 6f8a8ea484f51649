package io.streambus.protocol.core;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;

/**
 * CreateTopic (0x04, A.6.4).
 *
 * @param topic             topic name
 * @param partitionCount    partitions (a valid request has at least 1)
 * @param replicationFactor u16, ignored by brokers
 */
public record CreateTopicRequest(String topic, int partitionCount, int replicationFactor) implements RequestBody {
    public CreateTopicRequest {
        topic = Checks.str(topic);
        Checks.nonNegative("partitionCount", partitionCount);
        Checks.u16("replicationFactor", replicationFactor);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.CREATE_TOPIC;
    }

    public void write(ByteBuf out) {
        Wire.string(out, topic);
        out.writeInt(partitionCount).writeShort(replicationFactor);
    }

    public static CreateTopicRequest read(PayloadReader r) {
        return new CreateTopicRequest(r.topic("topic"), r.nonNegative("partition count"),
                r.u16("replication factor"));
    }
}
