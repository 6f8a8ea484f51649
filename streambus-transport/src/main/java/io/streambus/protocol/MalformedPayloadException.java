package io.streambus.protocol;

/** A payload does not match its layout (truncated, bad count, invalid flag...). Wire code 2 InvalidRequest. */
public class MalformedPayloadException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    public MalformedPayloadException(String field, int offset, String message) {
        super(ErrorCode.INVALID_REQUEST, field, offset, message);
    }
}
