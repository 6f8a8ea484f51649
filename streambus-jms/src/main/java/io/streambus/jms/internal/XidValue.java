package io.streambus.jms.internal;

import io.streambus.protocol.txn.Xid;
import java.util.Arrays;
import java.util.HexFormat;
import javax.transaction.xa.XAException;

/**
 * A {@link javax.transaction.xa.Xid} as {@code XAResource.recover} returns it, byte for byte what the transaction
 * manager gave at {@code start}; and the conversion of the transaction manager's Xids to the wire's. Equal when the
 * three fields are. Immutable, thread-safe.
 */
final class XidValue implements javax.transaction.xa.Xid {
    private final int formatId;
    private final byte[] gtrid;
    private final byte[] bqual;

    XidValue(Xid xid) {
        this.formatId = xid.formatId();
        this.gtrid = xid.globalTransactionId();
        this.bqual = xid.branchQualifier();
    }

    /**
     * The wire form of a transaction manager's Xid.
     *
     * @throws XAException XAER_INVAL for a null Xid or fields out of the ranges of B.7.8.1
     */
    static Xid of(javax.transaction.xa.Xid xid) throws XAException {
        if (xid == null) {
            throw XaErrors.xa(XAException.XAER_INVAL, "the Xid is null", null);
        }
        try {
            return new Xid(xid.getFormatId(), xid.getGlobalTransactionId(), xid.getBranchQualifier());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw XaErrors.xa(XAException.XAER_INVAL, "invalid Xid: " + e.getMessage(), e);
        }
    }

    @Override
    public int getFormatId() {
        return formatId;
    }

    @Override
    public byte[] getGlobalTransactionId() {
        return gtrid.clone();
    }

    @Override
    public byte[] getBranchQualifier() {
        return bqual.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof XidValue x && formatId == x.formatId && Arrays.equals(gtrid, x.gtrid)
                && Arrays.equals(bqual, x.bqual);
    }

    @Override
    public int hashCode() {
        return (formatId * 31 + Arrays.hashCode(gtrid)) * 31 + Arrays.hashCode(bqual);
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return "Xid[" + formatId + ":" + hex.formatHex(gtrid) + ":" + hex.formatHex(bqual) + "]";
    }
}
