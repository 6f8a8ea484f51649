package io.streambus.protocol;

import io.streambus.common.Header;
import io.streambus.protocol.core.ProduceRequest;
import io.streambus.protocol.message.DuplicateHeaderException;
import io.streambus.protocol.message.Message;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.protocol.message.MessageBlockWriter;
import io.streambus.protocol.message.MessageCursor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MessageBlockTest {
    private final TrackingAllocator alloc = new TrackingAllocator();

    @AfterEach
    void noLeaks() {
        alloc.assertAllReleased();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void writerProducesTheSpecLayoutAndKnowsItsSize() {
        List<Header> headers = List.of(Header.of("content-type", "text/plain"),
                Header.of("trace-id", "abc123"));
        try (MessageBlockWriter w = new MessageBlockWriter(alloc, 8)) {
            assertThat(w.size()).isEqualTo(4);
            w.append(0, VectorCases.TS0, b("user-1"), b("hello"), headers);
            assertThat(w.size()).isEqualTo(4 + MessageBlock.messageSize(b("user-1"), b("hello"), headers));
            ByteBuf key = Unpooled.wrappedBuffer(new byte[] {9, 9});
            key.skipBytes(2);
            w.beginMessage(0, VectorCases.TS0 + 1, key, Unpooled.wrappedBuffer(b("world")), 0).endMessage();
            assertThat(key.readerIndex()).as("key buffer not moved").isEqualTo(2);
            assertThat(w.count()).isEqualTo(2);
            MessageBlock block = w.finish();
            try {
                // Identical to the message block of produce-request-1 (frame offsets 30..158).
                assertThat(ByteBufUtil.getBytes(block.buffer()))
                        .isEqualTo(java.util.Arrays.copyOfRange(Vectors.bytes("produce-request-1"), 30, 158));
                assertThat(block.count()).isEqualTo(2);
                assertThat(block.sizeInBytes()).isEqualTo(128);
                assertThat(block.maxMessageSize()).isEqualTo(28 + 6 + 5 + (8 + 12 + 10) + (8 + 8 + 6));
                assertThatThrownBy(w::finish).isInstanceOf(IllegalStateException.class);
            } finally {
                block.release();
            }
        }
    }

    @Test
    void duplicateHeaderKeysAreRefusedAndOnlyThatMessageIsDropped() {
        try (MessageBlockWriter w = new MessageBlockWriter(alloc, 64)) {
            w.append(1, 1, b("a"), b("1"), List.of());
            int size = w.size();
            assertThatThrownBy(() -> w.append(2, 2, b("b"), b("2"), List.of(Header.of("k", "x"),
                    Header.of("\u00e9", "y"), Header.of("k", "z"))))
                    .isInstanceOf(DuplicateHeaderException.class).hasMessageContaining("'k'");
            assertThat(w.size()).isEqualTo(size);
            assertThat(w.count()).isEqualTo(1);
            w.append(3, 3, null, b("3"), List.of(Header.of("k", "x"), Header.of("K", "y")));
            MessageBlock block = w.finish();
            assertThat(Msg.read(block)).containsExactly(Msg.of(1, 1, "a", "1"),
                    Msg.of(3, 3, null, "3", Header.of("k", "x"), Header.of("K", "y")));
            block.release();
        }
    }

    @Test
    void headersWithAnEncodedKeyAreWrittenAsTheSameBytes() {
        Header template = Header.withEncodedKey("content-type", null);
        List<Header> plain = List.of(Header.of("content-type", "text/plain"), Header.of("trace-id", "abc123"));
        List<Header> encoded = List.of(template.withValue("text/plain"),
                Header.withEncodedKey("trace-id", b("abc123")));
        assertThat(encoded).isEqualTo(plain);
        byte[] expected;
        try (MessageBlockWriter w = new MessageBlockWriter(alloc, 8)) {
            w.append(0, VectorCases.TS0, b("user-1"), b("hello"), plain);
            MessageBlock block = w.finish();
            expected = ByteBufUtil.getBytes(block.buffer());
            block.release();
        }
        try (MessageBlockWriter w = new MessageBlockWriter(alloc, 8)) {
            w.append(0, VectorCases.TS0, b("user-1"), b("hello"), encoded);
            assertThat(w.size()).isEqualTo(4 + MessageBlock.messageSize(b("user-1"), b("hello"), encoded));
            MessageBlock block = w.finish();
            assertThat(ByteBufUtil.getBytes(block.buffer())).isEqualTo(expected);
            block.release();
        }
    }

    @Test
    void aDuplicateOfAnEncodedKeyIsRefused() {
        Header k = Header.withEncodedKey("k\u00e9", b("x"));
        try (MessageBlockWriter w = new MessageBlockWriter(alloc, 64)) {
            assertThatThrownBy(() -> w.append(2, 2, b("b"), b("2"), List.of(k, Header.of("k\u00e9", "y"))))
                    .isInstanceOf(DuplicateHeaderException.class);
            assertThatThrownBy(() -> w.append(2, 2, b("b"), b("2"), List.of(Header.of("k\u00e9", "y"),
                    k.withValue("z")))).isInstanceOf(DuplicateHeaderException.class);
            assertThat(w.count()).isZero();
        }
    }

    @Test
    void headerCountMustMatch() {
        try (MessageBlockWriter w = new MessageBlockWriter(alloc, 64)) {
            w.beginMessage(0, 0, (byte[]) null, null, 2).header("a", b("1"));
            assertThatThrownBy(w::endMessage).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("declared 2 headers but had 1");
            w.beginMessage(0, 0, (byte[]) null, null, 0);
            assertThatThrownBy(() -> w.header("a", b("1"))).isInstanceOf(IllegalStateException.class);
            assertThat(w.count()).isZero();
            assertThat(w.size()).isEqualTo(4);
        }
    }

    @Test
    void cursorAndMessagesExposeEveryField() {
        MessageBlock block = Msg.block(alloc, VectorCases.PRODUCE_1);
        List<Message> messages;
        try {
            MessageCursor c = block.cursor();
            assertThat(c.next()).isTrue();
            assertThat(c.keyBytes()).isEqualTo(b("user-1"));
            assertThat(c.key().toString(StandardCharsets.UTF_8)).isEqualTo("user-1");
            assertThat(c.value().toString(StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(c.headerCount()).isEqualTo(2);
            assertThat(c.messageLength()).isEqualTo(block.maxMessageSize());
            List<String> keys = new ArrayList<>();
            c.forEachHeader((buf, ki, kl, vi, vl) -> keys.add(buf.toString(ki, kl, StandardCharsets.UTF_8) + "="
                    + buf.toString(vi, vl, StandardCharsets.UTF_8)));
            assertThat(keys).containsExactly("content-type=text/plain", "trace-id=abc123");
            assertThat(c.next()).isTrue();
            assertThat(c.keyBytes()).isNull();
            assertThat(c.keyLength()).isZero();
            assertThat(c.next()).isFalse();
            messages = block.toMessages();
        } finally {
            block.release();
        }
        // Messages hold their own references: still readable after the block is released.
        assertThat(messages.get(0).value().toString(StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(messages.get(0).headers()).hasSize(2);
        assertThat(messages.get(1).keyBytes()).isNull();
        messages.forEach(Message::close);
    }

    @Test
    void assignOffsetsRewritesInPlace() {
        MessageBlock block = Msg.block(alloc, VectorCases.PRODUCE_1);
        try {
            assertThat(block.assignOffsets(41)).isEqualTo(42);
            List<Long> offsets = new ArrayList<>();
            block.forEach(m -> offsets.add(m.offset()));
            assertThat(offsets).containsExactly(41L, 42L);
        } finally {
            block.release();
        }
        MessageBlock empty = MessageBlock.empty();
        assertThat(empty.assignOffsets(7)).isEqualTo(6);
        assertThat(empty.release()).isTrue();
    }

    @Test
    void wrapValidatesExactlyOneBlock() {
        byte[] block = java.util.Arrays.copyOfRange(Vectors.bytes("produce-request-1"), 30, 158);
        MessageBlock ok = MessageBlock.wrap(Unpooled.wrappedBuffer(block));
        assertThat(ok.count()).isEqualTo(2);
        ok.release();
        ByteBuf trailing = Unpooled.buffer().writeBytes(block).writeByte(0);
        assertThatThrownBy(() -> MessageBlock.wrap(trailing)).isInstanceOf(MalformedPayloadException.class)
                .hasMessageContaining("1 bytes after the last message");
        assertThat(trailing.refCnt()).as("left to the caller on failure").isEqualTo(1);
        trailing.release();
        for (int cut = 0; cut < block.length; cut++) {
            ByteBuf part = Unpooled.wrappedBuffer(block, 0, cut);
            assertThatThrownBy(() -> MessageBlock.wrap(part)).isInstanceOf(MalformedPayloadException.class);
            part.release();
        }
        // A reader index other than 0 is honoured; offsets in errors count from it.
        ByteBuf shifted = Unpooled.buffer().writeZero(3).writeInt(1).writeZero(10);
        shifted.skipBytes(3);
        assertThatThrownBy(() -> MessageBlock.wrap(shifted))
                .isInstanceOfSatisfying(MalformedPayloadException.class, e -> assertThat(e.offset()).isZero());
        shifted.release();
    }

    @Test
    void ofBuildsABlockFromRawMessagesWithoutCopying() {
        byte[] block = java.util.Arrays.copyOfRange(Vectors.bytes("produce-request-1"), 34, 158);
        ByteBuf raw = alloc.buffer().writeBytes(block);
        MessageBlock b = MessageBlock.of(alloc, 2, raw);
        assertThat(Msg.read(b)).isEqualTo(VectorCases.PRODUCE_1);
        b.assignOffsets(100);
        assertThat(raw.getLong(0)).as("shares the raw buffer").isEqualTo(100);
        b.release();
        ByteBuf raw2 = alloc.buffer().writeBytes(block);
        assertThatThrownBy(() -> MessageBlock.of(alloc, 3, raw2)).isInstanceOf(MalformedPayloadException.class);
        assertThat(raw2.refCnt()).isEqualTo(1);
        raw2.release();
    }

    @Test
    void worksWithThePooledAllocator() {
        MessageBlock block = Msg.block(PooledByteBufAllocator.DEFAULT, VectorCases.PRODUCE_1);
        ByteBuf frame = RequestCodec.encode(PooledByteBufAllocator.DEFAULT, 1, 1,
                new ProduceRequest("orders", 0, block));
        block.release();
        try {
            assertThat(ByteBufUtil.getBytes(frame)).isEqualTo(Vectors.bytes("produce-request-1"));
        } finally {
            frame.release();
        }
    }

    @Test
    void encodedSizesFollowTheSpecFormula() {
        assertThat(MessageBlock.messageSize(0, 0, 0)).isEqualTo(28);
        assertThat(MessageBlock.headerSize(3, 4)).isEqualTo(15);
        assertThat(MessageBlock.headersSize(List.of(Header.of("\u00e9", "xy")))).isEqualTo(8 + 2 + 2);
        assertThat(MessageBlock.messageSize(null, b("abc"), List.of())).isEqualTo(31);
    }

    @Test
    void topicNames() {
        assertThat(TopicNames.isValid("orders.v1_A-9")).isTrue();
        assertThat(TopicNames.isValid("x".repeat(249))).isTrue();
        for (String bad : new String[] {"", ".", "..", "a/b", "../x", "x".repeat(250), "caf\u00e9", "a b", "a\0"}) {
            assertThat(TopicNames.problem(bad)).as(bad).isNotNull();
            assertThatThrownBy(() -> TopicNames.validate(bad)).isInstanceOf(MalformedPayloadException.class);
        }
    }

    @Test
    void crcIsIeeeOverAnyBufferShape() {
        byte[] check = b("123456789");
        assertThat(Frames.crc32(Unpooled.wrappedBuffer(check), 0, 9)).isEqualTo(0xCBF43926);
        ByteBuf direct = alloc.directBuffer().writeBytes(check);
        assertThat(Frames.crc32(direct, 0, 9)).isEqualTo(0xCBF43926);
        direct.release();
        ByteBuf composite = Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(b("1234")),
                Unpooled.wrappedBuffer(b("56789")));
        assertThat(Frames.crc32(composite, 0, 9)).isEqualTo(0xCBF43926);
        composite.release();
    }

    @Test
    void lastOffsetIsKnownFromValidationWhereverTheBlockStartsAndWalkedOtherwise() {
        byte[] bytes;
        try (MessageBlockWriter w = new MessageBlockWriter(alloc, 8)) {
            w.append(5, VectorCases.TS0, b("k"), b("a"), List.of());
            w.append(9, VectorCases.TS0, null, b("bb"), List.of(Header.of("h", "v")));
            w.append(12, VectorCases.TS0, b("key"), b("ccc"), List.of());
            MessageBlock block = w.finish();
            try {
                assertThat(block.lastOffset()).as("built, not scanned: walked").isEqualTo(12);
                bytes = ByteBufUtil.getBytes(block.buffer());
            } finally {
                block.release();
            }
        }
        ByteBuf framed = Unpooled.wrappedBuffer(new byte[] {1, 2, 3}, bytes, new byte[] {7});
        framed.readerIndex(3).writerIndex(3 + bytes.length);
        MessageBlock wrapped = MessageBlock.wrap(framed.retainedSlice(3, bytes.length).readerIndex(0));
        MessageBlock read = new PayloadReader(framed, 3, framed.writerIndex(), 0, false).messageBlock("messages");
        MessageBlock offsetWrap = MessageBlock.wrap(Unpooled.wrappedBuffer(new byte[] {0, 0}, bytes).skipBytes(2));
        try {
            assertThat(wrapped.lastOffset()).isEqualTo(12);
            assertThat(read.lastOffset()).as("slice of a larger frame").isEqualTo(12);
            assertThat(offsetWrap.lastOffset()).as("reader index not 0").isEqualTo(12);
            read.assignOffsets(100);
            assertThat(read.lastOffset()).as("reads the current field").isEqualTo(102);
            assertThat(MessageBlock.empty().lastOffset()).isEqualTo(-1);
        } finally {
            wrapped.release();
            read.release();
            offsetWrap.release();
            framed.release();
        }
    }
}
