package io.streambus.protocol.share;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * ShareGroupHeartbeat (0x15, spec B.13.4): joins (empty member id), heartbeats, or leaves a share group.
 * Immutable and thread-safe.
 *
 * @param groupId          the share group
 * @param memberId         empty to join, else the id the broker assigned
 * @param leave            true to leave the group
 * @param clientId         free text
 * @param subscribedTopics the member's complete subscription (none on leave)
 */
public record ShareGroupHeartbeatRequest(String groupId, String memberId, boolean leave, String clientId,
                                         List<String> subscribedTopics) implements RequestBody {
    public ShareGroupHeartbeatRequest {
        groupId = Checks.str(groupId);
        memberId = Checks.str(memberId);
        clientId = Checks.str(clientId);
        subscribedTopics = Checks.list(subscribedTopics);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.SHARE_GROUP_HEARTBEAT;
    }

    /** Writes the payload. */
    public void write(ByteBuf out) {
        Wire.string(out, groupId);
        Wire.string(out, memberId);
        Wire.bool(out, leave);
        Wire.string(out, clientId);
        Wire.stringArray(out, subscribedTopics);
    }

    /** Reads the payload. */
    public static ShareGroupHeartbeatRequest read(PayloadReader r) {
        return new ShareGroupHeartbeatRequest(r.string("group id"), r.string("member id"), r.bool("leave"),
                r.string("client id"), r.array("subscribed topics", 4, x -> x.topic("subscribed topic")));
    }
}
