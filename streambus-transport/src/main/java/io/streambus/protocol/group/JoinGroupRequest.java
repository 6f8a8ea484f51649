package io.streambus.protocol.group;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * JoinGroup (0x08, B.6.4).
 *
 * @param memberId empty on the first join
 */
public record JoinGroupRequest(String groupId, int sessionTimeoutMs, int rebalanceTimeoutMs, String memberId,
                               String clientId, String protocolType, List<GroupProtocol> protocols)
        implements RequestBody {
    public JoinGroupRequest {
        groupId = Checks.str(groupId);
        memberId = Checks.str(memberId);
        clientId = Checks.str(clientId);
        protocolType = Checks.str(protocolType);
        protocols = Checks.list(protocols);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.JOIN_GROUP;
    }

    public void write(ByteBuf out) {
        Wire.string(out, groupId);
        out.writeInt(sessionTimeoutMs).writeInt(rebalanceTimeoutMs);
        Wire.string(out, memberId);
        Wire.string(out, clientId);
        Wire.string(out, protocolType);
        Wire.array(out, protocols, (o, p) -> {
            Wire.string(o, p.name());
            Wire.bytes(o, p.metadata());
        });
    }

    public static JoinGroupRequest read(PayloadReader r) {
        return new JoinGroupRequest(r.string("group id"), r.i32("session timeout ms"), r.i32("rebalance timeout ms"),
                r.string("member id"), r.string("client id"), r.string("protocol type"),
                r.array("protocols", 8, x -> new GroupProtocol(x.string("protocol name"),
                        x.bytes("protocol metadata"))));
    }
}
