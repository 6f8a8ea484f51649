package io.streambus.protocol.message;

import io.streambus.common.Header;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks the messages of a validated {@link MessageBlock} without allocating per message: {@link #next()} moves to
 * the next message and the accessors describe it as index ranges of {@link #buffer()}. Slices returned by
 * {@link #key()}/{@link #value()} are valid while the block is alive. Not thread-safe.
 */
public final class MessageCursor {
    private final ByteBuf buf;
    /** Bytes before each message (0 in a block; a ShareFetch records array's delivery count, B.13.5). */
    private final int prefix;
    private int pos;
    private int remaining;

    private int messageIndex;
    private int messageLength;
    private long offset;
    private long timestampNanos;
    private int keyIndex;
    private int keyLength;
    private int valueIndex;
    private int valueLength;
    private int headerCount;
    private int headersIndex;
    private int headersLength;

    MessageCursor(ByteBuf buf, int start, int count) {
        this(buf, start, count, 0);
    }

    private MessageCursor(ByteBuf buf, int start, int count, int prefix) {
        this.buf = buf;
        this.pos = start + 4;
        this.remaining = count;
        this.prefix = prefix;
    }

    /**
     * A cursor over a validated array at {@code start} of {@code buf}: a u32 count ({@code count}), then per entry
     * {@code prefix} bytes and an A.5 message; {@link #messageIndex()} {@code - prefix} is where an entry starts.
     * For arrays of other messages (a ShareFetch reply's records, B.13.5), read without allocating per entry.
     */
    public static MessageCursor prefixed(ByteBuf buf, int start, int count, int prefix) {
        return new MessageCursor(buf, start, count, prefix);
    }

    /** Moves to the next message; false when there is none. */
    public boolean next() {
        if (remaining == 0) {
            return false;
        }
        remaining--;
        int p = pos + prefix;
        messageIndex = p;
        offset = buf.getLong(p);
        timestampNanos = buf.getLong(p + 8);
        keyLength = buf.getInt(p + 16);
        keyIndex = p + 20;
        p = keyIndex + keyLength;
        valueLength = buf.getInt(p);
        valueIndex = p + 4;
        p = valueIndex + valueLength;
        headerCount = buf.getInt(p);
        p += 4;
        headersIndex = p;
        for (int i = 0; i < headerCount; i++) {
            p += 4 + buf.getInt(p);
            p += 4 + buf.getInt(p);
        }
        headersLength = p - headersIndex;
        messageLength = p - messageIndex;
        pos = p;
        return true;
    }

    /** The block's buffer; all indexes refer to it. */
    public ByteBuf buffer() {
        return buf;
    }

    public long offset() {
        return offset;
    }

    public long timestampNanos() {
        return timestampNanos;
    }

    /** Index of the message's first byte (its offset field). */
    public int messageIndex() {
        return messageIndex;
    }

    /** Encoded size of the message (A.5). */
    public int messageLength() {
        return messageLength;
    }

    public int keyIndex() {
        return keyIndex;
    }

    public int keyLength() {
        return keyLength;
    }

    public int valueIndex() {
        return valueIndex;
    }

    public int valueLength() {
        return valueLength;
    }

    public int headerCount() {
        return headerCount;
    }

    /** Index of the first header (after the header count). */
    public int headersIndex() {
        return headersIndex;
    }

    public int headersLength() {
        return headersLength;
    }

    /** A non-retained slice of the key; allocates one small wrapper. */
    public ByteBuf key() {
        return buf.slice(keyIndex, keyLength);
    }

    /** A non-retained slice of the value; allocates one small wrapper. */
    public ByteBuf value() {
        return buf.slice(valueIndex, valueLength);
    }

    /** A copy of the key, or null if empty. */
    public byte[] keyBytes() {
        return keyLength == 0 ? null : ByteBufUtil.getBytes(buf, keyIndex, keyLength);
    }

    public byte[] valueBytes() {
        return ByteBufUtil.getBytes(buf, valueIndex, valueLength);
    }

    /** Visits the headers in wire order without allocating. */
    public void forEachHeader(HeaderVisitor visitor) {
        int p = headersIndex;
        for (int i = 0; i < headerCount; i++) {
            int kl = buf.getInt(p);
            int ki = p + 4;
            int vl = buf.getInt(ki + kl);
            int vi = ki + kl + 4;
            visitor.visit(buf, ki, kl, vi, vl);
            p = vi + vl;
        }
    }

    /** The headers as objects (allocates). Keys are decoded leniently as UTF-8. */
    public List<Header> headers() {
        if (headerCount == 0) {
            return List.of();
        }
        List<Header> list = new ArrayList<>(headerCount);
        forEachHeader((b, ki, kl, vi, vl) -> list.add(new Header(
                b.toString(ki, kl, StandardCharsets.UTF_8), ByteBufUtil.getBytes(b, vi, vl))));
        return list;
    }

    /** The current message with retained slices; the caller releases it. */
    public Message toMessage() {
        return new Message(offset, timestampNanos, buf.retainedSlice(keyIndex, keyLength),
                buf.retainedSlice(valueIndex, valueLength), headers());
    }
}
