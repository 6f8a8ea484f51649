package io.streambus.protocol.txn;

/** The action of an EndXaBranch (spec B.7.8.4), with its u8 wire code. Immutable and thread-safe. */
public enum XaAction {
    /** Commit a Prepared branch (or repeat a commit). */
    COMMIT(1),
    /** Roll a branch back. */
    ROLLBACK(2),
    /** Forget a complete or heuristically completed branch. */
    FORGET(3);

    private final int code;

    XaAction(int code) {
        this.code = code;
    }

    /** The u8 on the wire. */
    public int code() {
        return code;
    }

    /** The action for a wire code, or null if the code names none. */
    public static XaAction forCode(int code) {
        return code >= 1 && code <= 3 ? values()[code - 1] : null;
    }
}
