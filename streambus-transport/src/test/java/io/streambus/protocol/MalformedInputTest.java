package io.streambus.protocol;

import io.streambus.protocol.core.GetOffsetRequest;
import io.streambus.protocol.core.ListTopicsResponse;
import io.streambus.protocol.core.TopicInfo;
import io.streambus.protocol.message.MessageTooLargeException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input of every kind gives a typed exception: no other exception, no OOM, no loop, no leak. */
class MalformedInputTest {
    private final TrackingAllocator alloc = new TrackingAllocator();

    @AfterEach
    void noLeaks() {
        alloc.assertAllReleased();
    }

    static List<VectorCases.Case> cases() {
        return VectorCases.all();
    }

    /** Decodes content (header + payload) as the case's type; returns the error or null on success. */
    private Throwable decode(VectorCases.Case c, ByteBuf content) {
        return catchThrowable(() -> {
            if (c.request()) {
                RequestCodec.decode(content, alloc).close();
            } else {
                ResponseCodec.decode(content, c.type(), c.flags(), alloc).close();
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyTruncationIsATypedError(VectorCases.Case c) {
        byte[] content = ByteBufUtil.getBytes(Vectors.frame(c.name()));
        for (int k = 0; k < content.length; k++) {
            ByteBuf truncated = Unpooled.wrappedBuffer(content, 0, k);
            Throwable t = decode(c, truncated);
            boolean mayPass = (c.type() == ApiKey.API_VERSIONS && c.request() && k >= Frames.REQUEST_HEADER_SIZE)
                    || (c.errorCode() != 0 && k == Frames.RESPONSE_HEADER_SIZE);
            if (!mayPass) {
                assertThat(t).as("%s truncated to %d bytes", c.name(), k).isInstanceOf(ProtocolException.class);
                assertThat(((ProtocolException) t).errorCode()).isIn(ErrorCode.INVALID_REQUEST,
                        ErrorCode.CORRUPT_MESSAGE);
            } else {
                assertThat(t).as("%s truncated to %d bytes", c.name(), k).isNull();
            }
            assertThat(truncated.refCnt()).isEqualTo(1);
            truncated.release();
        }
    }

    @Test
    void truncationErrorNamesFieldAndFrameOffset() {
        // produce-request-1 cut inside msg[0] header[0] value (frame offset 93, "text/plain" needs 10 bytes).
        byte[] content = ByteBufUtil.getBytes(Vectors.frame("produce-request-1"));
        ByteBuf cut = Unpooled.wrappedBuffer(content, 0, 95);
        assertThatThrownBy(() -> RequestCodec.decode(cut, alloc))
                .isInstanceOfSatisfying(MalformedPayloadException.class, e -> {
                    assertThat(e.field()).isEqualTo("header value length");
                    assertThat(e.offset()).isEqualTo(89);
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
                    assertThat(e.requestHeader()).isEqualTo(new RequestHeader(1, 1, 1, 1));
                })
                .hasMessageContaining("header value length at byte 89: length 10 exceeds the 6 bytes left");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.streambus.protocol.Vectors#frameNames")
    void everyFlippedBitIsAChecksumMismatch(String name) {
        byte[] frame = Vectors.bytes(name);
        for (int p = Frames.LENGTH_FIELD_SIZE; p < frame.length; p++) {
            byte[] bad = frame.clone();
            bad[p] ^= (byte) (1 << (p % 8));
            EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(!Vectors.isResponse(name)));
            Throwable t = catchThrowable(() -> ch.writeInbound(Unpooled.wrappedBuffer(bad)));
            if (name.endsWith("badcrc") && p >= frame.length - 4 && bad[p] == Vectors.bytes("produce-request-1")[p]) {
                assertThat(t).isNull(); // flipping the wrong bit back repairs it
                ((ByteBuf) ch.readInbound()).release();
            } else {
                assertThat(t).as("%s bit flipped at %d", name, p).isInstanceOf(ChecksumMismatchException.class);
                assertThat(((ProtocolException) t).closesConnection()).isTrue();
            }
            assertThat(ch.finishAndReleaseAll()).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void lengthsBelowTheMinimumAreRejectedAtOnce(boolean requests) {
        int min = requests ? 16 : 15;
        for (int length = 0; length < min; length++) {
            EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(requests));
            ByteBuf in = Unpooled.buffer().writeInt(length);
            int l = length;
            assertThatThrownBy(() -> ch.writeInbound(in))
                    .isInstanceOfSatisfying(FrameTooSmallException.class, e -> {
                        assertThat(e.closesConnection()).isTrue();
                        assertThat(e.field()).isEqualTo("length");
                    })
                    .hasMessageContaining("frame length " + l + " ");
            // The decoder stays failed and swallows what follows: no loop, no output.
            ch.writeInbound(Vectors.buffer(requests ? "healthcheck-request-1" : "healthcheck-response-1"));
            assertThat(ch.inboundMessages()).isEmpty();
            assertThat(ch.finishAndReleaseAll()).isFalse();
        }
    }

    @Test
    void oversizedLengthsAreRejectedBeforeWaiting() {
        for (long length : new long[] {10_485_761L, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFFL}) {
            EmbeddedChannel ch = new EmbeddedChannel(FrameDecoder.forRequests());
            assertThatThrownBy(() -> ch.writeInbound(Unpooled.buffer().writeInt((int) length)))
                    .isInstanceOf(FrameTooLargeException.class).hasMessageContaining(Long.toString(length));
            assertThat(ch.finishAndReleaseAll()).isFalse();
        }
        // Exactly the limit is legal: the decoder waits for the rest.
        EmbeddedChannel ch = new EmbeddedChannel(FrameDecoder.forRequests());
        assertThat(ch.writeInbound(Unpooled.buffer().writeInt(Frames.MAX_LENGTH).writeZero(100))).isFalse();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void framesFedByteByByteAndSplitAnywhereComeOutWhole() {
        List<String> names = Vectors.frameNames().stream()
                .filter(n -> !Vectors.isResponse(n) && !n.endsWith("badcrc")).toList();
        ByteBuf stream = Unpooled.buffer();
        names.forEach(n -> stream.writeBytes(Vectors.bytes(n)));
        byte[] all = ByteBufUtil.getBytes(stream);
        stream.release();
        Random random = new Random(42);
        for (int round = 0; round < 4; round++) {
            EmbeddedChannel ch = new EmbeddedChannel(FrameDecoder.forRequests());
            for (int i = 0; i < all.length; ) {
                int n = round == 0 ? 1 : 1 + random.nextInt(40 * round);
                n = Math.min(n, all.length - i);
                ch.writeInbound(Unpooled.copiedBuffer(all, i, n));
                i += n;
            }
            for (String name : names) {
                ByteBuf out = ch.readInbound();
                ByteBuf expected = Vectors.frame(name);
                assertThat(ByteBufUtil.equals(out, expected)).as(name).isTrue();
                out.release();
                expected.release();
            }
            assertThat(ch.finish()).isFalse();
        }
    }

    @Test
    void aPartialFrameIsNeverEmitted() {
        byte[] frame = Vectors.bytes("produce-request-1");
        for (int k = 0; k < frame.length; k++) {
            EmbeddedChannel ch = new EmbeddedChannel(FrameDecoder.forRequests());
            assertThat(ch.writeInbound(Unpooled.copiedBuffer(frame, 0, k))).isFalse();
            assertThat(ch.finishAndReleaseAll()).isFalse();
        }
    }

    // ---- counts and lengths larger than what is left ----

    private static ByteBuf requestContent(int type, int flags, byte[] payload) {
        return Unpooled.buffer().writeLong(77).writeByte(type).writeByte(1).writeShort(flags).writeBytes(payload);
    }

    private static byte[] payload(Object... fields) {
        ByteBuffer b = ByteBuffer.allocate(1024);
        for (Object f : fields) {
            if (f instanceof String s) {
                byte[] u = s.getBytes(StandardCharsets.UTF_8);
                b.putInt(u.length).put(u);
            } else if (f instanceof Integer i) {
                b.putInt(i);
            } else if (f instanceof Long l) {
                b.putLong(l);
            } else if (f instanceof byte[] raw) {
                b.put(raw);
            }
        }
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    private void assertMalformed(ByteBuf content, String field, int offset, String message) {
        try {
            assertThatThrownBy(() -> RequestCodec.decode(content, alloc))
                    .isInstanceOfSatisfying(MalformedPayloadException.class, e -> {
                        assertThat(e.field()).isEqualTo(field);
                        assertThat(e.offset()).isEqualTo(offset);
                        assertThat(e.errorCode()).isEqualTo(2);
                        assertThat(e.requestHeader().requestId()).isEqualTo(77);
                    })
                    .hasMessageContaining(message);
        } finally {
            content.release();
        }
    }

    @Test
    void countsLargerThanTheBytesLeftAreMalformed() {
        // Produce: message count 2 but room for none. Payload starts at frame offset 16.
        assertMalformed(requestContent(1, 0, payload("orders", 0, 2, new byte[40])), "message count", 30,
                "count 2 cannot fit in the 40 bytes left");
        // Huge counts.
        assertMalformed(requestContent(1, 0, payload("orders", 0, 0x7FFFFFFF)), "message count", 30,
                "count 2147483647 cannot fit");
        assertMalformed(requestContent(0x13, 0, payload(1_000_000)), "group ids", 16, "cannot fit");
        // Header count.
        assertMalformed(requestContent(1, 0, payload("orders", 0, 1, 0L, 0L, 0, 0, 5)), "message header count",
                58, "count 5 cannot fit in the 0 bytes left");
        // TopicPartitions: topic count and partition count.
        assertMalformed(requestContent(0x0D, 0, payload("g", 3, "orders", 1, 0)), "partitions topic count", 21,
                "count 3 cannot fit");
        assertMalformed(requestContent(0x0D, 0, payload("g", 1, "orders", 2, 0)), "partitions partition count",
                35, "count 2 cannot fit in the 4 bytes left");
        // Lengths.
        assertMalformed(requestContent(5, 0, payload(7, "ab")), "topic", 16, "length 7 exceeds the 6 bytes left");
        assertMalformed(requestContent(0x21, 0, payload(100)), "auth bytes", 16, "length 100 exceeds");
    }

    @Test
    void negativeCountsAndLengthsAreMalformed() {
        for (int bad : new int[] {-1, Integer.MIN_VALUE, 0x80000001}) {
            assertMalformed(requestContent(1, 0, payload("orders", 0, bad)), "message count", 30, "2^31 or more");
            assertMalformed(requestContent(1, 0, payload("orders", bad, 1)), "partition", 26, "2^31 or more");
            assertMalformed(requestContent(5, 0, payload(bad)), "topic", 16, "2^31 or more");
            assertMalformed(requestContent(0x14, 0, payload("", bad)), "states", 20, "2^31 or more");
            assertMalformed(requestContent(1, 0, payload("orders", 0, 1, 0L, 0L, bad, new byte[16])), "message key length", 50,
                    "2^31 or more");
        }
    }

    @Test
    void responseCountsAreCheckedToo() {
        ByteBuf content = Unpooled.buffer().writeLong(5).writeByte(0).writeShort(0).writeInt(1000).writeZero(20);
        assertThatThrownBy(() -> ResponseCodec.decode(content, ApiKey.LIST_TOPICS, 0, alloc))
                .isInstanceOfSatisfying(MalformedPayloadException.class, e -> assertThat(e.offset()).isEqualTo(15))
                .hasMessageContaining("count 1000 cannot fit in the 20 bytes left");
        content.release();
    }

    @Test
    void invalidUtf8InATopicNameIsMalformed() {
        byte[] name = {'a', (byte) 0xC3, (byte) 0x28};
        assertMalformed(requestContent(3, 0, payload(3, name, 0)), "topic", 20, "not valid UTF-8");
        // Valid non-ASCII UTF-8 decodes (the broker then rejects the name with TopicNames).
        ByteBuf ok = requestContent(3, 0, payload("caf\u00e9", 0));
        try (DecodedRequest d = RequestCodec.decode(ok, alloc)) {
            assertThat(((GetOffsetRequest) d.body()).topic()).isEqualTo("caf\u00e9");
        }
        ok.release();
    }

    @Test
    void duplicatesInTopicPartitionsAreMalformed() {
        assertMalformed(requestContent(0x0D, 0, payload("g", 2, "a", 0, "a", 0)), "partitions topic", 34,
                "topic 'a' appears twice");
        assertMalformed(requestContent(0x0D, 0, payload("g", 1, "a", 3, 1, 2, 1)), "partitions partition", 42,
                "partition 1 of topic 'a' appears twice");
    }

    @Test
    void aProduceWithoutMessagesIsMalformed() {
        ByteBuf content = requestContent(1, 0, payload("orders", 0, 0));
        assertThatThrownBy(() -> RequestCodec.decode(content, alloc))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("at least one message");
        content.release();
    }

    @Test
    void unknownTypesCarryTheHeader() {
        for (int type : new int[] {0x00, 0x1D, 0x1F, 0x23, 0xFF}) {
            ByteBuf content = requestContent(type, 0x8000, new byte[0]);
            assertThatThrownBy(() -> RequestCodec.decode(content, alloc))
                    .isInstanceOfSatisfying(UnknownRequestTypeException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(1);
                        assertThat(e.closesConnection()).isFalse();
                        assertThat(e.requestHeader()).isEqualTo(new RequestHeader(77, type, 1, 0x8000));
                    });
            content.release();
        }
    }

    @Test
    void extensionFlagsOnlyWhereDefined() {
        // 0x0002 on GetOffset, 0x0040 on Produce, 0x0020 on Fetch, 0x0002 and 0x0004 on a Part B type.
        int[][] bad = {{3, 0x0002}, {1, 0x0040}, {2, 0x0020}, {0x0A, 0x0002}, {0x0A, 0x0004}, {0x20, 0x8000}};
        for (int[] b : bad) {
            ByteBuf content = requestContent(b[0], b[1], new byte[64]);
            assertThatThrownBy(() -> RequestCodec.decode(content, alloc))
                    .isInstanceOfSatisfying(MalformedPayloadException.class, e -> {
                        assertThat(e.field()).isEqualTo("flags");
                        assertThat(e.requestHeader().flags()).isEqualTo(b[1]);
                    });
            content.release();
        }
        // Reserved core bits are ignored as by the reference; RequireAck is fine on Part B; ApiVersions takes all.
        int[][] good = {{3, 0x0008}, {0x0A, 0x0001}, {0x22, 0xFFFF}};
        for (int[] g : good) {
            ByteBuf content = requestContent(g[0], g[1], payload("g", 1, "m"));
            try (DecodedRequest d = RequestCodec.decode(content, alloc)) {
                assertThat(d.header().flags()).isEqualTo(g[1]);
            }
            content.release();
        }
    }

    @Test
    void apiVersionsNeverFails() {
        for (byte[] p : List.of(new byte[0], new byte[] {0, 0}, payload(99), payload("streambus-java", 50))) {
            ByteBuf content = requestContent(0x22, 7, p).setByte(9, 7);
            try (DecodedRequest d = RequestCodec.decode(content, alloc)) {
                assertThat(d.body()).isInstanceOf(ApiVersionsRequest.class);
                assertThat(d.header().version()).isEqualTo(7);
            }
            content.release();
        }
    }

    @Test
    void randomMutationsNeverEscapeAsOtherExceptions() {
        Random random = new Random(7);
        List<VectorCases.Case> cases = cases();
        int typed = 0;
        for (int i = 0; i < 10_000; i++) {
            VectorCases.Case c = cases.get(random.nextInt(cases.size()));
            byte[] content = ByteBufUtil.getBytes(Vectors.frame(c.name()));
            int mutations = 1 + random.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                int p = random.nextInt(content.length);
                // Favour length/count bytes: big-endian high bytes and near-0xFF values.
                content[p] = (byte) (random.nextBoolean() ? random.nextInt(256) : 0xFF - random.nextInt(3));
            }
            ByteBuf buf = Unpooled.wrappedBuffer(content);
            Throwable t = decode(c, buf);
            if (t != null) {
                assertThat(t).as("%s mutated: %s", c.name(), ByteBufUtil.hexDump(content))
                        .isInstanceOf(ProtocolException.class);
                typed++;
            }
            assertThat(buf.refCnt()).isEqualTo(1);
            buf.release();
        }
        assertThat(typed).isGreaterThan(500);
    }

    @Test
    void malformedErrorPayloadIsMalformed() {
        ByteBuf content = Unpooled.buffer().writeLong(1).writeByte(2).writeShort(7).writeInt(50).writeZero(3);
        assertThatThrownBy(() -> ResponseCodec.decode(content, ApiKey.PRODUCE, 0, alloc))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("error message");
        content.release();
        ByteBuf partial = Unpooled.buffer().writeLong(1).writeByte(2).writeShort(7);
        try (DecodedResponse d = ResponseCodec.decode(partial, ApiKey.PRODUCE, 0, alloc)) {
            assertThat(d.isError()).isTrue();
            assertThat(d.errorMessage()).isEmpty();
            assertThat(d.errorCode()).isEqualTo(7);
        }
        partial.release();
    }

    @Test
    void encodersRefuseFramesOverTheLimit() {
        List<TopicInfo> topics = new ArrayList<>();
        String name = "x".repeat(249);
        for (int i = 0; i < 10_485_760 / 257 + 1; i++) {
            topics.add(new TopicInfo(name, 1));
        }
        assertThatThrownBy(() -> ResponseCodec.encodeSuccess(alloc, 1, new ListTopicsResponse(topics), 0))
                .isInstanceOf(MessageTooLargeException.class).hasMessageContaining("10485760");
    }
}
