package io.streambus.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a byte stream into frames (spec A.3). It reads the u32 length and rejects it before waiting for or
 * allocating anything if it exceeds {@link Frames#MAX_LENGTH} or is below the smallest frame (16 for requests, 15
 * for responses); waits for the whole frame; verifies the IEEE CRC32; and emits a retained slice covering the
 * header and payload (without the length field and the CRC), which the next handler must release. It never reads
 * past a frame.
 *
 * <p>Errors are {@link FrameTooLargeException}, {@link FrameTooSmallException} or
 * {@link ChecksumMismatchException}, delivered to {@code exceptionCaught}; the stream cannot be resynchronised, so
 * the decoder then discards all further input and the connection must be closed. One instance per channel.
 *
 * <p>Not thread-safe: it lives on its channel's event loop.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    private final int minLength;
    private boolean failed;

    /** @param requests true to decode request frames (broker side), false for responses (client side) */
    public FrameDecoder(boolean requests) {
        this.minLength = requests ? Frames.MIN_REQUEST_LENGTH : Frames.MIN_RESPONSE_LENGTH;
    }

    public static FrameDecoder forRequests() {
        return new FrameDecoder(true);
    }

    public static FrameDecoder forResponses() {
        return new FrameDecoder(false);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < Frames.LENGTH_FIELD_SIZE) {
            return;
        }
        int start = in.readerIndex();
        long length = in.getUnsignedInt(start);
        if (length > Frames.MAX_LENGTH) {
            throw fail(in, new FrameTooLargeException(length, Frames.MAX_LENGTH));
        }
        if (length < minLength) {
            throw fail(in, new FrameTooSmallException(length, minLength));
        }
        int len = (int) length;
        if (in.readableBytes() < Frames.LENGTH_FIELD_SIZE + len) {
            return;
        }
        int contentLength = len - Frames.CRC_SIZE;
        int contentStart = start + Frames.LENGTH_FIELD_SIZE;
        int expected = in.getInt(contentStart + contentLength);
        int actual = Frames.crc32(in, contentStart, contentLength);
        if (expected != actual) {
            throw fail(in, new ChecksumMismatchException(Frames.LENGTH_FIELD_SIZE + contentLength, expected, actual));
        }
        out.add(in.retainedSlice(contentStart, contentLength));
        in.skipBytes(Frames.LENGTH_FIELD_SIZE + len);
    }

    private ProtocolException fail(ByteBuf in, ProtocolException e) {
        failed = true;
        in.skipBytes(in.readableBytes());
        return e;
    }
}
