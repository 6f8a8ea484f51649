package io.streambus.protocol.group;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;
import java.util.List;

/** DeleteGroups success payload (B.6.12): one result per requested group, in request order. */
public record DeleteGroupsResponse(List<GroupResult> results) implements ResponseBody {
    public DeleteGroupsResponse {
        results = Checks.list(results);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DELETE_GROUPS;
    }

    public void write(ByteBuf out) {
        Wire.array(out, results, (o, g) -> {
            Wire.string(o, g.groupId());
            o.writeShort(g.errorCode());
        });
    }

    public static DeleteGroupsResponse read(PayloadReader r) {
        return new DeleteGroupsResponse(r.array("results", 6,
                x -> new GroupResult(x.string("group id"), x.u16("error code"))));
    }
}
