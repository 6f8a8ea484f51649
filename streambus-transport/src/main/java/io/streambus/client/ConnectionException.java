package io.streambus.client;

/** A connection could not be established, or was lost with the request outstanding. Retriable. */
public class ConnectionException extends StreamBusException {
    private static final long serialVersionUID = 1L;

    public ConnectionException(String message) {
        super(message);
    }

    public ConnectionException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isRetriable() {
        return true;
    }
}
