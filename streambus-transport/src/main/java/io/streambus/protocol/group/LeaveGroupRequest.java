package io.streambus.protocol.group;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;

/** LeaveGroup (0x0B, B.6.7). */
public record LeaveGroupRequest(String groupId, String memberId) implements RequestBody {
    public LeaveGroupRequest {
        groupId = Checks.str(groupId);
        memberId = Checks.str(memberId);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LEAVE_GROUP;
    }

    public void write(ByteBuf out) {
        Wire.string(out, groupId);
        Wire.string(out, memberId);
    }

    public static LeaveGroupRequest read(PayloadReader r) {
        return new LeaveGroupRequest(r.string("group id"), r.string("member id"));
    }
}
