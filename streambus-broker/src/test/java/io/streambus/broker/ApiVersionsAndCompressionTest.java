package io.streambus.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.broker.testing.TestClient.Fetched;
import io.streambus.broker.testing.TestClient.Msg;
import io.streambus.broker.testing.TestClient.Response;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ApiVersion;
import io.streambus.protocol.ApiVersionsRequest;
import io.streambus.protocol.ApiVersionsResponse;
import io.streambus.protocol.message.CompressionCodec;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.core.FetchRequest;
import io.streambus.protocol.Frames;
import io.streambus.protocol.core.HealthCheckRequest;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.common.Header;
import io.streambus.protocol.core.ProduceRequest;
import io.streambus.protocol.core.ProduceResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** ApiVersions (B.4) and compressed Produce/Fetch (B.11) over a real socket. */
@ExtendWith(LeakCheck.class)
class ApiVersionsAndCompressionTest {
    private static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() throws IOException {
        broker = EmbeddedBroker.builder().temporary().build();
        broker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void apiVersionsListsExactlyWhatIsServed() throws IOException {
        try (TestClient c = TestClient.connect(broker.port())) {
            ApiVersionsResponse v = c.send(new ApiVersionsRequest("test", "1")).body(ApiVersionsResponse.class);
            assertThat(v.apis()).extracting(ApiVersion::type)
                    .containsExactly(0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, // Part A
                            0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D,                  // groups and offsets
                            0x0E, 0x0F, 0x10, 0x11, 0x12,                        // transactions
                            0x13, 0x14,                                          // DeleteGroups, ListGroups
                            0x15, 0x16, 0x17, 0x18,                              // share groups
                            0x19, 0x1A, 0x1B, 0x1C,                              // two-phase commit
                            0x22);                                               // no SASL here
            assertThat(v.apis()).allSatisfy(a -> assertThat(a.servesVersion1()).isTrue());
            assertThat(v.featureBits()).isEqualTo(ApiVersionsResponse.FEATURE_PRESERVES_HEADERS_AND_TIMESTAMPS
                    | ApiVersionsResponse.FEATURE_COMPRESSION | ApiVersionsResponse.FEATURE_IDEMPOTENT_PRODUCE
                    | ApiVersionsResponse.FEATURE_TXN_DATA_PATH | ApiVersionsResponse.FEATURE_TWO_PHASE_COMMIT
                    | ApiVersionsResponse.FEATURE_SHARE_GROUPS | ApiVersionsResponse.FEATURE_TXN_SHARE_ACKS);
            assertThat(v.brokerSoftware()).startsWith("streambus-java-broker/");
            // Every type not listed really is refused with code 1.
            for (ApiKey k : ApiKey.values()) {
                if (!v.serves(k)) {
                    c.sendRaw(k.code(), 1, 0, new byte[0], ApiKey.HEALTH_CHECK);
                    assertThat(c.receive().errorCode()).as(k.name()).isEqualTo(ErrorCode.UNKNOWN_REQUEST);
                }
            }
        }
    }

    @Test
    void apiVersionsIsAnsweredWhateverVersionFlagsAndPayload() throws IOException {
        try (TestClient c = TestClient.connect(broker.port())) {
            byte[][] payloads = {new byte[0], {0, 0}, {0, 0, 0, 9, 'a'}, {0, 0, 0, 0, 0, 0, 0, 1}};
            for (int version : new int[] {0, 1, 2, 255}) {
                for (int flags : new int[] {0, 0x0001, 0x0002, 0xFFFF}) {
                    for (byte[] payload : payloads) {
                        c.sendRaw(0x22, version, flags, payload, ApiKey.API_VERSIONS);
                        Response r = c.receive();
                        assertThat(r.isError()).isFalse();
                        assertThat(r.body(ApiVersionsResponse.class).serves(ApiKey.PRODUCE)).isTrue();
                    }
                }
            }
            assertThat(c.send(new HealthCheckRequest()).isError()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodec.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void compressedProduceAndFetchRoundTrip(CompressionCodec codec) throws IOException {
        String topic = "compressed-" + codec.name().toLowerCase();
        List<Msg> msgs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            msgs.add(new Msg(1_000L + i, ("key-" + i).getBytes(StandardCharsets.UTF_8),
                    ("a fairly compressible value number " + i + " ".repeat(40)).getBytes(StandardCharsets.UTF_8),
                    List.of(Header.of("i", Integer.toString(i)))));
        }
        try (TestClient c = TestClient.connect(broker.port())) {
            ProduceResponse p = c.send(new ProduceRequest(topic, 0, TestClient.block(msgs), codec, null))
                    .body(ProduceResponse.class);
            assertThat(p.baseOffset()).isZero();
            assertThat(p.messageCount()).isEqualTo(50);

            Response plain = c.send(new FetchRequest(topic, 0, 0, 1 << 20));
            Response compressed = c.send(new FetchRequest(topic, 0, 0, 1 << 20, codec, false));
            for (Response f : List.of(plain, compressed)) {
                assertThat(f.fetched()).hasSize(50);
                for (int i = 0; i < 50; i++) {
                    Fetched m = f.fetched().get(i);
                    assertThat(m.offset()).isEqualTo(i);
                    assertThat(m.timestampNanos()).isEqualTo(1_000L + i);
                    assertThat(m.key()).isEqualTo(msgs.get(i).key());
                    assertThat(m.value()).isEqualTo(msgs.get(i).value());
                    assertThat(m.headers()).isEqualTo(msgs.get(i).headers());
                }
            }
            assertThat(compressed.fetchCodec()).isEqualTo(codec.id());
            assertThat(compressed.frameSize()).isLessThan(plain.frameSize());

            // No messages: codec 0.
            Response empty = c.send(new FetchRequest(topic, 0, 50, 1 << 20, codec, false));
            assertThat(empty.fetched()).isEmpty();
            assertThat(empty.fetchCodec()).isZero();
            assertThat(empty.fetchHighWaterMark()).isEqualTo(50);
        }
    }

    @Test
    void fetchSendsCodec0WhenCompressionDoesNotShrink() throws IOException {
        byte[] noise = new byte[4096];
        new Random(42).nextBytes(noise);
        try (TestClient c = TestClient.connect(broker.port())) {
            c.send(new ProduceRequest("noise", 0, TestClient.block(List.of(new Msg(0, new byte[0], noise, List.of())))))
                    .body(ProduceResponse.class);
            Response f = c.send(new FetchRequest("noise", 0, 0, 1 << 20, CompressionCodec.GZIP, false));
            assertThat(f.fetchCodec()).isZero();
            assertThat(f.fetched()).singleElement().satisfies(m -> assertThat(m.value()).isEqualTo(noise));
        }
    }

    @Test
    void compressedProduceChecksInOrder() throws IOException {
        byte[] block = blockBytes(List.of(Msg.of("k", "v")));
        byte[] gz = compress(CompressionCodec.GZIP, block);
        try (TestClient c = TestClient.connect(broker.port())) {
            // 1. codec not 1..4
            assertThat(produceRaw(c, 0, block.length, block)).isEqualTo(ErrorCode.CORRUPT_MESSAGE);
            assertThat(produceRaw(c, 5, block.length, gz)).isEqualTo(ErrorCode.CORRUPT_MESSAGE);
            // 2. uncompressed size above 64 MiB, without decompressing
            assertThat(produceRaw(c, 1, 64 * 1024 * 1024 + 1, gz)).isEqualTo(ErrorCode.CORRUPT_MESSAGE);
            // 3. does not decompress / wrong size
            assertThat(produceRaw(c, 1, block.length, new byte[] {1, 2, 3, 4})).isEqualTo(ErrorCode.CORRUPT_MESSAGE);
            assertThat(produceRaw(c, 1, block.length + 1, gz)).isEqualTo(ErrorCode.CORRUPT_MESSAGE);
            assertThat(produceRaw(c, 1, block.length - 1, gz)).isEqualTo(ErrorCode.CORRUPT_MESSAGE);
            // 4. not exactly one message block
            byte[] trailing = java.util.Arrays.copyOf(block, block.length + 1);
            assertThat(produceRaw(c, 3, trailing.length, compress(CompressionCodec.LZ4, trailing)))
                    .isEqualTo(ErrorCode.CORRUPT_MESSAGE);
            // 5. zero messages
            byte[] none = {0, 0, 0, 0};
            assertThat(produceRaw(c, 4, 4, compress(CompressionCodec.ZSTD, none))).isEqualTo(ErrorCode.INVALID_REQUEST);
            // 6. a message too large to be fetched alone
            byte[] huge = blockBytes(List.of(new Msg(0, new byte[0], new byte[Frames.MAX_MESSAGE_SIZE], List.of())));
            assertThat(produceRaw(c, 2, huge.length, compress(CompressionCodec.SNAPPY, huge)))
                    .isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
            // Nothing was appended; a good compressed Produce still works on the same connection.
            assertThat(produceRaw(c, 1, block.length, gz)).isZero();
            Response f = c.send(new FetchRequest("raw-compressed", 0, 0, 1 << 20));
            assertThat(f.fetched()).extracting(Fetched::offset).containsExactly(0L);
        }
    }

    @Test
    void fetchWithBadCodecTrailerIsCode2() throws IOException {
        try (TestClient c = TestClient.connect(broker.port())) {
            for (int codec : new int[] {0, 5, 255}) {
                ByteBuf b = Unpooled.buffer();
                b.writeInt(1).writeByte('f').writeInt(0).writeLong(0).writeInt(100).writeByte(codec);
                c.sendRaw(ApiKey.FETCH.code(), 1, Frames.FLAG_COMPRESSED, bytes(b), ApiKey.FETCH);
                assertThat(c.receive().errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
            }
            // Missing trailer: malformed too.
            ByteBuf b = Unpooled.buffer();
            b.writeInt(1).writeByte('f').writeInt(0).writeLong(0).writeInt(100);
            c.sendRaw(ApiKey.FETCH.code(), 1, Frames.FLAG_COMPRESSED, bytes(b), ApiKey.FETCH);
            assertThat(c.receive().errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        }
    }

    private static int produceRaw(TestClient c, int codec, long uncompressedSize, byte[] data) throws IOException {
        ByteBuf b = Unpooled.buffer();
        byte[] t = "raw-compressed".getBytes(StandardCharsets.US_ASCII);
        b.writeInt(t.length).writeBytes(t).writeInt(0).writeByte(codec).writeInt((int) uncompressedSize)
                .writeInt(data.length).writeBytes(data);
        c.sendRaw(ApiKey.PRODUCE.code(), 1, Frames.FLAG_COMPRESSED, bytes(b), ApiKey.PRODUCE);
        return c.receive().errorCode();
    }

    private static byte[] blockBytes(List<Msg> msgs) {
        MessageBlock block = TestClient.block(msgs);
        try {
            return bytes(block.buffer().duplicate());
        } finally {
            block.release();
        }
    }

    private static byte[] compress(CompressionCodec codec, byte[] data) {
        ByteBuf out = codec.compress(Unpooled.wrappedBuffer(data), UnpooledByteBufAllocator.DEFAULT);
        try {
            return bytes(out.duplicate());
        } finally {
            out.release();
        }
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }
}
