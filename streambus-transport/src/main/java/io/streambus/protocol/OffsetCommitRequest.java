package io.streambus.protocol;

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

    void write(ByteBuf out) {
        Wire.string(out, groupId);
        out.writeInt(generationId);
        Wire.string(out, memberId);
        Wire.topicPartitions(out, offsets, TopicPartitions.PARTITION_OFFSET);
    }

    static OffsetCommitRequest read(PayloadReader r) {
        return new OffsetCommitRequest(r.string("group id"), r.i32("generation id"), r.string("member id"),
                r.topicPartitions("offsets", TopicPartitions.PARTITION_OFFSET));
    }
}
