package io.streambus.protocol.group;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.Wire;
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

    public void write(ByteBuf out) {
        Wire.stringArray(out, groupIds);
    }

    public static DeleteGroupsRequest read(PayloadReader r) {
        return new DeleteGroupsRequest(r.stringArray("group ids"));
    }
}
