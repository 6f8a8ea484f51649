package io.streambus.client.producer;

import io.streambus.client.BrokerErrorException;
import io.streambus.client.StreamBusException;
import io.streambus.protocol.ErrorCode;

/**
 * An XA operation failed (spec B.7.8.8), with the {@code jakarta.transaction.xa.XAException} error code a JMS
 * {@code XAResource} should throw: {@link #xaErrorCode()}. The constants below have the values of
 * {@code XAException}'s, so the JMS layer can pass them on unchanged (this module has no JTA dependency).
 * Immutable; thread-safe.
 */
public class XaBranchException extends StreamBusException {
    private static final long serialVersionUID = 1L;
    /** The branch was rolled back. */
    public static final int XA_RBROLLBACK = 100;
    /** The branch was rolled back because its timeout passed. */
    public static final int XA_RBTIMEOUT = 106;
    /** The branch was heuristically committed. */
    public static final int XA_HEURCOM = 7;
    /** The branch was heuristically rolled back. */
    public static final int XA_HEURRB = 6;
    /** A resource manager error. */
    public static final int XAER_RMERR = -3;
    /** The xid is not known. */
    public static final int XAER_NOTA = -4;
    /** Routine called in an improper context. */
    public static final int XAER_PROTO = -6;
    /** The resource manager is unavailable (retry later). */
    public static final int XAER_RMFAIL = -7;
    /** The xid already exists. */
    public static final int XAER_DUPID = -8;

    private final int xaErrorCode;

    /** An exception with XA error code {@code xaErrorCode}. */
    public XaBranchException(int xaErrorCode, String message, Throwable cause) {
        super(message + " (XA error code " + xaErrorCode + ")", cause);
        this.xaErrorCode = xaErrorCode;
    }

    /** The {@code XAException.errorCode} to report. */
    public int xaErrorCode() {
        return xaErrorCode;
    }

    /** The exception for a failed XA request, mapped by the reply table of B.7.8.8. */
    public static XaBranchException of(Throwable failure, String context) {
        if (failure instanceof XaBranchException x) {
            return x;
        }
        int xa;
        if (failure instanceof BrokerErrorException be) {
            xa = switch (be.code()) {
                case ErrorCode.UNKNOWN_XID, ErrorCode.INVALID_PRODUCER_ID_MAPPING -> XAER_NOTA;
                case ErrorCode.DUPLICATE_XID -> XAER_DUPID;
                case ErrorCode.HEURISTIC_COMMIT -> XA_HEURCOM;
                case ErrorCode.HEURISTIC_ROLLBACK -> XA_HEURRB;
                case ErrorCode.TRANSACTION_ABORTED, ErrorCode.PRODUCER_FENCED -> XA_RBROLLBACK;
                case ErrorCode.INVALID_TRANSACTION_STATE -> XAER_PROTO;
                default -> be.isRetriable() ? XAER_RMFAIL : XAER_RMERR;
            };
        } else if (failure instanceof io.streambus.client.UnsupportedFeatureException) {
            xa = XAER_RMERR;
        } else if (failure instanceof StreamBusException s && s.isRetriable()) {
            xa = XAER_RMFAIL; // no reply and the retries gave up (B.7.8.8 item 12)
        } else {
            xa = XAER_RMERR;
        }
        return new XaBranchException(xa, context + ": " + failure.getMessage(), failure);
    }
}
