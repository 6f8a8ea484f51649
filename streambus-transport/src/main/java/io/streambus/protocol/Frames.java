package io.streambus.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * Frame constants (spec A.3) and the frame checksum.
 *
 * <p>Static helpers only; thread-safe.
 */
public final class Frames {
    /** Largest frame anyone may send, length field included (A.3.6). */
    public static final int MAX_FRAME_SIZE = 10_485_760;
    /** Largest length field a decoder accepts (A.3.6: the reference checks the field, not the total). */
    public static final int MAX_LENGTH = 10_485_760;
    public static final int LENGTH_FIELD_SIZE = 4;
    public static final int CRC_SIZE = 4;
    /** Request id, type, version, flags. */
    public static final int REQUEST_HEADER_SIZE = 12;
    /** Request id, status, error code. */
    public static final int RESPONSE_HEADER_SIZE = 11;
    /** Smallest request length field: header + CRC, empty payload. */
    public static final int MIN_REQUEST_LENGTH = REQUEST_HEADER_SIZE + CRC_SIZE;
    /** Smallest response length field: header + CRC, empty payload. */
    public static final int MIN_RESPONSE_LENGTH = RESPONSE_HEADER_SIZE + CRC_SIZE;
    /** Largest message (A.5 encoded size) a compressed Produce may carry (B.11 check 6). */
    public static final int MAX_MESSAGE_SIZE = 10_485_696;
    /** Largest uncompressed size of a compressed message block (B.11). */
    public static final int MAX_UNCOMPRESSED_BLOCK_SIZE = 64 * 1024 * 1024;

    /** Request flag bits (A.3.5, B.7.7, B.11, B.12, B.13.15). */
    public static final int FLAG_REQUIRE_ACK = 0x0001;
    public static final int FLAG_COMPRESSED = 0x0002;
    public static final int FLAG_BATCH = 0x0004;
    public static final int FLAG_ASYNC = 0x0008;
    public static final int FLAG_IDEMPOTENT = 0x0010;
    public static final int FLAG_TRANSACTIONAL = 0x0020;
    public static final int FLAG_READ_COMMITTED = 0x0040;
    /** Sequenced (idempotent) Produce: adds the sequence trailer (B.12.3). */
    public static final int FLAG_SEQUENCED = 0x0080;
    /**
     * The flags that add or change payload layouts; only valid on some types (B.2): 0x0002 on Produce and Fetch,
     * 0x0020 on Produce and ShareAcknowledge, 0x0040 on Fetch, 0x0080 on Produce.
     */
    public static final int EXTENSION_FLAGS = FLAG_COMPRESSED | FLAG_TRANSACTIONAL | FLAG_READ_COMMITTED
            | FLAG_SEQUENCED;

    /** Response status byte (A.7). */
    public static final int STATUS_OK = 0;
    public static final int STATUS_ERROR = 1;
    public static final int STATUS_PARTIAL_SUCCESS = 2;

    private Frames() {
    }

    /**
     * IEEE CRC-32 (java.util.zip.CRC32, not CRC32C) of {@code length} bytes at {@code index}, without copying or
     * moving the buffer's indexes.
     */
    public static int crc32(ByteBuf buf, int index, int length) {
        CRC32 crc = new CRC32();
        int count = buf.nioBufferCount();
        if (count == 1) {
            crc.update(buf.nioBuffer(index, length));
        } else if (count > 1) {
            for (ByteBuffer b : buf.nioBuffers(index, length)) {
                crc.update(b);
            }
        } else if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + index, length);
        } else {
            byte[] chunk = new byte[Math.min(length, 8192)];
            for (int done = 0; done < length; ) {
                int n = Math.min(chunk.length, length - done);
                buf.getBytes(index + done, chunk, 0, n);
                crc.update(chunk, 0, n);
                done += n;
            }
        }
        return (int) crc.getValue();
    }
}
