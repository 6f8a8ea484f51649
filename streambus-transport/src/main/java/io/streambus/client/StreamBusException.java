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

    /** True when the same request may succeed if retried (connection loss, timeout, codes 6/7/22/25/33/37). */
    public boolean isRetriable() {
        return false;
    }
}
