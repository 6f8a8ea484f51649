package io.streambus.broker.log;

/**
 * Base of every error the storage layer reports. Each subtype knows the wire error code (spec A.7) a broker answers
 * with, so the request handler maps failures without inspecting messages.
 */
public abstract class LogException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LogException(String message) {
        super(message);
    }

    LogException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Wire error code (spec A.7) that describes this failure. */
    public abstract int errorCode();
}
