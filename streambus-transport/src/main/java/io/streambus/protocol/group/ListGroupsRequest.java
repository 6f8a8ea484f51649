package io.streambus.protocol.group;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * ListGroups (0x14, B.6.13).
 *
 * @param groupIdPrefix empty = every group
 * @param states        empty = every state
 */
public record ListGroupsRequest(String groupIdPrefix, List<String> states) implements RequestBody {
    public ListGroupsRequest {
        groupIdPrefix = Checks.str(groupIdPrefix);
        states = Checks.list(states);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LIST_GROUPS;
    }

    public void write(ByteBuf out) {
        Wire.string(out, groupIdPrefix);
        Wire.stringArray(out, states);
    }

    public static ListGroupsRequest read(PayloadReader r) {
        return new ListGroupsRequest(r.string("group id prefix"), r.stringArray("states"));
    }
}
