package io.streambus.protocol.share;

import io.streambus.common.Header;
import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.streambus.protocol.message.HeaderKeys;
import io.streambus.protocol.message.Message;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.protocol.message.MessageCursor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The records array of one ShareFetch reply partition (spec B.13.5) in its wire form: a u32 count, then per record
 * a u16 delivery count and an A.5 message. Every instance has been validated (the count matches, every length
 * fits), so reading it never fails. Decoding keeps a retained slice of the frame: no copy, nothing allocated per
 * record until {@link #toRecords()}.
 *
 * <p>Holds one buffer reference: {@link #release()} it when done. Reading is thread-safe while it is alive;
 * release is not.
 */
public final class ShareRecords {
    /** Fewest bytes of one record: delivery count and the fixed message fields. */
    public static final int RECORD_OVERHEAD = 2 + MessageBlock.MESSAGE_OVERHEAD;

    private final ByteBuf buf;
    private final int count;

    private ShareRecords(ByteBuf buf, int count) {
        this.buf = buf;
        this.count = count;
    }

    /** A new array with no records. */
    public static ShareRecords empty() {
        return new ShareRecords(Unpooled.buffer(4, 4).writeInt(0), 0);
    }

    /** Number of records. */
    public int count() {
        return count;
    }

    /** Encoded size in bytes, count field included. */
    public int sizeInBytes() {
        return buf.readableBytes();
    }

    /** Copies the wire form to {@code out}. */
    public void writeTo(ByteBuf out) {
        out.writeBytes(buf, buf.readerIndex(), buf.readableBytes());
    }

    /** Releases the buffer reference. */
    public void release() {
        buf.release();
    }

    /**
     * A cursor over the records, allocating nothing per record: each message as index ranges of the buffer, its
     * delivery count from {@link #deliveryCount}. Valid while this array is not released; not thread-safe.
     */
    public MessageCursor cursor() {
        return MessageCursor.prefixed(buf, buf.readerIndex(), count, 2);
    }

    /** The delivery count of the record at the current position of {@code cursor} (from {@link #cursor()}). */
    public static int deliveryCount(MessageCursor cursor) {
        return cursor.buffer().getUnsignedShort(cursor.messageIndex() - 2);
    }

    /** Every record in order, each message with retained slices; the caller releases each record. */
    public List<AcquiredRecord> toRecords() {
        List<AcquiredRecord> list = new ArrayList<>(count);
        HeaderKeys keys = new HeaderKeys(); // the records mostly carry the same keys: decoded once
        int p = buf.readerIndex() + 4;
        for (int i = 0; i < count; i++) {
            int deliveryCount = buf.getUnsignedShort(p);
            long offset = buf.getLong(p + 2);
            long ts = buf.getLong(p + 10);
            int kl = buf.getInt(p + 18);
            int ki = p + 22;
            int vl = buf.getInt(ki + kl);
            int vi = ki + kl + 4;
            int hc = buf.getInt(vi + vl);
            p = vi + vl + 4;
            List<Header> headers = new ArrayList<>(hc);
            for (int h = 0; h < hc; h++) {
                int hkl = buf.getInt(p);
                int hvl = buf.getInt(p + 4 + hkl);
                headers.add(new Header(keys.key(h, buf, p + 4, hkl),
                        ByteBufUtil.getBytes(buf, p + 8 + hkl, hvl)));
                p += 8 + hkl + hvl;
            }
            list.add(new AcquiredRecord(deliveryCount, new Message(offset, ts, buf.retainedSlice(ki, kl),
                    buf.retainedSlice(vi, vl), headers)));
        }
        return list;
    }

    /**
     * Reads and validates one records array at the reader's position (the count against the bytes left, every
     * length) and returns it as a retained slice; the reader ends just after it.
     */
    static ShareRecords read(PayloadReader r) {
        int start = r.pos;
        int n = r.count("record count", RECORD_OVERHEAD);
        for (int i = 0; i < n; i++) {
            r.u16("record delivery count");
            r.i64("message offset");
            r.i64("message timestamp");
            r.skipBytesField("message key length");
            r.skipBytesField("message value length");
            int headers = r.count("message header count", MessageBlock.HEADER_OVERHEAD);
            for (int h = 0; h < headers; h++) {
                r.skipBytesField("header key length");
                r.skipBytesField("header value length");
            }
        }
        return new ShareRecords(r.buf.retainedSlice(start, r.pos - start), n);
    }

    @Override
    public String toString() {
        return "ShareRecords{" + count + " records, " + sizeInBytes() + " bytes}";
    }

    /**
     * Builds a records array (for a broker's reply). Not thread-safe; {@link #close()} releases what
     * {@link #finish()} did not hand out.
     */
    public static final class Builder implements AutoCloseable {
        private ByteBuf buf;
        private int count;

        /** A builder writing into a buffer from {@code alloc}. */
        public Builder(ByteBufAllocator alloc, int initialCapacity) {
            buf = alloc.buffer(Math.max(4, initialCapacity)).writeInt(0);
        }

        /** Appends the current message of {@code cursor} (copied as is) with its delivery count. */
        public Builder append(int deliveryCount, MessageCursor cursor) {
            Checks.u16("deliveryCount", deliveryCount);
            int length = cursor.messageLength();
            buf.writeShort(deliveryCount).ensureWritable(length);
            // getBytes from the source copies component by component; writeBytes would build NIO views of a
            // composite source (a log read spanning segments) for every message.
            int at = buf.writerIndex();
            cursor.buffer().getBytes(cursor.messageIndex(), buf, at, length);
            buf.writerIndex(at + length);
            count++;
            return this;
        }

        /** Appends a record from its fields; {@code key} may be null (no key). */
        public Builder append(int deliveryCount, long offset, long timestampNanos, byte[] key, byte[] value,
                              List<Header> headers) {
            Checks.u16("deliveryCount", deliveryCount);
            buf.writeShort(deliveryCount).writeLong(offset).writeLong(timestampNanos);
            byte[] k = Checks.bytes(key);
            buf.writeInt(k.length).writeBytes(k);
            byte[] v = Checks.bytes(value);
            buf.writeInt(v.length).writeBytes(v);
            buf.writeInt(headers.size());
            for (Header h : headers) {
                byte[] hk = h.key().getBytes(StandardCharsets.UTF_8);
                buf.writeInt(hk.length).writeBytes(hk);
                buf.writeInt(h.value().length).writeBytes(h.value());
            }
            count++;
            return this;
        }

        /** Encoded size so far, count field included. */
        public int size() {
            return buf.readableBytes();
        }

        /** The array; the builder is then empty and may not be used again. */
        public ShareRecords finish() {
            if (buf == null) {
                throw new IllegalStateException("finish() was already called");
            }
            buf.setInt(buf.readerIndex(), count);
            ShareRecords records = new ShareRecords(buf, count);
            buf = null;
            return records;
        }

        @Override
        public void close() {
            if (buf != null) {
                buf.release();
                buf = null;
            }
        }
    }
}
