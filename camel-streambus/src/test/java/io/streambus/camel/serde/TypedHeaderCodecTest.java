package io.streambus.camel.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.streambus.camel.StreamBusConstants;
import io.streambus.common.Header;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TypedHeaderCodecTest {
    private static CamelContext context;

    @BeforeAll
    static void start() {
        context = new DefaultCamelContext();
        context.start();
    }

    @AfterAll
    static void stop() {
        context.stop();
    }

    private static Exchange exchange() {
        return new DefaultExchange(context);
    }

    @Test
    void everySupportedTypeKeepsItsTypeAndValue() {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("s", "text é€");
        in.put("i", Integer.MIN_VALUE);
        in.put("l", Long.MAX_VALUE);
        in.put("h", (short) -7);
        in.put("y", (byte) 127);
        in.put("d", 0.1 + 0.2);
        in.put("dn", Double.NaN);
        in.put("f", -1.5e-30f);
        in.put("z", true);
        in.put("z2", false);
        in.put("c", 'x');
        in.put("b", new byte[] {0, (byte) 0xff, 10});
        in.put("n", null);
        in.put("empty", "");
        TypedHeaderCodec codec = new TypedHeaderCodec();
        List<Header> wire = codec.serialize(in, exchange());
        assertThat(wire).hasSize(in.size() + 1);
        assertThat(wire.get(wire.size() - 1).key()).isEqualTo(StreamBusConstants.WIRE_TYPES_HEADER);

        Map<String, Object> out = codec.deserialize(wire);
        assertThat(out.keySet()).containsExactlyElementsOf(in.keySet());
        in.forEach((k, v) -> {
            if (v instanceof byte[] b) {
                assertThat((byte[]) out.get(k)).isEqualTo(b);
            } else if (v == null) {
                assertThat(out.get(k)).isNull();
            } else {
                assertThat(out.get(k)).isInstanceOf(v.getClass()).isEqualTo(v);
            }
        });
    }

    @Test
    void valuesAreReadableTextForOtherClients() {
        List<Header> wire = new TypedHeaderCodec().serialize(Map.of("amount", 42L), exchange());
        assertThat(wire.get(0)).isEqualTo(Header.of("amount", "42"));
        assertThat(wire.get(1)).isEqualTo(Header.of(StreamBusConstants.WIRE_TYPES_HEADER, "amount=L"));
    }

    @Test
    void namesWithSeparatorsAreEscaped() {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("a,b", 1);
        in.put("x=y", 2L);
        in.put("100%", true);
        in.put("%2C", "lit");
        TypedHeaderCodec codec = new TypedHeaderCodec();
        List<Header> wire = codec.serialize(in, exchange());
        assertThat(wire.get(wire.size() - 1).valueAsString()).isEqualTo("a%2Cb=I,x%3Dy=L,100%25=Z,%252C=S");
        assertThat(codec.deserialize(wire)).isEqualTo(in);
    }

    @Test
    void buffersTravelAsBytes() {
        ByteBuf buf = Unpooled.copiedBuffer("buf", StandardCharsets.UTF_8);
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("nio", ByteBuffer.wrap(new byte[] {1, 2}));
        in.put("netty", buf);
        TypedHeaderCodec codec = new TypedHeaderCodec();
        Map<String, Object> out = codec.deserialize(codec.serialize(in, exchange()));
        assertThat((byte[]) out.get("nio")).containsExactly(1, 2);
        assertThat((byte[]) out.get("netty")).isEqualTo("buf".getBytes(StandardCharsets.UTF_8));
        assertThat(buf.refCnt()).isEqualTo(1);
        assertThat(buf.readableBytes()).isEqualTo(3);
        buf.release();
    }

    @Test
    void unsupportedTypesAreConvertedToStringByDefault() {
        UUID id = UUID.randomUUID();
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("price", new BigDecimal("12.50"));
        in.put("id", id);
        TypedHeaderCodec codec = new TypedHeaderCodec();
        Map<String, Object> out = codec.deserialize(codec.serialize(in, exchange()));
        assertThat(out).containsEntry("price", "12.50").containsEntry("id", id.toString());
    }

    @Test
    void unsupportedTypesFailWhenConfigured() {
        TypedHeaderCodec codec = new TypedHeaderCodec(UnsupportedHeaderPolicy.FAIL, false);
        assertThatThrownBy(() -> codec.serialize(Map.of("price", new BigDecimal("1")), exchange()))
                .isInstanceOf(StreamBusHeaderException.class)
                .hasMessageContaining("'price'")
                .hasMessageContaining("java.math.BigDecimal");
    }

    @Test
    void valuesWithoutConversionFailEvenWhenConverting() {
        Object noString = new Object() {
            @Override
            public String toString() {
                return null;
            }
        };
        TypedHeaderCodec codec = new TypedHeaderCodec();
        assertThatThrownBy(() -> codec.serialize(Map.of("odd", noString), exchange()))
                .isInstanceOf(StreamBusHeaderException.class).hasMessageContaining("'odd'");
    }

    @Test
    void reservedNameIsRefused() {
        assertThatThrownBy(() -> new TypedHeaderCodec().serialize(
                Map.of(StreamBusConstants.WIRE_TYPES_HEADER, "x"), exchange()))
                .isInstanceOf(StreamBusHeaderException.class).hasMessageContaining("reserved");
    }

    @Test
    void headersOfOtherClientsAreStringsOrBytes() {
        byte[] notUtf8 = {(byte) 0xc3, (byte) 0x28};
        List<Header> wire = List.of(Header.of("plain", "v"), new Header("bin", notUtf8));
        Map<String, Object> asText = new TypedHeaderCodec().deserialize(wire);
        assertThat(asText.get("plain")).isEqualTo("v");
        assertThat((byte[]) asText.get("bin")).isEqualTo(notUtf8);

        Map<String, Object> asBytes = new TypedHeaderCodec(UnsupportedHeaderPolicy.CONVERT_TO_STRING, true)
                .deserialize(wire);
        assertThat((byte[]) asBytes.get("plain")).isEqualTo("v".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void badTypedValuesAreTypedErrorsNamingTheHeader() {
        TypedHeaderCodec codec = new TypedHeaderCodec();
        assertThatThrownBy(() -> codec.deserialize(List.of(Header.of("n", "abc"),
                Header.of(StreamBusConstants.WIRE_TYPES_HEADER, "n=I"))))
                .isInstanceOf(StreamBusHeaderException.class).hasMessageContaining("'n'").hasMessageContaining("abc");
        assertThatThrownBy(() -> codec.deserialize(List.of(Header.of("z", "yes"),
                Header.of(StreamBusConstants.WIRE_TYPES_HEADER, "z=Z"))))
                .isInstanceOf(StreamBusHeaderException.class).hasMessageContaining("'z'");
        assertThatThrownBy(() -> codec.deserialize(List.of(Header.of("q", "1"),
                Header.of(StreamBusConstants.WIRE_TYPES_HEADER, "q=Q"))))
                .isInstanceOf(StreamBusHeaderException.class).hasMessageContaining("unknown type tag");
        assertThatThrownBy(() -> codec.deserialize(List.of(Header.of("c", "ab"),
                Header.of(StreamBusConstants.WIRE_TYPES_HEADER, "c=C"))))
                .isInstanceOf(StreamBusHeaderException.class).hasMessageContaining("'c'");
    }

    @Test
    void malformedTypeListIsATypedError() {
        for (String bad : List.of("noequals", "a=LONG", "=I", "a=I,,b=L", "a%2=I", "a%ZZ=I")) {
            assertThatThrownBy(() -> new TypedHeaderCodec().deserialize(List.of(Header.of("a", "1"),
                    Header.of(StreamBusConstants.WIRE_TYPES_HEADER, bad))))
                    .as(bad)
                    .isInstanceOf(StreamBusHeaderException.class)
                    .hasMessageContaining(StreamBusConstants.WIRE_TYPES_HEADER);
        }
    }

    @Test
    void noHeadersNoTypeHeader() {
        assertThat(new TypedHeaderCodec().serialize(Map.of(), exchange())).isEmpty();
        assertThat(new TypedHeaderCodec().deserialize(List.of())).isEmpty();
    }
}
