package io.streambus.protocol.message;

import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.ProtocolException;

/**
 * A compressed message block cannot be decompressed, has the wrong size or does not parse (spec B.11). Wire code 4
 * CorruptMessage; the frame itself was sound, so the connection stays usable.
 */
public final class CorruptMessageException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    public CorruptMessageException(String field, int offset, String message) {
        super(ErrorCode.CORRUPT_MESSAGE, field, offset, message);
    }

    public CorruptMessageException(String message, Throwable cause) {
        super(ErrorCode.CORRUPT_MESSAGE, "compressed block", -1, message, cause);
    }
}
