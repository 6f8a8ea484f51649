package io.streambus.protocol;

/** The request type byte names no known type. Wire code 1 UnknownRequest; the connection stays open. */
public final class UnknownRequestTypeException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    public UnknownRequestTypeException(RequestHeader header) {
        super(ErrorCode.UNKNOWN_REQUEST, "type", 8, String.format("unknown request type 0x%02x", header.type()));
        withRequestHeader(header);
    }
}
