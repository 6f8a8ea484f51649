package io.streambus.protocol.message;

import io.streambus.common.Header;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.List;

/**
 * Builds a {@link MessageBlock} in one growing pooled buffer. Append messages whole ({@code append}) or in steps
 * ({@code beginMessage}, {@code header}..., {@code endMessage}); {@link #size()} tells the block size so far so a
 * producer batch can stop at its limit; {@link #finish()} patches the count and hands the block over. Headers are
 * written in the order given; a duplicate key throws {@link DuplicateHeaderException} and discards that message
 * only. Key and value buffers are copied from their readable bytes and neither moved nor released.
 *
 * <p>Not thread-safe. {@link #close()} releases the buffer unless {@link #finish()} was called.
 */
public final class MessageBlockWriter implements AutoCloseable {
    private ByteBuf buf;
    private int count;
    // State of the message being written in steps.
    private int messageStart = -1;
    private int headersDeclared;
    private int headersWritten;
    private int[] headerKeys = new int[16]; // pairs (index of key bytes, key length)
    // Known from writing, so that finish() needs no scan of the block.
    private int maxMessageSize;
    private int lastMessageStart = -1;

    /** @param initialCapacity initial buffer size in bytes (the buffer grows as needed) */
    public MessageBlockWriter(ByteBufAllocator alloc, int initialCapacity) {
        buf = alloc.buffer(Math.max(MessageBlock.BLOCK_OVERHEAD, initialCapacity));
        buf.writeInt(0);
    }

    /** Block size in bytes so far, count field included. */
    public int size() {
        return buf.writerIndex();
    }

    /** Messages completed so far. */
    public int count() {
        return count;
    }

    public MessageBlockWriter append(long offset, long timestampNanos, ByteBuf key, ByteBuf value,
                                     List<Header> headers) {
        beginMessage(offset, timestampNanos, key, value, headers.size());
        for (Header h : headers) {
            header(h);
        }
        return endMessage();
    }

    /** As the ByteBuf variant; a null key or value is written as length 0. */
    public MessageBlockWriter append(long offset, long timestampNanos, byte[] key, byte[] value,
                                     List<Header> headers) {
        beginMessage(offset, timestampNanos, key, value, headers.size());
        for (Header h : headers) {
            header(h);
        }
        return endMessage();
    }

    /** Starts a message that will have exactly {@code headerCount} headers. A null key/value is written empty. */
    public MessageBlockWriter beginMessage(long offset, long timestampNanos, ByteBuf key, ByteBuf value,
                                           int headerCount) {
        start(offset, timestampNanos, headerCount);
        writeBuf(key);
        writeBuf(value);
        buf.writeInt(headerCount);
        return this;
    }

    public MessageBlockWriter beginMessage(long offset, long timestampNanos, byte[] key, byte[] value,
                                           int headerCount) {
        start(offset, timestampNanos, headerCount);
        writeArray(key);
        writeArray(value);
        buf.writeInt(headerCount);
        return this;
    }

    /**
     * As the other variants, for a key and a value each given as a {@code byte[]}, a {@link ByteBuf} or null (a
     * producer whose serializers return arrays appends them without wrapping each one in a buffer).
     *
     * @throws IllegalArgumentException if the key or value is of another type
     */
    public MessageBlockWriter beginMessageOf(long offset, long timestampNanos, Object key, Object value,
                                             int headerCount) {
        start(offset, timestampNanos, headerCount);
        writeEither(key);
        writeEither(value);
        buf.writeInt(headerCount);
        return this;
    }

    public MessageBlockWriter header(String key, byte[] value) {
        writeHeaderKey(key);
        writeArray(value);
        return this;
    }

    /** As {@link #header(String, byte[])}; a key whose UTF-8 form the header kept is copied, not encoded again. */
    public MessageBlockWriter header(Header h) {
        byte[] k = h.encodedKey();
        if (k == null) {
            writeHeaderKey(h.key());
        } else {
            writeHeaderKey(k, h.key());
        }
        writeArray(h.value());
        return this;
    }

    public MessageBlockWriter header(String key, ByteBuf value) {
        writeHeaderKey(key);
        writeBuf(value);
        return this;
    }

    /** Completes the message started by {@code beginMessage}; all its declared headers must have been written. */
    public MessageBlockWriter endMessage() {
        if (messageStart < 0) {
            throw new IllegalStateException("no message started");
        }
        if (headersWritten != headersDeclared) {
            int declared = headersDeclared;
            abortMessage();
            throw new IllegalStateException("message declared " + declared + " headers but had "
                    + headersWritten);
        }
        maxMessageSize = Math.max(maxMessageSize, buf.writerIndex() - messageStart);
        lastMessageStart = messageStart;
        messageStart = -1;
        count++;
        return this;
    }

    /** Discards the message being written, if any (its caller failed half-way); the earlier ones stay. */
    public void discardMessage() {
        if (messageStart >= 0) {
            abortMessage();
        }
    }

    /** Patches the count and returns the block; the writer must not be used afterwards. */
    public MessageBlock finish() {
        if (messageStart >= 0) {
            throw new IllegalStateException("a message is still open");
        }
        ByteBuf b = checkOpen();
        b.setInt(0, count);
        buf = null;
        // Written here message by message, so valid by construction: no validating scan (MessageBlock.wrap).
        return new MessageBlock(b, count, maxMessageSize, lastMessageStart);
    }

    /** Releases the buffer if {@link #finish()} was not called. */
    @Override
    public void close() {
        if (buf != null) {
            buf.release();
            buf = null;
        }
    }

    private ByteBuf checkOpen() {
        if (buf == null) {
            throw new IllegalStateException("writer already finished or closed");
        }
        return buf;
    }

    private void start(long offset, long timestampNanos, int headerCount) {
        checkOpen();
        if (messageStart >= 0) {
            throw new IllegalStateException("previous message not ended");
        }
        if (headerCount < 0) {
            throw new IllegalArgumentException("header count must be >= 0: " + headerCount);
        }
        messageStart = buf.writerIndex();
        headersDeclared = headerCount;
        headersWritten = 0;
        if (headerKeys.length < 2 * headerCount) {
            headerKeys = new int[2 * headerCount];
        }
        buf.writeLong(offset).writeLong(timestampNanos);
    }

    private void writeHeaderKey(String key) {
        checkHeaderAllowed();
        int n = ByteBufUtil.utf8Bytes(key);
        buf.writeInt(n);
        int at = buf.writerIndex();
        ByteBufUtil.reserveAndWriteUtf8(buf, key, n);
        keyWritten(key, at, n);
    }

    /** {@code encoded} is {@code key} as UTF-8. */
    private void writeHeaderKey(byte[] encoded, String key) {
        checkHeaderAllowed();
        int n = encoded.length;
        buf.writeInt(n);
        int at = buf.writerIndex();
        buf.writeBytes(encoded);
        keyWritten(key, at, n);
    }

    private void checkHeaderAllowed() {
        if (messageStart < 0) {
            throw new IllegalStateException("no message started");
        }
        if (headersWritten == headersDeclared) {
            abortMessage();
            throw new IllegalStateException("more headers than declared");
        }
    }

    /** Refuses a duplicate of the key just written at {@code at} ({@code n} bytes), else records it. */
    private void keyWritten(String key, int at, int n) {
        for (int i = 0; i < headersWritten; i++) {
            if (headerKeys[2 * i + 1] == n && ByteBufUtil.equals(buf, headerKeys[2 * i], buf, at, n)) {
                abortMessage();
                throw new DuplicateHeaderException(key);
            }
        }
        headerKeys[2 * headersWritten] = at;
        headerKeys[2 * headersWritten + 1] = n;
        headersWritten++;
    }

    private void abortMessage() {
        buf.writerIndex(messageStart);
        messageStart = -1;
    }

    private void writeBuf(ByteBuf b) {
        if (b == null) {
            buf.writeInt(0);
        } else {
            int n = b.readableBytes();
            buf.writeInt(n).writeBytes(b, b.readerIndex(), n);
        }
    }

    private void writeEither(Object o) {
        if (o == null || o instanceof byte[]) {
            writeArray((byte[]) o);
        } else if (o instanceof ByteBuf b) {
            writeBuf(b);
        } else {
            throw new IllegalArgumentException("neither byte[] nor ByteBuf: " + o.getClass().getName());
        }
    }

    private void writeArray(byte[] b) {
        if (b == null) {
            buf.writeInt(0);
        } else {
            buf.writeInt(b.length).writeBytes(b);
        }
    }
}
