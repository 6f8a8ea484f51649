package io.streambus.protocol;

/** A frame's length field exceeds {@link Frames#MAX_LENGTH}. The connection must be closed (spec A.8.5). */
public final class FrameTooLargeException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    public FrameTooLargeException(long length, int max) {
        super(ErrorCode.MESSAGE_TOO_LARGE, "length", 0, "frame length " + length + " exceeds the limit of " + max);
    }

    @Override
    public boolean closesConnection() {
        return true;
    }
}
