package io.streambus.protocol.group;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * SyncGroup (0x09, B.6.5).
 *
 * @param assignments leader: one per member; followers: empty
 */
public record SyncGroupRequest(String groupId, int generationId, String memberId, List<MemberAssignment> assignments)
        implements RequestBody {
    public SyncGroupRequest {
        groupId = Checks.str(groupId);
        memberId = Checks.str(memberId);
        assignments = Checks.list(assignments);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.SYNC_GROUP;
    }

    public void write(ByteBuf out) {
        Wire.string(out, groupId);
        out.writeInt(generationId);
        Wire.string(out, memberId);
        Wire.array(out, assignments, (o, a) -> {
            Wire.string(o, a.memberId());
            Wire.bytes(o, a.assignment());
        });
    }

    public static SyncGroupRequest read(PayloadReader r) {
        return new SyncGroupRequest(r.string("group id"), r.i32("generation id"), r.string("member id"),
                r.array("assignments", 8, x -> new MemberAssignment(x.string("assignment member id"),
                        x.bytes("assignment"))));
    }
}
