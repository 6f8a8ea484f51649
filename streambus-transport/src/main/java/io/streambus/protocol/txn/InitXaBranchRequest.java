package io.streambus.protocol.txn;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;

/**
 * InitXaBranch (0x19, spec B.7.8.2): creates an XA branch with a new producer id. Immutable and thread-safe.
 *
 * @param transactionalId      the XA transaction id of the xid ({@link Xid#transactionId(String)})
 * @param xid                  the branch
 * @param transactionTimeoutMs 0 = broker default; runs until PrepareTxn
 */
public record InitXaBranchRequest(String transactionalId, Xid xid, int transactionTimeoutMs) implements RequestBody {
    public InitXaBranchRequest {
        transactionalId = Checks.str(transactionalId);
        Checks.notNull("xid", xid);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.INIT_XA_BRANCH;
    }

    /** Writes the payload. */
    public void write(ByteBuf out) {
        Wire.string(out, transactionalId);
        xid.write(out);
        out.writeInt(transactionTimeoutMs);
    }

    /** Reads the payload. */
    public static InitXaBranchRequest read(PayloadReader r) {
        return new InitXaBranchRequest(r.string("transaction id"), Xid.read(r), r.i32("transaction timeout ms"));
    }
}
