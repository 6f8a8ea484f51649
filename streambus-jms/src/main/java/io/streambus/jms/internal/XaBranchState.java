package io.streambus.jms.internal;

/**
 * Where one XA branch of a session stands, as its {@link JmsXaResource} sees it (the association states of the XA
 * specification plus the branch's outcome). Transitions are checked by {@link #moveTo}.
 */
enum XaBranchState {
    /** Associated with the session ({@code start}): the session's sends and receives belong to it. */
    ACTIVE,
    /** {@code end(TMSUSPEND)}: detached, resumable with {@code start(TMRESUME)}. */
    SUSPENDED,
    /** {@code end(TMSUCCESS)}: the work is done; waiting for prepare, one-phase commit or rollback. */
    IDLE,
    /** {@code end(TMFAIL)} or a failed send: only a rollback is possible ({@code prepare} throws XA_RB*). */
    ROLLBACK_ONLY,
    /** PrepareTxn answered: decided by Xid ({@code commit}, {@code rollback}). */
    PREPARED,
    /** Committed, rolled back, or read-only: nothing more happens here. */
    DONE;

    private boolean canMoveTo(XaBranchState next) {
        if (next == DONE) {
            return this != DONE;
        }
        return switch (this) {
            case ACTIVE -> next == SUSPENDED || next == IDLE || next == ROLLBACK_ONLY;
            case SUSPENDED -> next == ACTIVE || next == IDLE || next == ROLLBACK_ONLY;
            case IDLE -> next == ACTIVE || next == PREPARED || next == ROLLBACK_ONLY;
            case ROLLBACK_ONLY, PREPARED, DONE -> false;
        };
    }

    /**
     * The state after {@code next}.
     *
     * @throws IllegalStateException naming both states when the XA specification does not allow it
     */
    XaBranchState moveTo(XaBranchState next) {
        if (!canMoveTo(next)) {
            throw new IllegalStateException("XA branch: illegal transition " + this + " -> " + next);
        }
        return next;
    }

    /** True while the branch is associated with the session or suspended (prepare and commit are not allowed). */
    boolean associated() {
        return this == ACTIVE || this == SUSPENDED;
    }
}
