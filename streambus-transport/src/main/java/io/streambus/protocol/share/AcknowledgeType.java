package io.streambus.protocol.share;

/** Acknowledgement types of share groups (spec B.13.8), with their u8 wire codes. Immutable and thread-safe. */
public enum AcknowledgeType {
    /** The record was processed: Acknowledged. */
    ACCEPT(1),
    /** Give the record back for redelivery, keeping its delivery count. */
    RELEASE(2),
    /** The record cannot be processed: archived (and dead-lettered). */
    REJECT(3),
    /** Extend the acquisition lock. */
    RENEW(4),
    /** Give back a record the application never saw, without counting a delivery. */
    RETURN(5);

    private final int code;

    AcknowledgeType(int code) {
        this.code = code;
    }

    /** The u8 on the wire. */
    public int code() {
        return code;
    }

    /** True for the types a transactional ShareAcknowledge may stage (B.13.15): ACCEPT, RELEASE, REJECT. */
    public boolean isStageable() {
        return this == ACCEPT || this == RELEASE || this == REJECT;
    }

    /** The type for a wire code, or null if the code names none. */
    public static AcknowledgeType forCode(int code) {
        return code >= 1 && code <= 5 ? values()[code - 1] : null;
    }
}
