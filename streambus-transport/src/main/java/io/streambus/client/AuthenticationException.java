package io.streambus.client;

/** SASL or TLS authentication failed (codes 40, 42, 43, 44, 45, or a bad server signature). Not retriable. */
public class AuthenticationException extends StreamBusException {
    private static final long serialVersionUID = 1L;

    public AuthenticationException(String message) {
        super(message);
    }

    public AuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
