package io.streambus.protocol;

import io.netty.handler.codec.DecoderException;

/**
 * Base of every codec error. Carries the wire error code a broker answers with ({@link #errorCode()}), the field
 * and the byte offset where the problem was found (when known), and, once the request header could be read, that
 * header ({@link #requestHeader()}) so a broker can still answer the request.
 *
 * <p>It extends Netty's {@link DecoderException} (itself a {@link RuntimeException}) so that a Netty pipeline
 * delivers it to {@code exceptionCaught} unwrapped.
 */
public class ProtocolException extends DecoderException {
    private static final long serialVersionUID = 1L;

    private final int errorCode;
    private final String field;
    private final int offset;
    private transient RequestHeader requestHeader;

    public ProtocolException(int errorCode, String field, int offset, String message) {
        this(errorCode, field, offset, message, null);
    }

    public ProtocolException(int errorCode, String field, int offset, String message, Throwable cause) {
        super(describe(field, offset, message), cause);
        this.errorCode = errorCode;
        this.field = field;
        this.offset = offset;
    }

    private static String describe(String field, int offset, String message) {
        if (field == null) {
            return message;
        }
        return offset >= 0 ? field + " at byte " + offset + ": " + message : field + ": " + message;
    }

    /** The wire error code to answer with (spec A.7), e.g. 2 for a malformed payload. */
    public int errorCode() {
        return errorCode;
    }

    /** Name of the offending field, or null if not specific to a field. */
    public String field() {
        return field;
    }

    /**
     * Byte offset of the offending field, counted from the first byte of the frame (its length field) for frame
     * decoding, or from the start of the decoded structure otherwise; -1 if unknown.
     */
    public int offset() {
        return offset;
    }

    /** The header of the request being decoded, or null if it could not be read (or this is not a request). */
    public RequestHeader requestHeader() {
        return requestHeader;
    }

    /** True if the connection must be closed without replying (framing errors, spec A.8.5). */
    public boolean closesConnection() {
        return false;
    }

    ProtocolException withRequestHeader(RequestHeader header) {
        if (requestHeader == null) {
            requestHeader = header;
        }
        return this;
    }
}
