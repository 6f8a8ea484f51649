package io.streambus.protocol.txn;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * ListXaBranches (0x1C, spec B.7.8.5): the XA branches whose transaction id starts with a prefix and whose state
 * is one of a set. Immutable and thread-safe.
 *
 * @param transactionalIdPrefix empty = every branch
 * @param states                state names; empty = every state
 */
public record ListXaBranchesRequest(String transactionalIdPrefix, List<String> states) implements RequestBody {
    public ListXaBranchesRequest {
        transactionalIdPrefix = Checks.str(transactionalIdPrefix);
        states = Checks.list(states);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LIST_XA_BRANCHES;
    }

    /** Writes the payload. */
    public void write(ByteBuf out) {
        Wire.string(out, transactionalIdPrefix);
        Wire.stringArray(out, states);
    }

    /** Reads the payload. */
    public static ListXaBranchesRequest read(PayloadReader r) {
        return new ListXaBranchesRequest(r.string("transaction id prefix"), r.stringArray("states"));
    }
}
