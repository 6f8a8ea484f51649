package io.streambus.protocol.txn;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * ListXaBranches success payload (spec B.7.8.5), ascending unsigned byte order of transaction id. Immutable and
 * thread-safe.
 *
 * @param branches the matching branches
 */
public record ListXaBranchesResponse(List<XaBranch> branches) implements ResponseBody {
    public ListXaBranchesResponse {
        branches = Checks.list(branches);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LIST_XA_BRANCHES;
    }

    /** Writes the payload. */
    public void write(ByteBuf out) {
        Wire.array(out, branches, (o, b) -> b.write(o));
    }

    /** Reads the payload. */
    public static ListXaBranchesResponse read(PayloadReader r) {
        return new ListXaBranchesResponse(r.array("branches", XaBranch.MIN_SIZE, XaBranch::read));
    }
}
