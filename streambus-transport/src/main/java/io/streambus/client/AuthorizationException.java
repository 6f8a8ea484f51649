package io.streambus.client;

/** The broker's ACLs deny the operation (code 41, or 27 for groups). Not retriable. */
public class AuthorizationException extends BrokerErrorException {
    private static final long serialVersionUID = 1L;

    public AuthorizationException(int code, String brokerMessage, String context) {
        super(code, brokerMessage, context);
    }
}
