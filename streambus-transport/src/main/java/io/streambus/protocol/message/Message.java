package io.streambus.protocol.message;

import io.streambus.common.Header;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.AbstractReferenceCounted;
import java.util.List;
import java.util.Objects;

/**
 * One decoded message (spec A.5) holding retained slices of its block for key and value. Release it (or close
 * it) when done; releasing the block it came from does not invalidate it. Not thread-safe for release; the
 * accessors may be used from any thread while it is alive.
 */
public final class Message extends AbstractReferenceCounted implements AutoCloseable {
    /**
     * The timestamp a reference broker returns for every fetched message (zero Go time, spec A.5). Treat it as
     * "no timestamp".
     */
    public static final long REFERENCE_NO_TIMESTAMP = -6795364578871345152L;

    private final long offset;
    private final long timestampNanos;
    private final ByteBuf key;
    private final ByteBuf value;
    private final List<Header> headers;

    /** Takes ownership of {@code key} and {@code value} (one reference each). */
    public Message(long offset, long timestampNanos, ByteBuf key, ByteBuf value, List<Header> headers) {
        this.offset = offset;
        this.timestampNanos = timestampNanos;
        this.key = Objects.requireNonNull(key, "key");
        this.value = Objects.requireNonNull(value, "value");
        this.headers = List.copyOf(headers);
    }

    public long offset() {
        return offset;
    }

    /** Unix epoch nanoseconds as on the wire; see {@link #hasTimestamp()}. */
    public long timestampNanos() {
        return timestampNanos;
    }

    /** False when the timestamp is {@link #REFERENCE_NO_TIMESTAMP}. */
    public boolean hasTimestamp() {
        return timestampNanos != REFERENCE_NO_TIMESTAMP;
    }

    /** The key bytes (length 0 = no key). Valid while this message is alive; do not release it separately. */
    public ByteBuf key() {
        return key;
    }

    /** The value bytes. Valid while this message is alive; do not release it separately. */
    public ByteBuf value() {
        return value;
    }

    /** A copy of the key, or null when the key is empty ("no key", A.5). */
    public byte[] keyBytes() {
        return key.isReadable() ? ByteBufUtil.getBytes(key) : null;
    }

    /** A copy of the value. */
    public byte[] valueBytes() {
        return ByteBufUtil.getBytes(value);
    }

    /** Headers in wire order (duplicates possible on decode). */
    public List<Header> headers() {
        return headers;
    }

    @Override
    protected void deallocate() {
        key.release();
        value.release();
    }

    @Override
    public Message touch(Object hint) {
        key.touch(hint);
        value.touch(hint);
        return this;
    }

    @Override
    public Message retain() {
        super.retain();
        return this;
    }

    @Override
    public void close() {
        release();
    }

    @Override
    public String toString() {
        return "Message{offset=" + offset + ", timestampNanos=" + timestampNanos + ", key=" + key.readableBytes()
                + "B, value=" + value.readableBytes() + "B, headers=" + headers + '}';
    }
}
