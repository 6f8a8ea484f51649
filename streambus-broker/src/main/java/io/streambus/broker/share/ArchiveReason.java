package io.streambus.broker.share;

/**
 * Why a record was archived or last left the Acquired state (spec B.13.10, header {@code sb_dlq_reason}).
 * Immutable and thread-safe.
 */
public enum ArchiveReason {
    REJECT, RELEASE, LOCK_TIMEOUT, MEMBER_GONE, BROKER_RESTART, LIMIT_CHANGED, TXN_ABORTED, TOO_LARGE;

    /** The byte stored in the share state log. */
    int code() {
        return ordinal();
    }

    /** The reason stored as {@code code}; REJECT for an unknown code. */
    static ArchiveReason forCode(int code) {
        return code >= 0 && code < values().length ? values()[code] : REJECT;
    }
}
