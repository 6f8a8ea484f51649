package io.streambus.broker.txn;

import java.util.EnumSet;
import java.util.Set;

/**
 * Transaction states (B.7.1, B.7.8.1) with their checked transitions. Immutable.
 */
public enum TxnState {
    /** No transaction in progress (after InitProducerID or InitXaBranch). */
    EMPTY("Empty"),
    /** Partitions or groups were added; work is being done. */
    ONGOING("Ongoing"),
    /** An XA branch made durable and undecided by PrepareTxn; only EndXaBranch ends it. */
    PREPARED("Prepared"),
    /** Commit decided; markers and offsets being written. */
    PREPARE_COMMIT("PrepareCommit"),
    /** Abort decided; markers being written. */
    PREPARE_ABORT("PrepareAbort"),
    /** Committed. */
    COMPLETE_COMMIT("CompleteCommit"),
    /** Aborted. */
    COMPLETE_ABORT("CompleteAbort"),
    /** An XA branch committed by an operator (B.7.8.7). */
    HEURISTIC_COMMIT("HeuristicCommit"),
    /** An XA branch rolled back by an operator (B.7.8.7). */
    HEURISTIC_ROLLBACK("HeuristicRollback");

    private final String wireName;

    TxnState(String wireName) {
        this.wireName = wireName;
    }

    /** The name ListXaBranches uses (B.7.8.5). */
    public String wireName() {
        return wireName;
    }

    /** The states this one may move to. */
    Set<TxnState> successors() {
        return switch (this) {
            case EMPTY -> EnumSet.of(ONGOING, PREPARED, PREPARE_COMMIT, PREPARE_ABORT, EMPTY);
            case ONGOING -> EnumSet.of(ONGOING, PREPARED, PREPARE_COMMIT, PREPARE_ABORT);
            case PREPARED -> EnumSet.of(PREPARE_COMMIT, PREPARE_ABORT);
            case PREPARE_COMMIT -> EnumSet.of(COMPLETE_COMMIT, HEURISTIC_COMMIT);
            case PREPARE_ABORT -> EnumSet.of(COMPLETE_ABORT, HEURISTIC_ROLLBACK);
            case COMPLETE_COMMIT, COMPLETE_ABORT -> EnumSet.of(ONGOING, EMPTY);
            case HEURISTIC_COMMIT, HEURISTIC_ROLLBACK -> EnumSet.noneOf(TxnState.class);
        };
    }

    /**
     * Checks a transition.
     *
     * @throws IllegalStateException naming both states when {@code next} is not a successor
     */
    TxnState checkTransition(TxnState next) {
        if (!successors().contains(next)) {
            throw new IllegalStateException("illegal transaction state transition " + this + " -> " + next);
        }
        return next;
    }

    /** True while a transaction holds partitions (Ongoing, Prepared, PrepareCommit, PrepareAbort). */
    boolean inProgress() {
        return this == ONGOING || this == PREPARED || this == PREPARE_COMMIT || this == PREPARE_ABORT;
    }

    /** True for a finished state (complete or heuristic). */
    boolean complete() {
        return this == COMPLETE_COMMIT || this == COMPLETE_ABORT || this == HEURISTIC_COMMIT
                || this == HEURISTIC_ROLLBACK;
    }

    /** The state named {@code wire} on the wire, or null. */
    static TxnState forWireName(String wire) {
        for (TxnState s : values()) {
            if (s.wireName.equals(wire)) {
                return s;
            }
        }
        return null;
    }
}
