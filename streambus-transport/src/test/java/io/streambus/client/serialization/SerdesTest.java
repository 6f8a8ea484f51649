package io.streambus.client.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.streambus.client.StreamBusException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SerdesTest {
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;

    private <T> T roundTrip(Serializer<T> s, Deserializer<T> d, T value) {
        ByteBuf b = s.serialize("t", value, alloc);
        try {
            return d.deserialize("t", b == null ? Unpooled.EMPTY_BUFFER : b);
        } finally {
            if (b != null) {
                b.release();
            }
        }
    }

    @Test
    void roundTripsEveryType() {
        assertThat(roundTrip(Serdes.stringSerializer(), Serdes.stringDeserializer(), "héllo ✓")).isEqualTo("héllo ✓");
        assertThat(roundTrip(Serdes.byteArraySerializer(), Serdes.byteArrayDeserializer(), new byte[] {1, 2, 3}))
                .containsExactly(1, 2, 3);
        assertThat(roundTrip(Serdes.integerSerializer(), Serdes.integerDeserializer(), -42)).isEqualTo(-42);
        assertThat(roundTrip(Serdes.longSerializer(), Serdes.longDeserializer(), Long.MIN_VALUE))
                .isEqualTo(Long.MIN_VALUE);
        UUID u = UUID.randomUUID();
        assertThat(roundTrip(Serdes.uuidSerializer(), Serdes.uuidDeserializer(), u)).isEqualTo(u);
        assertThat(roundTrip(Serdes.integerSerializer(), Serdes.integerDeserializer(), null)).isNull();
        assertThat(roundTrip(Serdes.stringSerializer(), Serdes.stringDeserializer(), null)).isEmpty();
    }

    @Test
    void layoutsMatchKafka() {
        ByteBuf b = Serdes.integerSerializer().serialize("t", 0x01020304, alloc);
        assertThat(b.readableBytes()).isEqualTo(4);
        assertThat(b.getByte(0)).isEqualTo((byte) 1);
        b.release();
        ByteBuf l = Serdes.longSerializer().serialize("t", 1L, alloc);
        assertThat(l.readableBytes()).isEqualTo(8);
        assertThat(l.getByte(7)).isEqualTo((byte) 1);
        l.release();
    }

    @Test
    void byteBufIsZeroCopyAndRetained() {
        ByteBuf src = alloc.buffer().writeBytes("abc".getBytes(StandardCharsets.UTF_8));
        ByteBuf out = Serdes.byteBufSerializer().serialize("t", src, alloc);
        assertThat(src.refCnt()).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("abc");
        out.release();
        ByteBuf in = Serdes.byteBufDeserializer().deserialize("t", src);
        assertThat(src.refCnt()).isEqualTo(2);
        in.release();
        src.release();
        assertThat(src.refCnt()).isZero();
    }

    @Test
    void wrongSizesAreTypedErrors() {
        ByteBuf three = Unpooled.wrappedBuffer(new byte[3]);
        assertThatThrownBy(() -> Serdes.integerDeserializer().deserialize("orders", three))
                .isInstanceOf(StreamBusException.class).hasMessageContaining("orders").hasMessageContaining("3 bytes");
        ByteBuf junk = Unpooled.wrappedBuffer("not-a-uuid".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> Serdes.uuidDeserializer().deserialize("t", junk))
                .isInstanceOf(StreamBusException.class).hasMessageContaining("not-a-uuid");
    }

    @Test
    void indexedDeserializeReadsOnlyTheRangeOfHeapAndDirectBuffersWithoutMovingIndexes() {
        byte[] text = "xxhéllo ✓yy".getBytes(StandardCharsets.UTF_8);
        int len = text.length - 4;
        for (ByteBuf b : new ByteBuf[] {Unpooled.wrappedBuffer(text), alloc.directBuffer().writeBytes(text),
                Unpooled.wrappedBuffer(new byte[3], text).slice(3, text.length)}) {
            try {
                assertThat(Serdes.stringDeserializer().deserialize("t", b, 2, len)).isEqualTo("héllo ✓");
                assertThat(Serdes.stringDeserializer().deserialize("t", b, 2, 0)).isEmpty();
                assertThat(Serdes.byteArrayDeserializer().deserialize("t", b, 2, len))
                        .isEqualTo("héllo ✓".getBytes(StandardCharsets.UTF_8));
                assertThat(Serdes.byteArrayDeserializer().deserialize("t", b, 2, 0)).isEmpty();
                int refs = b.refCnt();
                ByteBuf slice = Serdes.byteBufDeserializer().deserialize("t", b, 2, 3);
                assertThat(slice.toString(StandardCharsets.UTF_8)).isEqualTo("hé");
                slice.release(); // the slice was retained: releasing it leaves the caller's reference alone
                assertThat(b.refCnt()).isEqualTo(refs);
                assertThat(b.readerIndex()).isZero();
                assertThat(b.readableBytes()).isEqualTo(text.length);
            } finally {
                b.release();
            }
        }
    }

    @Test
    void indexedDeserializeDefaultsToTheSliceOfALambda() {
        Deserializer<String> lambda = (topic, data) -> topic + ":" + data.toString(StandardCharsets.UTF_8);
        ByteBuf b = Unpooled.copiedBuffer("abcdef", StandardCharsets.UTF_8);
        assertThat(lambda.deserialize("t", b, 1, 3)).isEqualTo("t:bcd");
        assertThat(b.readerIndex()).isZero();
        b.release();
    }

    @Test
    void stringsFromDirectBuffersOfEverySizeDecodeExactly() {
        StringBuilder sb = new StringBuilder();
        // Grows past the per-thread staging array's first size and past its cap; shorter ones after longer ones.
        for (int n : new int[] {1, 255, 256, 257, 5000, 8192, 8193, 20000, 3, 0}) {
            sb.setLength(0);
            for (int i = 0; i < n; i++) {
                sb.append(i % 7 == 0 ? 'é' : (char) ('a' + i % 26));
            }
            String expected = sb.toString();
            byte[] utf8 = expected.getBytes(StandardCharsets.UTF_8);
            ByteBuf b = alloc.directBuffer().writeByte(0).writeBytes(utf8);
            try {
                assertThat(Serdes.stringDeserializer().deserialize("t", b, 1, utf8.length)).isEqualTo(expected);
            } finally {
                b.release();
            }
        }
    }
}
