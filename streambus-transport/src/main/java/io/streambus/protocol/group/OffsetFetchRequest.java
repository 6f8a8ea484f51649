package io.streambus.protocol.group;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;

/**
 * OffsetFetch (0x0D, B.6.9).
 *
 * @param partitions no topics = every committed offset of the group; a topic with no partitions = all of its
 *                   committed partitions
 */
public record OffsetFetchRequest(String groupId, TopicPartitions<Integer> partitions) implements RequestBody {
    public OffsetFetchRequest {
        groupId = Checks.str(groupId);
        Checks.notNull("partitions", partitions);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.OFFSET_FETCH;
    }

    public void write(ByteBuf out) {
        Wire.string(out, groupId);
        Wire.topicPartitions(out, partitions, TopicPartitions.PARTITION);
    }

    public static OffsetFetchRequest read(PayloadReader r) {
        return new OffsetFetchRequest(r.string("group id"), r.topicPartitions("partitions", TopicPartitions.PARTITION));
    }
}
