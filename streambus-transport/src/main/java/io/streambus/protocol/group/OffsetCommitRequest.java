package io.streambus.protocol.group;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PartitionOffset;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;

/**
 * OffsetCommit (0x0C, B.6.8).
 *
 * @param generationId -1 for a standalone commit outside group membership
 */
public record OffsetCommitRequest(String groupId, int generationId, String memberId,
                                  TopicPartitions<PartitionOffset> offsets) implements RequestBody {
    public OffsetCommitRequest {
        groupId = Checks.str(groupId);
        memberId = Checks.str(memberId);
        Checks.notNull("offsets", offsets);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.OFFSET_COMMIT;
    }

    public void write(ByteBuf out) {
        Wire.string(out, groupId);
        out.writeInt(generationId);
        Wire.string(out, memberId);
        Wire.topicPartitions(out, offsets, TopicPartitions.PARTITION_OFFSET);
    }

    public static OffsetCommitRequest read(PayloadReader r) {
        return new OffsetCommitRequest(r.string("group id"), r.i32("generation id"), r.string("member id"),
                r.topicPartitions("offsets", TopicPartitions.PARTITION_OFFSET));
    }
}
