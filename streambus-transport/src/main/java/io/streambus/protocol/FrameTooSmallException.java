package io.streambus.protocol;

/** A frame's length field is below the smallest valid frame (16 for requests, 15 for responses). Close. */
public final class FrameTooSmallException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    public FrameTooSmallException(long length, int min) {
        super(ErrorCode.INVALID_REQUEST, "length", 0, "frame length " + length + " is below the minimum of " + min);
    }

    @Override
    public boolean closesConnection() {
        return true;
    }
}
