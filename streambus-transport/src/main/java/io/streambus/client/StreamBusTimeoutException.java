package io.streambus.client;

/** An operation did not complete within its configured timeout. Retriable. */
public class StreamBusTimeoutException extends StreamBusException {
    private static final long serialVersionUID = 1L;

    public StreamBusTimeoutException(String message) {
        super(message);
    }

    @Override
    public boolean isRetriable() {
        return true;
    }
}
