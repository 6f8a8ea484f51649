package io.streambus.broker.txn;

/**
 * A request refused with a wire error code (B.3) by the exactly-once layer. Immutable.
 */
public final class TxnException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int errorCode;

    /** A refusal with {@code errorCode} and a message for the error payload (A.4). */
    public TxnException(int errorCode, String message) {
        super(message, null, false, false);
        this.errorCode = errorCode;
    }

    /** The wire error code. */
    public int errorCode() {
        return errorCode;
    }
}
