package io.streambus.protocol;

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

    void write(ByteBuf out) {
        Wire.bytes(out, assignment);
    }

    static SyncGroupResponse read(PayloadReader r) {
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
