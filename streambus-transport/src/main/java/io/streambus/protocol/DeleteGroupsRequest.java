package io.streambus.protocol;

import io.netty.buffer.ByteBuf;
import java.util.List;

/** DeleteGroups (0x13, B.6.12). */
public record DeleteGroupsRequest(List<String> groupIds) implements RequestBody {
    public DeleteGroupsRequest {
        groupIds = Checks.list(groupIds);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DELETE_GROUPS;
    }

    void write(ByteBuf out) {
        Wire.stringArray(out, groupIds);
    }

    static DeleteGroupsRequest read(PayloadReader r) {
        return new DeleteGroupsRequest(r.stringArray("group ids"));
    }
}
