package io.streambus.protocol;

import io.streambus.protocol.core.FetchResponse;
import io.streambus.protocol.core.ProduceRequest;
import io.streambus.protocol.message.CompressionCodec;
import io.streambus.protocol.message.CorruptMessageException;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.protocol.message.MessageBlockWriter;
import io.streambus.protocol.message.MessageTooLargeException;
import io.streambus.protocol.txn.ProducerIdAndEpoch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The B.11 checks a broker relies on, in the spec's order, and the compressed Fetch reply on the client side. */
class CompressedPayloadTest {
    private final TrackingAllocator alloc = new TrackingAllocator();

    @AfterEach
    void noLeaks() {
        alloc.assertAllReleased();
    }

    /** Request content (header + payload) of a compressed Produce with the given raw fields. */
    private static ByteBuf produce(int flags, int codec, long size, byte[] block, boolean txnTrailer) {
        ByteBuf b = Unpooled.buffer().writeLong(9).writeByte(1).writeByte(1).writeShort(flags | 0x0002);
        b.writeInt(6).writeBytes("orders".getBytes(StandardCharsets.US_ASCII)).writeInt(0);
        b.writeByte(codec).writeInt((int) size).writeInt(block.length).writeBytes(block);
        if (txnTrailer) {
            b.writeLong(1001).writeShort(3);
        }
        return b;
    }

    private byte[] compress(CompressionCodec codec, byte[] data) {
        ByteBuf c = codec.compress(Unpooled.wrappedBuffer(data), alloc);
        try {
            return ByteBufUtil.getBytes(c);
        } finally {
            c.release();
        }
    }

    private byte[] blockBytes(List<Msg> msgs) {
        MessageBlock b = Msg.block(alloc, msgs);
        try {
            return ByteBufUtil.getBytes(b.buffer());
        } finally {
            b.release();
        }
    }

    private void assertFails(ByteBuf content, Class<? extends ProtocolException> type, int code, String message) {
        try {
            assertThatThrownBy(() -> RequestCodec.decode(content, alloc))
                    .isInstanceOfSatisfying(type, e -> {
                        assertThat(e.errorCode()).isEqualTo(code);
                        assertThat(e.requestHeader().requestId()).isEqualTo(9);
                    })
                    .hasMessageContaining(message);
        } finally {
            content.release();
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodec.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void aCompressedProduceWithATrailerDecodes(CompressionCodec codec) {
        byte[] block = blockBytes(VectorCases.PRODUCE_1);
        ByteBuf content = produce(0x0021, codec.id(), block.length, compress(codec, block), true);
        try (DecodedRequest d = RequestCodec.decode(content, alloc)) {
            ProduceRequest p = (ProduceRequest) d.body();
            assertThat(p.compression()).isEqualTo(codec);
            assertThat(p.transaction()).isEqualTo(new ProducerIdAndEpoch(1001, (short) 3));
            assertThat(Msg.read(p.messages())).isEqualTo(VectorCases.PRODUCE_1);
        } finally {
            content.release();
        }
    }

    @Test
    void checksInTheSpecOrder() {
        byte[] block = blockBytes(VectorCases.PRODUCE_1);
        byte[] gz = compress(CompressionCodec.GZIP, block);
        // 1. codec not 1 to 4: code 4.
        for (int codec : new int[] {0, 5, 255}) {
            assertFails(produce(0, codec, block.length, gz, false), CorruptMessageException.class, 4,
                    "codec " + codec + " is not 1 to 4");
        }
        // 2. uncompressed size above 64 MiB: code 4, nothing allocated.
        int before = alloc.allocations();
        assertFails(produce(0, 1, 67_108_865L, gz, false), CorruptMessageException.class, 4, "exceeds the limit");
        assertFails(produce(0, 1, 0xFFFFFFFFL, gz, false), CorruptMessageException.class, 4, "exceeds the limit");
        assertThat(alloc.allocations()).isEqualTo(before);
        // 3. does not decompress, or to another size: code 4.
        assertFails(produce(0, 1, block.length, new byte[] {1, 2, 3}, false), CorruptMessageException.class, 4,
                "does not decompress");
        assertFails(produce(0, 1, block.length + 1, gz, false), CorruptMessageException.class, 4, "decompresses to");
        assertFails(produce(0, 1, block.length - 1, gz, false), CorruptMessageException.class, 4, "more than");
        // 4. not exactly one message block: code 4.
        byte[] extra = java.util.Arrays.copyOf(block, block.length + 1);
        assertFails(produce(0, 2, extra.length, compress(CompressionCodec.SNAPPY, extra), false),
                CorruptMessageException.class, 4, "1 bytes after the last message");
        byte[] truncatedBlock = java.util.Arrays.copyOf(block, block.length - 1);
        assertFails(produce(0, 3, truncatedBlock.length, compress(CompressionCodec.LZ4, truncatedBlock), false),
                CorruptMessageException.class, 4, "message header count at byte 124: needs 4 bytes, only 3 left");
        // 5. message count 0: code 2.
        assertFails(produce(0, 4, 4, compress(CompressionCodec.ZSTD, new byte[4]), false),
                MalformedPayloadException.class, 2, "at least one message");
        // The compressed-block length itself is still a framing field: code 2 when it overruns.
        ByteBuf overrun = produce(0, 1, block.length, gz, false);
        overrun.setInt(12 + 10 + 4 + 5, gz.length + 1); // content offset of the block length
        assertFails(overrun, MalformedPayloadException.class, 2, "compressed block length");
    }

    @Test
    void aMessageThatCouldNotBeFetchedAloneIsTooLarge() {
        for (int valueSize : new int[] {10_485_696 - 28, 10_485_696 - 28 + 1}) {
            byte[] block;
            try (MessageBlockWriter w = new MessageBlockWriter(alloc, valueSize + 64)) {
                MessageBlock b = w.append(0, 0, null, new byte[valueSize], List.of()).finish();
                block = ByteBufUtil.getBytes(b.buffer());
                b.release();
            }
            ByteBuf content = produce(0, 4, block.length, compress(CompressionCodec.ZSTD, block), false);
            if (valueSize + 28 <= Frames.MAX_MESSAGE_SIZE) {
                try (DecodedRequest d = RequestCodec.decode(content, alloc)) {
                    assertThat(((ProduceRequest) d.body()).messages().maxMessageSize()).isEqualTo(10_485_696);
                }
                content.release();
            } else {
                assertFails(content, MessageTooLargeException.class, 12, "10485697 exceeds the limit of 10485696");
            }
        }
    }

    @Test
    void fetchCodecTrailerMustNameACodec() {
        for (int codec : new int[] {0, 5}) {
            ByteBuf content = Unpooled.buffer().writeLong(9).writeByte(2).writeByte(1).writeShort(0x0002)
                    .writeInt(1).writeByte('t').writeInt(0).writeLong(0).writeInt(100).writeByte(codec);
            assertFails(content, MalformedPayloadException.class, 2, "codec " + codec + " is not 1 to 4");
        }
    }

    @ParameterizedTest
    @EnumSource(CompressionCodec.class)
    void compressedFetchRepliesRoundTripAndFallBackToCodecZero(CompressionCodec codec) {
        List<Msg> msgs = List.of(Msg.of(5, 1, "k", "compressible ".repeat(40)), Msg.of(6, 2, null, "x".repeat(300)));
        MessageBlock block = Msg.block(alloc, msgs);
        MessageBlock empty = MessageBlock.empty();
        try {
            for (MessageBlock b : List.of(block, empty)) {
                ByteBuf frame = ResponseCodec.encodeSuccess(alloc, 3, new FetchResponse(9, b, codec, 7), 0x0042);
                try (DecodedResponse d = ResponseCodec.decode(frame.slice(4, frame.readableBytes() - 8),
                        ApiKey.FETCH, 0x0042, alloc)) {
                    FetchResponse f = d.body(FetchResponse.class);
                    assertThat(Msg.read(f.messages())).isEqualTo(Msg.read(b));
                    assertThat(f.lastStableOffset()).isEqualTo(7);
                    // Empty replies and incompressible ones go out with codec 0 (B.11).
                    assertThat(f.codec()).isEqualTo(b.count() == 0 ? CompressionCodec.NONE : codec);
                    assertThat(frame.readableBytes()).isLessThanOrEqualTo(FetchResponse.frameSize(b.sizeInBytes(),
                            0x0042));
                } finally {
                    frame.release();
                }
            }
        } finally {
            block.release();
            empty.release();
        }
    }

    @Test
    void aCorruptCompressedFetchReplyIsCorruptNotMalformed() {
        byte[] block = blockBytes(VectorCases.PRODUCE_1);
        byte[] gz = compress(CompressionCodec.GZIP, block);
        gz[gz.length / 2] ^= 0x40;
        for (int codec : new int[] {1, 9}) {
            ByteBuf content = Unpooled.buffer().writeLong(3).writeByte(0).writeShort(0).writeLong(2)
                    .writeByte(codec).writeInt(block.length).writeInt(gz.length).writeBytes(gz);
            assertThatThrownBy(() -> ResponseCodec.decode(content, ApiKey.FETCH, 0x0002, alloc))
                    .isInstanceOfSatisfying(CorruptMessageException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(4));
            content.release();
        }
        // Codec 0 with a size that disagrees with the block length is corrupt too.
        ByteBuf content = Unpooled.buffer().writeLong(3).writeByte(0).writeShort(0).writeLong(2)
                .writeByte(0).writeInt(block.length + 1).writeInt(block.length).writeBytes(block);
        assertThatThrownBy(() -> ResponseCodec.decode(content, ApiKey.FETCH, 0x0002, alloc))
                .isInstanceOf(CorruptMessageException.class);
        content.release();
    }
}
