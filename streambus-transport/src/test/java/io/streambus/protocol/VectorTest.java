package io.streambus.protocol;

import io.streambus.common.Header;
import io.streambus.protocol.core.FetchResponse;
import io.streambus.protocol.core.ListTopicsResponse;
import io.streambus.protocol.core.ProduceRequest;
import io.streambus.protocol.core.ProducerSequence;
import io.streambus.protocol.core.TopicInfo;
import io.streambus.protocol.message.Message;
import io.streambus.protocol.txn.AddPartitionsToTxnRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every golden frame: encoders reproduce it byte for byte, decoders decode it to the listed values. */
class VectorTest {
    /** Offset of the compressed block's length field in ext-produce-compressed-request-1. */
    private static final int GZIP_BLOCK_LENGTH_AT = 35;

    private final TrackingAllocator alloc = new TrackingAllocator();

    @AfterEach
    void noLeaks() {
        alloc.assertAllReleased();
    }

    static List<VectorCases.Case> cases() {
        return VectorCases.all();
    }

    @Test
    void everyFrameVectorHasACase() {
        Set<String> covered = cases().stream().map(VectorCases.Case::name).collect(Collectors.toSet());
        assertThat(Vectors.frameNames()).hasSize(106)
                .filteredOn(n -> !covered.contains(n))
                .containsExactlyInAnyOrder("produce-request-1-swapped-headers", "produce-request-1-badcrc");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void encoderReproducesTheVector(VectorCases.Case c) {
        Object body = c.body().apply(alloc);
        ByteBuf frame;
        if (c.request()) {
            frame = RequestCodec.encode(alloc, c.requestId(), c.flags(), (RequestBody) body);
        } else if (body instanceof ErrorResponse e) {
            frame = ResponseCodec.encodeError(alloc, c.requestId(), c.errorCode(), e.message());
        } else {
            frame = ResponseCodec.encodeSuccess(alloc, c.requestId(), (ResponseBody) body, c.flags());
        }
        try {
            byte[] expected = Vectors.bytes(c.name());
            byte[] actual = ByteBufUtil.getBytes(frame);
            if (c.name().startsWith("ext-produce-compressed-")) {
                // B.11: only the bytes outside the compressed block, its length, the frame length and the CRC.
                assertThat(Arrays.copyOfRange(actual, 4, GZIP_BLOCK_LENGTH_AT))
                        .isEqualTo(Arrays.copyOfRange(expected, 4, GZIP_BLOCK_LENGTH_AT));
                // B.12.3: the sequence trailer after the block, if any.
                int trailer = c.flags() & Frames.FLAG_SEQUENCED;
                int tail = trailer != 0 ? ProducerSequence.SIZE : 0;
                assertThat(Arrays.copyOfRange(actual, actual.length - 4 - tail, actual.length - 4))
                        .isEqualTo(Arrays.copyOfRange(expected, expected.length - 4 - tail, expected.length - 4));
                try (DecodedRequest d = RequestCodec.decode(frame.slice(4, frame.readableBytes() - 8))) {
                    assertThat(VectorCases.comparable(d.body())).isEqualTo(VectorCases.comparable(body));
                }
            } else {
                assertThat(ByteBufUtil.hexDump(actual)).isEqualTo(ByteBufUtil.hexDump(expected));
            }
        } finally {
            frame.release();
            VectorCases.release(body);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decoderReadsTheListedValues(VectorCases.Case c) {
        ByteBuf frame = Vectors.frame(c.name());
        Object expected = c.body().apply(alloc);
        try {
            if (c.request()) {
                assertThat(RequestCodec.decodeHeader(frame))
                        .isEqualTo(new RequestHeader(c.requestId(), c.type().code(), 1, c.flags()));
                try (DecodedRequest d = RequestCodec.decode(frame, alloc)) {
                    assertThat(d.header().apiKey()).isEqualTo(c.type());
                    assertThat(VectorCases.comparable(d.body())).isEqualTo(VectorCases.comparable(expected));
                }
            } else {
                try (DecodedResponse d = ResponseCodec.decode(frame, c.type(), c.flags(), alloc)) {
                    assertThat(d.header()).isEqualTo(new ResponseHeader(c.requestId(),
                            c.errorCode() == 0 ? 0 : 1, c.errorCode()));
                    assertThat(d.isError()).isEqualTo(c.errorCode() != 0);
                    assertThat(VectorCases.comparable(d.body())).isEqualTo(VectorCases.comparable(expected));
                }
            }
            assertThat(frame.refCnt()).as("decoded slices released with the body").isEqualTo(1);
        } finally {
            frame.release();
            VectorCases.release(expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.streambus.protocol.Vectors#frameNames")
    void frameDecoderEmitsHeaderAndPayload(String name) {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(!Vectors.isResponse(name)));
        if (name.endsWith("-badcrc")) {
            assertThatThrownBy(() -> ch.writeInbound(Vectors.buffer(name)))
                    .isInstanceOf(ChecksumMismatchException.class)
                    .hasMessageContaining("0xe01fed57").hasMessageContaining("0xe01fed56");
            assertThat(ch.finishAndReleaseAll()).isFalse();
            return;
        }
        assertThat(ch.writeInbound(Vectors.buffer(name))).isTrue();
        ByteBuf out = ch.readInbound();
        ByteBuf expected = Vectors.frame(name);
        try {
            assertThat(ByteBufUtil.equals(out, expected)).isTrue();
        } finally {
            out.release();
            expected.release();
        }
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void encoderSortsTopicPartitions() {
        AddPartitionsToTxnRequest unsorted = new AddPartitionsToTxnRequest("txn-billing-1", 1001, (short) 0,
                TopicPartitions.of(java.util.Map.of("payments", List.of(2, 0), "orders", List.of(0))));
        ByteBuf frame = RequestCodec.encode(alloc, 109, 0, unsorted);
        try {
            assertThat(ByteBufUtil.getBytes(frame)).isEqualTo(Vectors.bytes("ext-addpartitionstotxn-request-1"));
        } finally {
            frame.release();
        }
    }

    @Test
    void frameSizeHelpersMatchTheVectors() {
        assertThat(ProduceRequest.frameSize("orders", 128, false)).isEqualTo(162);
        assertThat(ProduceRequest.frameSize("orders", 4 + 28 + 2, true)).isEqualTo(78);
        assertThat(ProduceRequest.frameSize("orders", 4 + 2 * (28 + 8 + 7), false, true)).isEqualTo(138);
        assertThat(ProduceRequest.frameSize("payments", 4 + 28 + 5 + 5, true, true)).isEqualTo(102);
        assertThat(FetchResponse.frameSize(4 + 39 + 33, 0)).isEqualTo(103);
        assertThat(FetchResponse.frameSize(68, 0x0002)).isEqualTo(104);
        assertThat(FetchResponse.frameSize(4 + 30, 0x0040)).isEqualTo(69);
    }

    @Test
    void swappedHeadersDecodeInWireOrder() {
        ByteBuf frame = Vectors.frame("produce-request-1-swapped-headers");
        try (DecodedRequest d = RequestCodec.decode(frame, alloc)) {
            List<Msg> msgs = Msg.read(((ProduceRequest) d.body()).messages());
            assertThat(msgs.get(0).headers()).containsExactly(Header.of("trace-id", "abc123"),
                    Header.of("content-type", "text/plain"));
            assertThat(msgs.get(1)).isEqualTo(VectorCases.PRODUCE_1.get(1));
        } finally {
            frame.release();
        }
    }

    @Test
    void listTopicsInTheOtherOrderDecodesToTheSameTopics() {
        byte[] b = Vectors.bytes("listtopics-response-1");
        // Swap the two 14-byte entries (name length 4 + name 6 + partition count 4) after the topic count.
        byte[] swapped = b.clone();
        System.arraycopy(b, 19, swapped, 33, 14);
        System.arraycopy(b, 33, swapped, 19, 14);
        ByteBuf frame = Unpooled.wrappedBuffer(swapped, 4, swapped.length - 8);
        try (DecodedResponse d = ResponseCodec.decode(frame, ApiKey.LIST_TOPICS, 0, alloc)) {
            assertThat(d.body(ListTopicsResponse.class).topics())
                    .containsExactlyInAnyOrder(new TopicInfo("orders", 1), new TopicInfo("events", 3));
        } finally {
            frame.release();
        }
    }

    @Test
    void referenceTimestampMeansNoTimestamp() {
        ByteBuf frame = Vectors.frame("fetch-response-1");
        try (DecodedResponse d = ResponseCodec.decode(frame, ApiKey.FETCH, 0, alloc)) {
            List<Message> msgs = d.body(FetchResponse.class).messages().toMessages();
            assertThat(msgs).hasSize(2).noneMatch(Message::hasTimestamp);
            assertThat(msgs.get(0).keyBytes()).isEqualTo(VectorCases.utf8("user-1"));
            assertThat(msgs.get(1).keyBytes()).isNull();
            msgs.forEach(Message::release);
        } finally {
            frame.release();
        }
    }
}
