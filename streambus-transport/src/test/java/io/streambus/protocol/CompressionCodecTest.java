package io.streambus.protocol;

import io.streambus.protocol.message.CompressionCodec;
import io.streambus.protocol.message.CorruptMessageException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.luben.zstd.Zstd;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** B.11 codecs: round trips, the formats other implementations write, and every kind of bad block. */
class CompressionCodecTest {
    private final TrackingAllocator alloc = new TrackingAllocator();

    @AfterEach
    void noLeaks() {
        alloc.assertAllReleased();
    }

    private static byte[] mixed(int size, long seed) {
        Random r = new Random(seed);
        byte[] b = new byte[size];
        for (int i = 0; i < size; ) {
            int run = Math.min(size - i, 1 + r.nextInt(300));
            if (r.nextBoolean()) {
                for (int j = 0; j < run; j++) {
                    b[i + j] = (byte) r.nextInt();
                }
            } else if (i > 0) {
                int from = r.nextInt(i);
                for (int j = 0; j < run; j++) {
                    b[i + j] = b[from + (j % Math.max(1, i - from))];
                }
            }
            i += run;
        }
        return b;
    }

    private byte[] roundTrip(CompressionCodec codec, byte[] data) {
        ByteBuf src = Unpooled.wrappedBuffer(data);
        ByteBuf compressed = codec.compress(src, alloc);
        try {
            assertThat(src.readerIndex()).isZero();
            ByteBuf out = codec.decompress(compressed, data.length, alloc);
            try {
                assertThat(compressed.readerIndex()).isZero();
                return ByteBufUtil.getBytes(out);
            } finally {
                out.release();
            }
        } finally {
            compressed.release();
            src.release();
        }
    }

    @ParameterizedTest
    @EnumSource(CompressionCodec.class)
    void roundTrips(CompressionCodec codec) {
        for (byte[] data : List.of(new byte[4], "hello".getBytes(StandardCharsets.UTF_8), mixed(10_000, 1),
                mixed(1_500_000, 2), CompressionFixtures.input())) {
            assertThat(roundTrip(codec, data)).isEqualTo(data);
        }
    }

    @Test
    void wireFormatsAreTheOnesTheSpecNames() {
        byte[] data = mixed(1000, 3);
        assertThat(prefix(CompressionCodec.GZIP, data, 4)).isEqualTo(new byte[] {0x1f, (byte) 0x8b, 8, 0});
        assertThat(prefix(CompressionCodec.SNAPPY, data, 10))
                .isEqualTo(new byte[] {(byte) 0xff, 6, 0, 0, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59});
        assertThat(prefix(CompressionCodec.LZ4, data, 4)).isEqualTo(new byte[] {4, 0x22, 0x4d, 0x18});
        assertThat(prefix(CompressionCodec.ZSTD, data, 4)).isEqualTo(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd});
        assertThat(CompressionCodec.forId(3)).isEqualTo(CompressionCodec.LZ4);
        assertThat(CompressionCodec.forId(5)).isNull();
        assertThat(CompressionCodec.forName("zstd")).isEqualTo(CompressionCodec.ZSTD);
    }

    private byte[] prefix(CompressionCodec codec, byte[] data, int n) {
        ByteBuf c = codec.compress(Unpooled.wrappedBuffer(data), alloc);
        try {
            return ByteBufUtil.getBytes(c, 0, n);
        } finally {
            c.release();
        }
    }

    private byte[] decompress(CompressionCodec codec, byte[] compressed, int size) {
        ByteBuf out = codec.decompress(Unpooled.wrappedBuffer(compressed), size, alloc);
        try {
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    @Test
    void lz4FramesFromTheReferenceCliDecodeIncludingLinkedBlocks() {
        byte[] input = CompressionFixtures.input();
        for (String f : List.of(CompressionFixtures.LZ4_LINKED_CHECKSUMS, CompressionFixtures.LZ4_LINKED_PLAIN,
                CompressionFixtures.LZ4_INDEPENDENT_256K)) {
            assertThat(decompress(CompressionCodec.LZ4, CompressionFixtures.decode(f), input.length)).isEqualTo(input);
        }
    }

    @Test
    void lz4FramesWithEveryBlockSizeAndFlagDecode() throws IOException {
        byte[] data = mixed(600_000, 4);
        for (LZ4FrameOutputStream.BLOCKSIZE size : LZ4FrameOutputStream.BLOCKSIZE.values()) {
            for (LZ4FrameOutputStream.FLG.Bits[] bits : List.of(
                    new LZ4FrameOutputStream.FLG.Bits[] {LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE},
                    new LZ4FrameOutputStream.FLG.Bits[] {LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE,
                            LZ4FrameOutputStream.FLG.Bits.BLOCK_CHECKSUM,
                            LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM})) {
                ByteArrayOutputStream bos = new ByteArrayOutputStream();
                try (OutputStream os = new LZ4FrameOutputStream(bos, size, data.length, bits)) {
                    os.write(data);
                }
                assertThat(decompress(CompressionCodec.LZ4, bos.toByteArray(), data.length)).isEqualTo(data);
            }
        }
    }

    private static byte[] skippableFrame(int magic, int size) {
        return ByteBuffer.allocate(8 + size).order(ByteOrder.LITTLE_ENDIAN).putInt(magic).putInt(size).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            bos.writeBytes(p);
        }
        return bos.toByteArray();
    }

    @Test
    void severalFramesAndSkippableFramesDecode() {
        byte[] input = CompressionFixtures.input();
        byte[] twice = concat(input, input);
        byte[] lz4 = concat(CompressionFixtures.decode(CompressionFixtures.LZ4_INDEPENDENT_256K),
                skippableFrame(0x184D2A5F, 13), CompressionFixtures.decode(CompressionFixtures.LZ4_LINKED_PLAIN));
        assertThat(decompress(CompressionCodec.LZ4, lz4, twice.length)).isEqualTo(twice);
        byte[] zstd = concat(CompressionFixtures.decode(CompressionFixtures.ZSTD_CLI), skippableFrame(0x184D2A50, 7),
                CompressionFixtures.decode(CompressionFixtures.ZSTD_STREAMED));
        assertThat(decompress(CompressionCodec.ZSTD, zstd, twice.length)).isEqualTo(twice);
        byte[] small = Zstd.compress("abc".getBytes(StandardCharsets.US_ASCII));
        assertThat(decompress(CompressionCodec.ZSTD, concat(small, small), 6))
                .isEqualTo("abcabc".getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(data);
        }
        return bos.toByteArray();
    }

    /** A gzip member with FTEXT, FHCRC, FEXTRA, FNAME and FCOMMENT, as RFC 1952 allows. */
    private static byte[] gzipWithAllHeaderFields(byte[] data) {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0x1F, 1, 2, 3, 4, 0, 3});
        h.writeBytes(new byte[] {6, 0, 'A', 'B', 2, 0, 'x', 'y'});
        h.writeBytes("name.bin\0".getBytes(StandardCharsets.US_ASCII));
        h.writeBytes("a comment\0".getBytes(StandardCharsets.US_ASCII));
        CRC32 headerCrc = new CRC32();
        headerCrc.update(h.toByteArray());
        int hcrc = (int) headerCrc.getValue() & 0xFFFF;
        h.write(hcrc & 0xFF);
        h.write(hcrc >>> 8);
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(data);
        deflater.finish();
        byte[] buf = new byte[data.length + 1024];
        int n = deflater.deflate(buf);
        deflater.end();
        h.write(buf, 0, n);
        CRC32 crc = new CRC32();
        crc.update(data);
        h.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue())
                .putInt(data.length).array());
        return h.toByteArray();
    }

    @Test
    void gzipAcceptsSeveralMembersAndEveryHeaderField() throws IOException {
        byte[] a = mixed(5000, 5);
        byte[] b = mixed(7000, 6);
        byte[] members = concat(gzip(a), gzipWithAllHeaderFields(b), gzip(a));
        assertThat(decompress(CompressionCodec.GZIP, members, 17000)).isEqualTo(concat(a, b, a));
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodec.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void wrongSizesAreCorrupt(CompressionCodec codec) {
        byte[] data = mixed(20_000, 7);
        ByteBuf compressed = codec.compress(Unpooled.wrappedBuffer(data), alloc);
        try {
            assertThatThrownBy(() -> codec.decompress(compressed, data.length - 1, alloc))
                    .isInstanceOf(CorruptMessageException.class).hasMessageContaining("more than");
            assertThatThrownBy(() -> codec.decompress(compressed, data.length + 1, alloc))
                    .isInstanceOf(CorruptMessageException.class).hasMessageContaining("decompresses to");
            int before = alloc.allocations();
            assertThatThrownBy(() -> codec.decompress(compressed, Frames.MAX_UNCOMPRESSED_BLOCK_SIZE + 1, alloc))
                    .isInstanceOfSatisfying(CorruptMessageException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CORRUPT_MESSAGE))
                    .hasMessageContaining("exceeds the limit");
            assertThat(alloc.allocations()).as("nothing allocated for an oversized block").isEqualTo(before);
            for (int cut : new int[] {0, 1, 5, compressed.readableBytes() / 2, compressed.readableBytes() - 1}) {
                assertThatThrownBy(() -> codec.decompress(compressed.slice(0, cut), data.length, alloc))
                        .as("%s cut at %d", codec, cut).isInstanceOf(CorruptMessageException.class);
            }
        } finally {
            compressed.release();
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodec.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void corruptedBlocksAreDetected(CompressionCodec codec) {
        byte[] data = mixed(8_000, 8);
        ByteBuf c = codec.compress(Unpooled.wrappedBuffer(data), alloc);
        byte[] compressed = ByteBufUtil.getBytes(c);
        c.release();
        int detected = 0;
        for (int p = 0; p < compressed.length; p++) {
            byte[] bad = compressed.clone();
            bad[p] ^= 0x5A;
            Throwable t = catchThrowable(() -> decompress(codec, bad, data.length));
            if (t != null) {
                assertThat(t).as("%s corrupted at %d", codec, p).isInstanceOf(CorruptMessageException.class);
                detected++;
            }
        }
        // Only header fields that no checksum covers (gzip MTIME/XFL/OS, ...) may change unnoticed.
        assertThat(detected).isGreaterThan(compressed.length - 12);
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodec.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void decompressionBombsStopAtTheExpectedSize(CompressionCodec codec) {
        byte[] zeros = new byte[30 * 1024 * 1024];
        ByteBuf bomb = codec.compress(Unpooled.wrappedBuffer(zeros), alloc);
        try {
            assertThat(bomb.readableBytes()).isLessThan(2 * 1024 * 1024);
            assertThatThrownBy(() -> codec.decompress(bomb, 1000, alloc))
                    .isInstanceOf(CorruptMessageException.class).hasMessageContaining("more than");
        } finally {
            bomb.release();
        }
    }

    @Test
    void noneChecksTheSize() {
        ByteBuf b = Unpooled.wrappedBuffer(new byte[10]);
        ByteBuf same = CompressionCodec.NONE.decompress(b, 10, alloc);
        assertThat(same.readableBytes()).isEqualTo(10);
        same.release();
        assertThatThrownBy(() -> CompressionCodec.NONE.decompress(b, 9, alloc))
                .isInstanceOf(CorruptMessageException.class);
        assertThat(b.refCnt()).isEqualTo(1);
        b.release();
    }

    @Test
    void garbageIsCorruptForEveryCodec() {
        byte[] garbage = mixed(300, 9);
        for (CompressionCodec codec : List.of(CompressionCodec.GZIP, CompressionCodec.SNAPPY, CompressionCodec.LZ4,
                CompressionCodec.ZSTD)) {
            assertThatThrownBy(() -> decompress(codec, garbage, 300)).isInstanceOf(CorruptMessageException.class);
            assertThatThrownBy(() -> decompress(codec, new byte[0], 300)).isInstanceOf(CorruptMessageException.class);
        }
    }
}
