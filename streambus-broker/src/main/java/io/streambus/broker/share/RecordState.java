package io.streambus.broker.share;

/**
 * The state of one record of a share-partition's in-flight window (spec B.13.1), with the transitions B.13.8 and
 * B.13.10 and B.13.15 allow. Immutable and thread-safe.
 */
public enum RecordState {
    /** May be acquired by a member whose filter matches it. */
    AVAILABLE(1),
    /** Held by one member under an acquisition lock. */
    ACQUIRED(2),
    /** Being archived: its dead-letter copy is not durable yet. */
    ARCHIVING(3),
    /** Accepted by a member (terminal). */
    ACKNOWLEDGED(4),
    /** Rejected, out of delivery attempts or not deliverable (terminal). */
    ARCHIVED(5),
    /**
     * Acknowledged inside a transaction that has not completed (B.13.15): held by the transaction, not by a
     * member, without a lock. Its transaction's outcome decides the next state.
     */
    STAGED(6);

    private final int code;

    RecordState(int code) {
        this.code = code;
    }

    /** The byte stored in the share state log. */
    public int code() {
        return code;
    }

    /** The state stored as {@code code}. */
    public static RecordState forCode(int code) {
        for (RecordState s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown record state code " + code);
    }

    /** True for Acknowledged and Archived. */
    public boolean isTerminal() {
        return this == ACKNOWLEDGED || this == ARCHIVED;
    }

    /** True if B.13.8/B.13.10 allow going from this state to {@code to}. */
    public boolean canMoveTo(RecordState to) {
        return switch (this) {
            case AVAILABLE -> to == ACQUIRED || to == ARCHIVING || to == ARCHIVED;
            case ACQUIRED -> to == AVAILABLE || to == ACQUIRED || to == ACKNOWLEDGED || to == ARCHIVING
                    || to == ARCHIVED || to == STAGED;
            // Commit applies the staged type (Acknowledged, archived, or Available for RELEASE); abort and a
            // restart make it Available or archived at the limit; staging again by the same transaction keeps it.
            case STAGED -> to == STAGED || to == ACKNOWLEDGED || to == ARCHIVING || to == ARCHIVED
                    || to == AVAILABLE;
            case ARCHIVING -> to == ARCHIVED;
            case ACKNOWLEDGED, ARCHIVED -> false;
        };
    }

    /**
     * Checks the transition to {@code to} and returns {@code to}.
     *
     * @throws IllegalStateException naming both states when the transition is not allowed
     */
    public RecordState moveTo(RecordState to) {
        if (!canMoveTo(to)) {
            throw new IllegalStateException("illegal record state transition " + this + " -> " + to);
        }
        return to;
    }
}
