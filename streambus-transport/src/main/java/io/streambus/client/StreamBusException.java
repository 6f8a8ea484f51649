package io.streambus.client;

/**
 * Base of every exception the StreamBus client throws or completes a future with.
 * {@link #isRetriable()} says whether trying the same operation again may succeed.
 */
public class StreamBusException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StreamBusException(String message) {
        super(message);
    }

    public StreamBusException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * For exceptions used as signals rather than errors: without suppression or a stack trace they cost one small
     * object ({@link Throwable}'s protected constructor).
     */
    protected StreamBusException(String message, Throwable cause, boolean enableSuppression,
                                 boolean writableStackTrace) {
        super(message, cause, enableSuppression, writableStackTrace);
    }

    /** True when the same request may succeed if retried (connection loss, timeout, codes 6/7/22/25/33/37). */
    public boolean isRetriable() {
        return false;
    }
}
