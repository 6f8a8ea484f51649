package io.streambus.protocol.group;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;
import java.util.List;

/** ListGroups success payload (B.6.13), ascending unsigned byte order of group id. */
public record ListGroupsResponse(List<GroupInfo> groups) implements ResponseBody {
    public ListGroupsResponse {
        groups = Checks.list(groups);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LIST_GROUPS;
    }

    public void write(ByteBuf out) {
        Wire.array(out, groups, (o, g) -> {
            Wire.string(o, g.groupId());
            Wire.string(o, g.protocolType());
            Wire.string(o, g.state());
        });
    }

    public static ListGroupsResponse read(PayloadReader r) {
        return new ListGroupsResponse(r.array("groups", 12,
                x -> new GroupInfo(x.string("group id"), x.string("protocol type"), x.string("state"))));
    }
}
