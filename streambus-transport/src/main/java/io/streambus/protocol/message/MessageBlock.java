package io.streambus.protocol.message;

import io.streambus.protocol.PayloadReader;
import io.streambus.common.Header;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCounted;
import java.util.ArrayList;
import java.util.List;

/**
 * A message block (spec B.11): a u32 count followed by that many A.5 messages, as one {@link ByteBuf}. It is the
 * unit everywhere: a producer batch is written into one ({@link MessageBlockWriter}), the broker appends its bytes
 * to the log ({@link #assignOffsets(long)} first), a Fetch response carries one, and compression compresses exactly
 * its bytes.
 *
 * <p>Every instance has been validated: the count matches the messages and every length fits. Reference counted
 * through its buffer: {@link #release()} when done. Reading is thread-safe while it is alive;
 * {@link #assignOffsets(long)} writes and must not race with readers.
 */
public final class MessageBlock implements ReferenceCounted {
    /** Bytes of the count field. */
    public static final int BLOCK_OVERHEAD = 4;
    /** Fixed bytes of one message: offset, timestamp, key length, value length, header count. */
    public static final int MESSAGE_OVERHEAD = MessageRecords.MESSAGE_OVERHEAD;
    /** Fixed bytes of one header: key length, value length. */
    public static final int HEADER_OVERHEAD = MessageRecords.HEADER_OVERHEAD;

    private final ByteBuf buf;
    private final int start;
    private final int length;
    private final int count;
    private final int maxMessageSize;
    /** Index in {@link #buf} of the last message, known from validation; -1 when unknown or empty. */
    private final int lastMessageIndex;

    /** A block over the readable bytes of {@code buf}, already validated by the caller. */
    public MessageBlock(ByteBuf buf, int count, int maxMessageSize) {
        this(buf, count, maxMessageSize, -1);
    }

    /**
     * As {@link #MessageBlock(ByteBuf, int, int)}, with the index in {@code buf} where the last message starts
     * (from {@link Scan#lastMessageStart()}), so that {@link #lastOffset()} needs no walk; -1 if unknown.
     */
    public MessageBlock(ByteBuf buf, int count, int maxMessageSize, int lastMessageIndex) {
        this.buf = buf;
        this.start = buf.readerIndex();
        this.length = buf.readableBytes();
        this.count = count;
        this.maxMessageSize = maxMessageSize;
        this.lastMessageIndex = count == 0 ? -1 : lastMessageIndex;
    }

    /**
     * Validates the readable bytes of {@code buf} as exactly one message block (no byte more) and takes ownership
     * of the reference. On failure throws {@link MalformedPayloadException} (offsets relative to the reader index)
     * and leaves {@code buf} untouched and owned by the caller. Duplicate header keys are accepted.
     */
    public static MessageBlock wrap(ByteBuf buf) {
        return wrap(buf, false);
    }

    /** As {@link #wrap(ByteBuf)} but errors are {@link CorruptMessageException} (code 4) when {@code corrupt}. */
    public static MessageBlock wrap(ByteBuf buf, boolean corrupt) {
        int s = buf.readerIndex();
        PayloadReader r = new PayloadReader(buf, s, buf.writerIndex(), 0, corrupt);
        Scan scan = scan(r);
        if (r.remaining() != 0) {
            throw r.error("message block", r.pos, r.remaining() + " bytes after the last message");
        }
        return new MessageBlock(buf, scan.count, scan.maxMessageSize, scan.lastMessageStart);
    }

    /**
     * A block made of a count and already encoded messages (e.g. raw bytes read from a log), without copying:
     * validates, then takes ownership of {@code messages}. On failure {@code messages} is left to the caller.
     */
    public static MessageBlock of(ByteBufAllocator alloc, int count, ByteBuf messages) {
        CompositeByteBuf c = alloc.compositeBuffer(2);
        c.addComponent(true, alloc.buffer(4, 4).writeInt(count));
        c.addComponent(true, messages.retain());
        try {
            MessageBlock block = wrap(c);
            messages.release();
            return block;
        } catch (RuntimeException e) {
            c.release();
            throw e;
        }
    }

    /** A new block with no messages (4 zero bytes). */
    public static MessageBlock empty() {
        return new MessageBlock(Unpooled.buffer(4, 4).writeInt(0), 0, 0);
    }

    /**
     * What a validation pass found.
     *
     * @param end              index just after the block
     * @param count            number of messages
     * @param maxMessageSize   largest encoded message
     * @param lastMessageStart index of the last message's first byte in the scanned buffer, -1 if there is none
     */
    public record Scan(int end, int count, int maxMessageSize, int lastMessageStart) {
    }

    public static Scan scan(ByteBuf buf, int start, int end, int reportedStart, boolean corrupt) {
        return scan(new PayloadReader(buf, start, end, reportedStart, corrupt));
    }

    /** Checks one block from the reader's position; the reader ends just after it. */
    public static Scan scan(PayloadReader r) {
        int count = r.count("message count", MESSAGE_OVERHEAD);
        int end = r.pos + r.remaining();
        MessageRecords.ErrorFactory errors = (field, index, problem, value, available) -> r.error(field, index,
                switch (problem) {
                    case TRUNCATED -> "needs " + value + " bytes, only " + available + " left";
                    // A u32 of 2^31 or more is reported as such, as PayloadReader does for every length and count.
                    case LENGTH_EXCEEDS -> value > Integer.MAX_VALUE ? "value " + value + " is 2^31 or more"
                            : "length " + value + " exceeds the " + available + " bytes left";
                    case COUNT_EXCEEDS -> value > Integer.MAX_VALUE ? "value " + value + " is 2^31 or more"
                            : "count " + value + " cannot fit in the " + available + " bytes left";
                });
        int max = 0;
        int last = -1;
        for (int i = 0; i < count; i++) {
            int size = MessageRecords.measure(r.buf, r.pos, end, end, errors);
            last = r.pos;
            r.pos += size;
            max = Math.max(max, size);
        }
        return new Scan(r.pos, count, max, last);
    }

    /**
     * The messages without the count field: a non-retained slice of the block's bytes after its first
     * {@link #BLOCK_OVERHEAD} bytes (what a log stores). Shared, not a copy; valid while the block is alive.
     */
    public ByteBuf messagesSlice() {
        return buf.slice(start + BLOCK_OVERHEAD, length - BLOCK_OVERHEAD);
    }

    /** Number of messages. */
    public int count() {
        return count;
    }

    /** Encoded size of the block in bytes, count field included. */
    public int sizeInBytes() {
        return length;
    }

    /** Largest encoded size (A.5) of a message in the block, 0 if empty. */
    public int maxMessageSize() {
        return maxMessageSize;
    }

    /**
     * The block's bytes: from {@code buffer().readerIndex()}, {@link #sizeInBytes()} long. Shared, not a copy: do
     * not move its indexes or release it separately; use {@link #retainedBuffer()} to keep it.
     */
    public ByteBuf buffer() {
        return buf;
    }

    /** Copies the block's bytes to {@code out}. */
    public void writeTo(ByteBuf out) {
        out.writeBytes(buf, start, length);
    }

    /** A non-retained slice of exactly the block's bytes. */
    public ByteBuf slice() {
        return buf.slice(start, length);
    }

    /** A retained slice of exactly the block's bytes; the caller releases it. */
    public ByteBuf retainedBuffer() {
        return buf.retainedSlice(start, length);
    }

    /**
     * Offset field of the last message, or -1 if the block is empty. Free for blocks decoded off the wire (their
     * validation noted where the last message starts); other blocks walk their messages once.
     */
    public long lastOffset() {
        if (count == 0) {
            return -1;
        }
        if (lastMessageIndex >= 0) {
            return buf.getLong(lastMessageIndex);
        }
        MessageCursor c = cursor();
        long last = -1;
        while (c.next()) {
            last = c.offset();
        }
        return last;
    }

    /** A cursor positioned before the first message. */
    public MessageCursor cursor() {
        return new MessageCursor(buf, start, count);
    }

    /** Visits every message in order with one reused cursor (no allocation per message). */
    public void forEach(MessageVisitor visitor) {
        MessageCursor c = cursor();
        while (c.next()) {
            visitor.visit(c);
        }
    }

    /** Every message as a {@link Message} with retained slices; the caller releases each. */
    public List<Message> toMessages() {
        List<Message> list = new ArrayList<>(count);
        MessageCursor c = cursor();
        try {
            while (c.next()) {
                list.add(c.toMessage());
            }
        } catch (RuntimeException e) {
            list.forEach(Message::release);
            throw e;
        }
        return list;
    }

    /**
     * Overwrites the offset of every message in place with {@code base}, {@code base + 1}, ... (the broker does
     * this on append). Returns the last offset assigned, or {@code base - 1} if the block is empty.
     */
    public long assignOffsets(long base) {
        MessageCursor c = cursor();
        long next = base;
        while (c.next()) {
            buf.setLong(c.messageIndex(), next++);
        }
        return next - 1;
    }

    /** Encoded size (A.5) of a message: 28 + key + value + headers. */
    public static int messageSize(int keyLength, int valueLength, int headersSize) {
        return MESSAGE_OVERHEAD + keyLength + valueLength + headersSize;
    }

    /** Encoded size of one header given its key's UTF-8 length: 8 + key + value. */
    public static int headerSize(int keyUtf8Length, int valueLength) {
        return HEADER_OVERHEAD + keyUtf8Length + valueLength;
    }

    /** Encoded size of a header list (Σ(8 + key UTF-8 bytes + value)). */
    public static int headersSize(List<Header> headers) {
        int n = 0;
        for (Header h : headers) {
            n += headerSize(io.netty.buffer.ByteBufUtil.utf8Bytes(h.key()), h.value().length);
        }
        return n;
    }

    /** Encoded size of a message with byte-array key/value (null = empty) and the given headers. */
    public static int messageSize(byte[] key, byte[] value, List<Header> headers) {
        return messageSize(key == null ? 0 : key.length, value == null ? 0 : value.length, headersSize(headers));
    }

    @Override
    public int refCnt() {
        return buf.refCnt();
    }

    @Override
    public MessageBlock retain() {
        buf.retain();
        return this;
    }

    @Override
    public MessageBlock retain(int increment) {
        buf.retain(increment);
        return this;
    }

    @Override
    public MessageBlock touch() {
        buf.touch();
        return this;
    }

    @Override
    public MessageBlock touch(Object hint) {
        buf.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return buf.release();
    }

    @Override
    public boolean release(int decrement) {
        return buf.release(decrement);
    }

    @Override
    public String toString() {
        return "MessageBlock{count=" + count + ", bytes=" + length + '}';
    }
}
