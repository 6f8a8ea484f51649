package io.streambus.protocol;

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

    void write(ByteBuf out) {
        Wire.string(out, groupIdPrefix);
        Wire.stringArray(out, states);
    }

    static ListGroupsRequest read(PayloadReader r) {
        return new ListGroupsRequest(r.string("group id prefix"), r.stringArray("states"));
    }
}
