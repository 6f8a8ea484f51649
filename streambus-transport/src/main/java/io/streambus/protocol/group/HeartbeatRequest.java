package io.streambus.protocol.group;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;

/** Heartbeat (0x0A, B.6.6). */
public record HeartbeatRequest(String groupId, int generationId, String memberId) implements RequestBody {
    public HeartbeatRequest {
        groupId = Checks.str(groupId);
        memberId = Checks.str(memberId);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.HEARTBEAT;
    }

    public void write(ByteBuf out) {
        Wire.string(out, groupId);
        out.writeInt(generationId);
        Wire.string(out, memberId);
    }

    public static HeartbeatRequest read(PayloadReader r) {
        return new HeartbeatRequest(r.string("group id"), r.i32("generation id"), r.string("member id"));
    }
}
