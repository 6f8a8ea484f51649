package io.streambus.protocol.txn;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;

/**
 * EndXaBranch (0x1B, spec B.7.8.4): commits, rolls back or forgets an XA branch named by its xid, from any
 * connection. Immutable and thread-safe.
 *
 * @param transactionalId the XA transaction id of the xid
 * @param xid             the branch
 * @param action          commit, rollback or forget
 * @param heuristic       an operator's decision, not the TM's; only with commit or rollback
 */
public record EndXaBranchRequest(String transactionalId, Xid xid, XaAction action, boolean heuristic)
        implements RequestBody {
    public EndXaBranchRequest {
        transactionalId = Checks.str(transactionalId);
        Checks.notNull("xid", xid);
        Checks.notNull("action", action);
        if (heuristic && action == XaAction.FORGET) {
            throw new IllegalArgumentException("forget cannot be heuristic");
        }
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.END_XA_BRANCH;
    }

    /** Writes the payload. */
    public void write(ByteBuf out) {
        Wire.string(out, transactionalId);
        xid.write(out);
        out.writeByte(action.code());
        Wire.bool(out, heuristic);
    }

    /** Reads the payload; an unknown action or a heuristic forget is malformed (code 2). */
    public static EndXaBranchRequest read(PayloadReader r) {
        String transactionalId = r.string("transaction id");
        Xid xid = Xid.read(r);
        int at = r.pos;
        int code = r.u8("action");
        boolean heuristic = r.bool("heuristic");
        XaAction action = XaAction.forCode(code);
        if (action == null) {
            throw r.error("action", at, "action " + code + " is not 1 to 3");
        }
        if (heuristic && action == XaAction.FORGET) {
            throw r.error("heuristic", at + 1, "heuristic is only allowed with commit or rollback");
        }
        return new EndXaBranchRequest(transactionalId, xid, action, heuristic);
    }
}
