package io.streambus.jms.internal;

/**
 * Where the local transaction of a transacted session stands ({@link LocalTransaction}). Transitions are checked by
 * {@link #moveTo}.
 */
enum LocalTxnState {
    /** No transaction is open on the broker: nothing was sent or staged since the last commit or rollback. */
    IDLE,
    /** A transaction is open on the broker (beginTransaction): sends and staged acknowledgements belong to it. */
    OPEN,
    /** Work of the open transaction failed or cannot be made part of it: only a rollback is possible. */
    ROLLBACK_ONLY;

    private boolean canMoveTo(LocalTxnState next) {
        return switch (this) {
            case IDLE -> next == OPEN;
            case OPEN -> next == IDLE || next == ROLLBACK_ONLY;
            case ROLLBACK_ONLY -> next == IDLE;
        };
    }

    /**
     * The state after {@code next}.
     *
     * @throws IllegalStateException naming both states when the transition is not allowed
     */
    LocalTxnState moveTo(LocalTxnState next) {
        if (!canMoveTo(next)) {
            throw new IllegalStateException("local transaction: illegal transition " + this + " -> " + next);
        }
        return next;
    }
}
