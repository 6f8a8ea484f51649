package io.streambus.protocol.txn;

import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.Wire;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An X/Open transaction branch identifier as it travels in two-phase commit requests (spec B.7.8.1), with the
 * fields of {@code jakarta.transaction.xa.Xid}. Equal when the three fields are equal byte for byte. Immutable
 * (the arrays are copied in and out) and thread-safe.
 *
 * @param formatId            any value except -1 (the null XID)
 * @param globalTransactionId 1 to 64 bytes
 * @param branchQualifier     0 to 64 bytes
 */
public record Xid(int formatId, byte[] globalTransactionId, byte[] branchQualifier) {
    /** Largest global transaction id ({@code Xid.MAXGTRIDSIZE}). */
    public static final int MAX_GTRID_SIZE = 64;
    /** Largest branch qualifier ({@code Xid.MAXBQUALSIZE}). */
    public static final int MAX_BQUAL_SIZE = 64;
    /** Fewest bytes of an xid on the wire: format id, two lengths, one gtrid byte. */
    public static final int MIN_SIZE = 13;

    public Xid {
        globalTransactionId = Checks.bytes(globalTransactionId).clone();
        branchQualifier = Checks.bytes(branchQualifier).clone();
        String problem = problem(formatId, globalTransactionId.length, branchQualifier.length);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    private static String problem(int formatId, int gtridLength, int bqualLength) {
        if (formatId == -1) {
            return "format id -1 is the null XID";
        }
        if (gtridLength < 1 || gtridLength > MAX_GTRID_SIZE) {
            return "global transaction id of " + gtridLength + " bytes is not 1 to " + MAX_GTRID_SIZE;
        }
        if (bqualLength > MAX_BQUAL_SIZE) {
            return "branch qualifier of " + bqualLength + " bytes is over " + MAX_BQUAL_SIZE;
        }
        return null;
    }

    @Override
    public byte[] globalTransactionId() {
        return globalTransactionId.clone();
    }

    @Override
    public byte[] branchQualifier() {
        return branchQualifier.clone();
    }

    /**
     * The XA transaction id of this xid under {@code prefix} (B.7.8.1):
     * {@code <prefix>:xa:<format id, 8 hex digits>:<gtrid hex>:<bqual hex>}, lowercase.
     */
    public String transactionId(String prefix) {
        HexFormat hex = HexFormat.of();
        return prefix + ":xa:" + String.format("%08x", formatId) + ":" + hex.formatHex(globalTransactionId) + ":"
                + hex.formatHex(branchQualifier);
    }

    /** Writes format id, global transaction id and branch qualifier. */
    public void write(ByteBuf out) {
        out.writeInt(formatId);
        Wire.bytes(out, globalTransactionId);
        Wire.bytes(out, branchQualifier);
    }

    /** Reads an xid; a field out of range is malformed (code 2), checked before the bytes are copied. */
    public static Xid read(PayloadReader r) {
        int at = r.pos;
        int formatId = r.i32("xid format id");
        if (formatId == -1) {
            throw r.error("xid format id", at, "format id -1 is the null XID");
        }
        byte[] gtrid = boundedBytes(r, "xid global transaction id", 1, MAX_GTRID_SIZE);
        byte[] bqual = boundedBytes(r, "xid branch qualifier", 0, MAX_BQUAL_SIZE);
        return new Xid(formatId, gtrid, bqual);
    }

    private static byte[] boundedBytes(PayloadReader r, String field, int min, int max) {
        int at = r.pos;
        int n = r.length(field);
        if (n < min || n > max) {
            throw r.error(field, at, "length " + n + " is not " + min + " to " + max);
        }
        r.pos = at;
        return r.bytes(field);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Xid x && formatId == x.formatId && Arrays.equals(globalTransactionId, x.globalTransactionId)
                && Arrays.equals(branchQualifier, x.branchQualifier);
    }

    @Override
    public int hashCode() {
        return (formatId * 31 + Arrays.hashCode(globalTransactionId)) * 31 + Arrays.hashCode(branchQualifier);
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return "Xid{" + formatId + ", " + hex.formatHex(globalTransactionId) + ", " + hex.formatHex(branchQualifier)
                + "}";
    }
}
