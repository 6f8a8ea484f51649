package io.streambus.client;

import io.streambus.protocol.ErrorCode;

/**
 * The broker answered a request with an error code (spec A.7, B.3). The code drives behaviour; the broker's message
 * is kept for humans.
 */
public class BrokerErrorException extends StreamBusException {
    private static final long serialVersionUID = 1L;
    private final int code;

    public BrokerErrorException(int code, String brokerMessage, String context) {
        super(context + ": broker error " + code + " " + ErrorCode.nameOf(code)
                + (brokerMessage == null || brokerMessage.isEmpty() ? "" : " (" + brokerMessage + ")"));
        this.code = code;
    }

    /** The wire error code (u16). */
    public int code() {
        return code;
    }

    @Override
    public boolean isRetriable() {
        return ErrorCode.isRetriable(code);
    }
}
