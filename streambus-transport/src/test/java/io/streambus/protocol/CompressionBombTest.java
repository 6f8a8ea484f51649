package io.streambus.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.streambus.protocol.message.CompressionCodec;
import io.streambus.protocol.message.CorruptMessageException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Compression bombs for every codec: the memory {@link CompressionCodec#decompress} takes follows the bytes a block
 * really inflates to, never the size it claims, and a block that inflates beyond its claim is refused as soon as it
 * passes it. Valid blocks decompress as before.
 */
class CompressionBombTest {
    private static final int MIB = 1024 * 1024;

    /** Heap buffers whose largest capacity (initial or grown) is recorded. */
    private static final class RecordingAllocator extends AbstractByteBufAllocator {
        final AtomicLong largest = new AtomicLong();

        RecordingAllocator() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            largest.accumulateAndGet(initialCapacity, Math::max);
            return new UnpooledHeapByteBuf(UnpooledByteBufAllocator.DEFAULT, initialCapacity, maxCapacity) {
                @Override
                public ByteBuf capacity(int newCapacity) {
                    largest.accumulateAndGet(newCapacity, Math::max);
                    return super.capacity(newCapacity);
                }
            };
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return newHeapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    private static ByteBuf compressZeros(CompressionCodec codec, int n) {
        ByteBuf plain = Unpooled.wrappedBuffer(new byte[n]);
        try {
            return codec.compress(plain, ByteBufAllocator.DEFAULT);
        } finally {
            plain.release();
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodec.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void aSmallBlockClaimingSixtyMiBTakesNoMoreThanItProduces(CompressionCodec codec) {
        ByteBuf small = compressZeros(codec, 1024);
        RecordingAllocator alloc = new RecordingAllocator();
        try {
            assertThatThrownBy(() -> codec.decompress(small, 60 * MIB, alloc))
                    .isInstanceOf(CorruptMessageException.class);
            // Before: a 60 MiB buffer at once. Now: one 64 KiB chunk at most (LZ4 sizes the frame first: nothing).
            assertThat(alloc.largest.get()).isLessThanOrEqualTo(64 * 1024);
        } finally {
            small.release();
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodec.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void aBlockInflatingBeyondItsClaimIsRefusedAtTheClaim(CompressionCodec codec) {
        ByteBuf bomb = compressZeros(codec, 8 * MIB);
        RecordingAllocator alloc = new RecordingAllocator();
        try {
            assertThat(bomb.readableBytes()).isLessThan(MIB / 2); // a real bomb: tiny compressed
            assertThatThrownBy(() -> codec.decompress(bomb, 4096, alloc))
                    .isInstanceOf(CorruptMessageException.class).hasMessageContaining("4096");
            assertThat(alloc.largest.get()).isLessThanOrEqualTo(4096);
        } finally {
            bomb.release();
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodec.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void anHonestLargeBlockStillDecompressesWithMemoryBoundedByItsSize(CompressionCodec codec) {
        int size = 8 * MIB;
        ByteBuf block = compressZeros(codec, size);
        RecordingAllocator alloc = new RecordingAllocator();
        ByteBuf out = codec.decompress(block, size, alloc);
        try {
            assertThat(out.readableBytes()).isEqualTo(size);
            assertThat(out.forEachByte(b -> b == 0)).isEqualTo(-1);
            assertThat(alloc.largest.get()).isEqualTo(size); // grown up to the real size, never beyond the claim
        } finally {
            out.release();
            block.release();
        }
    }
}
