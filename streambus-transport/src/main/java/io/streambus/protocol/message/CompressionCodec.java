package io.streambus.protocol.message;

import io.streambus.protocol.Frames;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.xerial.snappy.SnappyFramedInputStream;
import org.xerial.snappy.SnappyFramedOutputStream;

/**
 * Message block compression codecs (spec B.11), with the wire formats the spec requires: gzip members (JDK,
 * several members accepted), the Snappy <em>framing</em> format (snappy-java {@code SnappyFramed*Stream}), the LZ4
 * <em>frame</em> format (lz4-java {@code LZ4FrameOutputStream}; decoding by {@code Lz4FrameDecompressor}, since
 * lz4-java refuses linked blocks), and Zstandard frames without dictionary (zstd-jni,
 * window at most 8 MiB). Thread-safe: every call uses its own streams.
 */
public enum CompressionCodec {
    /** Not compressed (only in Fetch replies, B.11). */
    NONE(0),
    GZIP(1),
    SNAPPY(2),
    LZ4(3),
    ZSTD(4);

    /** Output grows in steps of at most this many bytes: memory follows the data, not the claimed size. */
    static final int INFLATE_CHUNK = 64 * 1024;
    /** zstd window log limit: 2^23 = 8 MiB (B.11). */
    private static final int ZSTD_MAX_WINDOW_LOG = 23;
    private static final CompressionCodec[] BY_ID = values();

    private final int id;

    CompressionCodec(int id) {
        this.id = id;
    }

    /** The u8 codec id on the wire. */
    public int id() {
        return id;
    }

    /** The codec for a wire id, or null if the id names none. */
    public static CompressionCodec forId(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    /** The codec for a name such as "gzip" or "LZ4" (case-insensitive); "none" gives NONE. */
    public static CompressionCodec forName(String name) {
        return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
    }

    /**
     * Compresses the readable bytes of {@code src} (indexes untouched) into a new buffer from {@code alloc}. NONE
     * returns a retained slice of {@code src}. The caller releases the result.
     */
    public ByteBuf compress(ByteBuf src, ByteBufAllocator alloc) {
        int n = src.readableBytes();
        if (this == NONE) {
            return src.retainedSlice(src.readerIndex(), n);
        }
        ByteBuf out = alloc.buffer(Math.max(64, n / 2 + 64));
        try (OutputStream os = compressor(new ByteBufOutputStream(out))) {
            src.getBytes(src.readerIndex(), os, n);
        } catch (IOException | RuntimeException e) {
            out.release();
            throw new IllegalStateException(name() + " compression failed", e);
        }
        return out;
    }

    /**
     * Decompresses the readable bytes of {@code src} (indexes untouched) into a new buffer of exactly
     * {@code expectedSize} bytes. Stops as soon as the output would exceed {@code expectedSize}. Every failure
     * (bad data, wrong size, size above 64 MiB) is a {@link CorruptMessageException}. NONE checks the size and
     * returns a retained slice. The caller releases the result.
     *
     * <p>The claimed size is not trusted for allocation: stream codecs inflate in chunks of at most 64 KiB into a
     * buffer that grows with the data actually produced, and LZ4 first walks the frame to learn the true size, so a
     * small block that claims a large size but does not deliver it costs no more memory than it produces.
     */
    public ByteBuf decompress(ByteBuf src, int expectedSize, ByteBufAllocator alloc) {
        if (expectedSize < 0 || expectedSize > Frames.MAX_UNCOMPRESSED_BLOCK_SIZE) {
            throw new CorruptMessageException("uncompressed size", -1, "uncompressed size "
                    + (expectedSize & 0xFFFFFFFFL) + " exceeds the limit of " + Frames.MAX_UNCOMPRESSED_BLOCK_SIZE);
        }
        if (this == NONE) {
            if (src.readableBytes() != expectedSize) {
                throw new CorruptMessageException("uncompressed size", -1, "block has " + src.readableBytes()
                        + " bytes, uncompressed size says " + expectedSize);
            }
            return src.retainedSlice(src.readerIndex(), expectedSize);
        }
        if (this == LZ4) {
            return decompressLz4(src, expectedSize, alloc);
        }
        ByteBuf out = alloc.buffer(Math.min(expectedSize, INFLATE_CHUNK), expectedSize);
        try (InputStream in = decompressor(new ByteBufInputStream(src.duplicate()))) {
            while (out.writerIndex() < expectedSize) {
                // Fill what is allocated; grow (by at most a chunk, never beyond expectedSize) only once it is full,
                // so the buffer tracks the bytes the stream really produces.
                int step = out.isWritable() ? out.writableBytes()
                        : Math.min(INFLATE_CHUNK, expectedSize - out.writerIndex());
                if (out.writeBytes(in, step) < 0) {
                    break;
                }
            }
            if (out.writerIndex() < expectedSize) {
                throw new CorruptMessageException("uncompressed size", -1, name() + " block decompresses to "
                        + out.readableBytes() + " bytes, uncompressed size says " + expectedSize);
            }
            if (in.read() >= 0) {
                throw new CorruptMessageException("uncompressed size", -1, name()
                        + " block decompresses to more than the uncompressed size " + expectedSize);
            }
            return out;
        } catch (CorruptMessageException e) {
            out.release();
            throw e;
        } catch (IOException | RuntimeException | LinkageError e) {
            out.release();
            throw new CorruptMessageException(name() + " block does not decompress: " + e, e);
        }
    }

    private static ByteBuf decompressLz4(ByteBuf src, int expectedSize, ByteBufAllocator alloc) {
        byte[] in;
        int off;
        int len = src.readableBytes();
        if (src.hasArray()) {
            in = src.array();
            off = src.arrayOffset() + src.readerIndex();
        } else {
            in = io.netty.buffer.ByteBufUtil.getBytes(src);
            off = 0;
        }
        // Size pass first: parses the frames without writing, so a bomb is refused before anything is allocated.
        int size;
        try {
            size = Lz4FrameDecompressor.decompress(in, off, len, null, 0, expectedSize);
        } catch (RuntimeException e) {
            throw e instanceof CorruptMessageException ? e
                    : new CorruptMessageException("LZ4 block does not decompress: " + e, e);
        }
        if (size != expectedSize) {
            throw new CorruptMessageException("uncompressed size", -1, "LZ4 block decompresses to " + size
                    + " bytes, uncompressed size says " + expectedSize);
        }
        ByteBuf out = alloc.heapBuffer(expectedSize, expectedSize);
        try {
            int n = Lz4FrameDecompressor.decompress(in, off, len, out.array(), out.arrayOffset(), expectedSize);
            if (n != expectedSize) {
                throw new CorruptMessageException("uncompressed size", -1, "LZ4 block decompresses to " + n
                        + " bytes, uncompressed size says " + expectedSize);
            }
            return out.writerIndex(n);
        } catch (RuntimeException e) {
            out.release();
            throw e instanceof CorruptMessageException ? e
                    : new CorruptMessageException("LZ4 block does not decompress: " + e, e);
        }
    }

    private OutputStream compressor(OutputStream os) throws IOException {
        return switch (this) {
            case GZIP -> new GZIPOutputStream(os, 8192);
            case SNAPPY -> new SnappyFramedOutputStream(os);
            // Content checksums so a corrupted block is detected, not silently decoded to other bytes.
            case LZ4 -> new LZ4FrameOutputStream(os, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB,
                    LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE, LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM);
            case ZSTD -> new ZstdOutputStreamNoFinalizer(os).setChecksum(true);
            case NONE -> os;
        };
    }

    private InputStream decompressor(InputStream is) throws IOException {
        return switch (this) {
            case GZIP -> new GZIPInputStream(is, 8192);
            case SNAPPY -> new SnappyFramedInputStream(is, true);
            case LZ4 -> throw new AssertionError("LZ4 is decoded by Lz4FrameDecompressor");
            case ZSTD -> new ZstdInputStreamNoFinalizer(is).setLongMax(ZSTD_MAX_WINDOW_LOG);
            case NONE -> is;
        };
    }
}
