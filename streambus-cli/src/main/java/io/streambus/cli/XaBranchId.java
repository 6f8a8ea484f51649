package io.streambus.cli;

import io.streambus.protocol.txn.Xid;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;

/**
 * An XA branch as an operator names it on the command line: the resource manager's prefix and the Xid, which
 * together give the branch's XA transaction id (spec B.7.8.1):
 * {@code <prefix>:xa:<format id, 8 hex digits>:<global transaction id, hex>:<branch qualifier, hex>}.
 *
 * <p>Two text forms are accepted, both exactly as B.7.8.1 writes them, so that what {@code streambus xa list}
 * prints can be pasted back: the whole XA transaction id ({@code jms.app1:xa:00020005:746d31:627231}), or, with the
 * prefix given apart, the XID alone, {@code FORMAT:GTRID:BQUAL} ({@code 00020005:746d31:627231}: the format id as
 * 8 hexadecimal digits of its 32-bit two's complement, the two byte strings in hexadecimal, two digits per byte; the
 * branch qualifier may be empty). Hexadecimal digits may be upper or lower case. Immutable and thread-safe.
 *
 * @param prefix the resource manager's prefix, 1 to 255 bytes of UTF-8
 * @param xid    the branch
 */
public record XaBranchId(String prefix, Xid xid) {
    /** The separator between the prefix and the XID in an XA transaction id. */
    private static final String XA = ":xa:";
    /** Largest prefix in bytes of UTF-8 (B.7.8.1). */
    private static final int MAX_PREFIX_BYTES = 255;
    /** How the forms are written, for error messages. */
    static final String FORMS = "PREFIX:xa:FORMAT:GTRID:BQUAL (the XA transaction id, as `streambus xa list` "
            + "prints it), or --prefix PREFIX with FORMAT:GTRID:BQUAL (FORMAT: 8 hex digits, GTRID and BQUAL: hex)";

    /**
     * The branch named by {@code text}: the XID alone when {@code prefix} is given, else a whole XA transaction id.
     *
     * @throws IllegalArgumentException naming what is wrong and the accepted forms
     */
    public static XaBranchId parse(String text, Optional<String> prefix) {
        if (prefix.isPresent()) {
            checkPrefix(prefix.get(), text);
            return new XaBranchId(prefix.get(), xid(text, text));
        }
        Optional<XaBranchId> id = fromTransactionId(text);
        if (id.isPresent()) {
            return id.get();
        }
        throw new IllegalArgumentException("'" + text + "' is not an XA transaction id: give " + FORMS);
    }

    /**
     * The branch whose XA transaction id is {@code transactionId}, or empty when it does not have that form (an
     * ordinary transaction id).
     */
    public static Optional<XaBranchId> fromTransactionId(String transactionId) {
        // The XID's three parts hold no colon, so the last three colons end the prefix and ":xa".
        int c3 = transactionId.lastIndexOf(':');
        int c2 = c3 <= 0 ? -1 : transactionId.lastIndexOf(':', c3 - 1);
        int c1 = c2 <= 0 ? -1 : transactionId.lastIndexOf(':', c2 - 1);
        if (c1 - 3 < 1 || !transactionId.startsWith(XA, c1 - 3)) {
            return Optional.empty();
        }
        String prefix = transactionId.substring(0, c1 - 3);
        try {
            checkPrefix(prefix, transactionId);
            return Optional.of(new XaBranchId(prefix, xid(transactionId.substring(c1 + 1), transactionId)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static void checkPrefix(String prefix, String text) {
        int bytes = prefix.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < 1 || bytes > MAX_PREFIX_BYTES) {
            throw new IllegalArgumentException("'" + text + "': the prefix must be 1 to " + MAX_PREFIX_BYTES
                    + " bytes, got " + bytes);
        }
    }

    private static Xid xid(String text, String whole) {
        String[] parts = text.split(":", -1);
        if (parts.length != 3 || parts[0].length() != 8) {
            throw new IllegalArgumentException("'" + whole + "' is not an XID: give FORMAT:GTRID:BQUAL (FORMAT: 8 "
                    + "hex digits, GTRID and BQUAL: hex)");
        }
        try {
            HexFormat hex = HexFormat.of();
            return new Xid(HexFormat.fromHexDigits(parts[0]), hex.parseHex(parts[1]), hex.parseHex(parts[2]));
        } catch (IllegalArgumentException e) {
            // HexFormat's and the Xid's own range checks throw IllegalArgumentException.
            throw new IllegalArgumentException("'" + whole + "' is not an XID (" + e.getMessage() + "): give "
                    + "FORMAT:GTRID:BQUAL (FORMAT: 8 hex digits, GTRID: 1 to 64 bytes in hex, BQUAL: 0 to 64 bytes "
                    + "in hex)");
        }
    }

    /** The XID as {@code FORMAT:GTRID:BQUAL}, lowercase. */
    public static String text(Xid xid) {
        HexFormat hex = HexFormat.of();
        return String.format("%08x", xid.formatId()) + ":" + hex.formatHex(xid.globalTransactionId()) + ":"
                + hex.formatHex(xid.branchQualifier());
    }

    /** The branch's XA transaction id (B.7.8.1). */
    public String transactionId() {
        return xid.transactionId(prefix);
    }
}
