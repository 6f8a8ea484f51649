package io.streambus.protocol.share;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;

/**
 * ShareGroupHeartbeat success payload (spec B.13.4). Immutable and thread-safe.
 *
 * @param memberId            the member's id, newly assigned on a join
 * @param heartbeatIntervalMs when to send the next heartbeat; 0 after a leave
 * @param assignment          the partitions the member fetches; empty after a leave
 */
public record ShareGroupHeartbeatResponse(String memberId, int heartbeatIntervalMs,
                                          TopicPartitions<Integer> assignment) implements ResponseBody {
    public ShareGroupHeartbeatResponse {
        memberId = Checks.str(memberId);
        assignment = assignment == null ? TopicPartitions.empty() : assignment;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.SHARE_GROUP_HEARTBEAT;
    }

    /** Writes the payload. */
    public void write(ByteBuf out) {
        Wire.string(out, memberId);
        out.writeInt(heartbeatIntervalMs);
        Wire.topicPartitions(out, assignment, TopicPartitions.PARTITION);
    }

    /** Reads the payload. */
    public static ShareGroupHeartbeatResponse read(PayloadReader r) {
        return new ShareGroupHeartbeatResponse(r.string("member id"), r.i32("heartbeat interval ms"),
                r.topicPartitions("assignment", TopicPartitions.PARTITION));
    }
}
