package io.streambus.protocol.message;

import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.ProtocolException;

/** A frame or message would exceed a size limit (A.3.6, B.11). Wire code 12 MessageTooLarge. */
public final class MessageTooLargeException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    public MessageTooLargeException(String field, long size, long limit) {
        super(ErrorCode.MESSAGE_TOO_LARGE, field, -1, "size " + size + " exceeds the limit of " + limit);
    }
}
