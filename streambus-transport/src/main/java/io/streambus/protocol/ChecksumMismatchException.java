package io.streambus.protocol;

/** The frame's CRC32 does not match its contents. The connection must be closed without replying (A.8.5). */
public final class ChecksumMismatchException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    public ChecksumMismatchException(int crcOffset, int expected, int actual) {
        super(ErrorCode.CHECKSUM_MISMATCH, "crc32", crcOffset,
                String.format("checksum mismatch: frame says 0x%08x, contents give 0x%08x", expected, actual));
    }

    @Override
    public boolean closesConnection() {
        return true;
    }
}
