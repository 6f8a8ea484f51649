package io.streambus.protocol.group;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * JoinGroup success payload (B.6.4).
 *
 * @param members leader: every member, ascending member id; followers: empty
 */
public record JoinGroupResponse(int generationId, String protocolName, String memberId, String leaderId,
                                List<GroupMember> members) implements ResponseBody {
    public JoinGroupResponse {
        protocolName = Checks.str(protocolName);
        memberId = Checks.str(memberId);
        leaderId = Checks.str(leaderId);
        members = Checks.list(members);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.JOIN_GROUP;
    }

    public void write(ByteBuf out) {
        out.writeInt(generationId);
        Wire.string(out, protocolName);
        Wire.string(out, memberId);
        Wire.string(out, leaderId);
        Wire.array(out, members, (o, m) -> {
            Wire.string(o, m.memberId());
            Wire.bytes(o, m.metadata());
        });
    }

    public static JoinGroupResponse read(PayloadReader r) {
        return new JoinGroupResponse(r.i32("generation id"), r.string("protocol name"), r.string("member id"),
                r.string("leader id"), r.array("members", 8,
                        x -> new GroupMember(x.string("member id"), x.bytes("member metadata"))));
    }
}
