package io.streambus.protocol.group;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/** SyncGroup success payload (B.6.5): this member's assignment, empty if the leader gave it nothing. */
public record SyncGroupResponse(byte[] assignment) implements ResponseBody {
    public SyncGroupResponse {
        assignment = Checks.bytes(assignment);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.SYNC_GROUP;
    }

    public void write(ByteBuf out) {
        Wire.bytes(out, assignment);
    }

    public static SyncGroupResponse read(PayloadReader r) {
        return new SyncGroupResponse(r.bytes("assignment"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SyncGroupResponse s && Arrays.equals(assignment, s.assignment);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(assignment);
    }

    @Override
    public String toString() {
        return "SyncGroupResponse[" + assignment.length + "B]";
    }
}
