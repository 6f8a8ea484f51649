package io.streambus.protocol.core;

import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Checks;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.Frames;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.message.CompressionCodec;
import io.streambus.protocol.message.CorruptMessageException;
import io.streambus.protocol.message.MessageBlock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * Fetch success payload (A.6.2), in the compressed layout when the request had flag 0x0002 (B.11) and with the
 * last-stable-offset trailer when it had flag 0x0040 (B.7.7); the layout follows the <em>request</em> flags given
 * to {@link ResponseCodec}. Decoding decompresses: {@link #messages()} is always the plain block.
 *
 * <p>Encoding a compressed-layout reply compresses with {@link #codec()} and falls back to codec 0 when the result
 * is not shorter or the block is empty (B.11). Holds a reference to its block: {@link #release()} when done
 * (encoding does not release it). {@link #encodeZeroCopy} builds the plain-layout frame around messages without
 * copying them (the broker's path from its log to the socket).
 *
 * @param highWaterMark    partition high-water mark
 * @param messages         the message block
 * @param codec            encoding: codec to try; decoding: codec the block travelled with
 * @param lastStableOffset LSO for read-committed replies, {@link #NO_LAST_STABLE_OFFSET} otherwise
 */
public record FetchResponse(long highWaterMark, MessageBlock messages, CompressionCodec codec,
                            long lastStableOffset) implements ResponseBody {
    /** Marker for "no LSO trailer". */
    public static final long NO_LAST_STABLE_OFFSET = -1L;

    public FetchResponse {
        Checks.notNull("messages", messages);
        codec = codec == null ? CompressionCodec.NONE : codec;
    }

    /** A plain reply. */
    public FetchResponse(long highWaterMark, MessageBlock messages) {
        this(highWaterMark, messages, CompressionCodec.NONE, NO_LAST_STABLE_OFFSET);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.FETCH;
    }

    @Override
    public void release() {
        messages.release();
    }

    /**
     * Size of the reply frame for a block of {@code blockSize} bytes when sent raw (codec 0), length field and CRC
     * included: the size a broker keeps under {@link Frames#MAX_FRAME_SIZE} when it selects messages (A.6.2,
     * B.11), whatever the codec then achieves.
     */
    public static int frameSize(int blockSize, int requestFlags) {
        return Frames.LENGTH_FIELD_SIZE + Frames.RESPONSE_HEADER_SIZE + 8
                + ((requestFlags & Frames.FLAG_COMPRESSED) != 0 ? 9 : 0) + blockSize
                + ((requestFlags & Frames.FLAG_READ_COMMITTED) != 0 ? 8 : 0) + Frames.CRC_SIZE;
    }

    /**
     * Bytes of a whole plain-layout Fetch success frame besides the messages: length field, response header,
     * high-water mark, message count and CRC ({@code frameSize(MessageBlock.BLOCK_OVERHEAD, 0)}).
     */
    public static final int PLAIN_FRAME_OVERHEAD = frameSize(MessageBlock.BLOCK_OVERHEAD, 0);

    /**
     * The whole plain-layout Fetch success frame (length field to CRC; request flags without 0x0002 and 0x0040)
     * built around {@code messages} without copying them: a small head [length, header, high-water mark, count],
     * the messages buffer itself, and the CRC, as one composite buffer. Byte for byte what
     * {@link io.streambus.protocol.ResponseCodec#encodeSuccess} writes for {@code new FetchResponse(highWaterMark, block)} when the block
     * holds the same messages.
     *
     * <p>The caller vouches that the readable bytes of {@code messages} are exactly {@code count} valid A.5
     * messages (for example bytes its log validated when they were appended): they are not walked again. Takes
     * ownership of {@code messages}, which is released on failure too; the caller releases the returned frame
     * (a Netty write does). Thread-safe (no shared state).
     *
     * @throws IllegalArgumentException if {@code count} is negative or the frame would exceed
     *                                  {@link Frames#MAX_FRAME_SIZE}
     */
    public static ByteBuf encodeZeroCopy(ByteBufAllocator alloc, long requestId, long highWaterMark, int count,
                                         ByteBuf messages) {
        ByteBuf head = null;
        try {
            int n = messages.readableBytes();
            if (count < 0 || (long) PLAIN_FRAME_OVERHEAD + n > Frames.MAX_FRAME_SIZE) {
                throw new IllegalArgumentException("cannot frame " + count + " messages of " + n + " bytes");
            }
            int headLen = PLAIN_FRAME_OVERHEAD - Frames.CRC_SIZE;
            head = alloc.buffer(n == 0 ? PLAIN_FRAME_OVERHEAD : headLen);
            head.writeInt(PLAIN_FRAME_OVERHEAD - Frames.LENGTH_FIELD_SIZE + n).writeLong(requestId)
                    .writeByte(Frames.STATUS_OK).writeShort(ErrorCode.NONE)
                    .writeLong(highWaterMark).writeInt(count);
            if (n == 0) {
                messages.release();
                messages = null;
                int crc = Frames.crc32(head, Frames.LENGTH_FIELD_SIZE, headLen - Frames.LENGTH_FIELD_SIZE);
                ByteBuf frame = head.writeInt(crc);
                head = null;
                return frame;
            }
            CompositeByteBuf c = alloc.compositeBuffer(3);
            c.addComponent(true, head);
            head = null;
            c.addComponent(true, messages);
            messages = null;
            try {
                // The CRC covers header and payload: everything after the length field.
                int crc = Frames.crc32(c, Frames.LENGTH_FIELD_SIZE, headLen - Frames.LENGTH_FIELD_SIZE + n);
                c.addComponent(true, alloc.buffer(Frames.CRC_SIZE, Frames.CRC_SIZE).writeInt(crc));
                return c;
            } catch (RuntimeException e) {
                c.release();
                throw e;
            }
        } finally {
            if (head != null) {
                head.release();
            }
            if (messages != null) {
                messages.release();
            }
        }
    }

    public void write(ByteBuf out, int requestFlags, ByteBufAllocator alloc) {
        out.writeLong(highWaterMark);
        if ((requestFlags & Frames.FLAG_COMPRESSED) != 0) {
            ByteBuf compressed = null;
            if (codec != CompressionCodec.NONE && messages.count() > 0) {
                compressed = codec.compress(messages.slice(), alloc);
                if (compressed.readableBytes() >= messages.sizeInBytes()) {
                    compressed.release();
                    compressed = null;
                }
            }
            out.writeByte(compressed == null ? 0 : codec.id()).writeInt(messages.sizeInBytes());
            if (compressed == null) {
                out.writeInt(messages.sizeInBytes());
                messages.writeTo(out);
            } else {
                out.writeInt(compressed.readableBytes()).writeBytes(compressed);
                compressed.release();
            }
        } else {
            messages.writeTo(out);
        }
        if ((requestFlags & Frames.FLAG_READ_COMMITTED) != 0) {
            if (lastStableOffset == NO_LAST_STABLE_OFFSET) {
                throw new IllegalArgumentException("read-committed Fetch reply needs a last stable offset");
            }
            out.writeLong(lastStableOffset);
        }
    }

    public static FetchResponse read(PayloadReader r, int requestFlags, ByteBufAllocator alloc) {
        long hwm = r.i64("high-water mark");
        MessageBlock block;
        CompressionCodec codec = CompressionCodec.NONE;
        if ((requestFlags & Frames.FLAG_COMPRESSED) != 0) {
            int at = r.pos;
            int id = r.u8("codec");
            codec = CompressionCodec.forId(id);
            if (codec == null) {
                throw new CorruptMessageException("codec", r.reportedOffset(at), "unknown codec " + id);
            }
            block = r.compressedBlock(codec, Frames.MAX_FRAME_SIZE, "the frame limit", "block length", alloc);
        } else {
            block = r.messageBlock("messages");
        }
        try {
            long lso = NO_LAST_STABLE_OFFSET;
            if ((requestFlags & Frames.FLAG_READ_COMMITTED) != 0) {
                lso = r.i64("last stable offset");
            }
            return new FetchResponse(hwm, block, codec, lso);
        } catch (RuntimeException e) {
            block.release();
            throw e;
        }
    }
}
