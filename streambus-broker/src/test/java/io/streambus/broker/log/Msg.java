package io.streambus.broker.log;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.streambus.protocol.message.MessageBlock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** An A.5 message for tests, with an encoder and a decoder written independently of the code under test. */
record Msg(long offset, long timestamp, byte[] key, byte[] value, List<Map.Entry<String, byte[]>> headers) {

    static Msg of(String key, String value) {
        return new Msg(0, 1_700_000_000_000_000_000L, bytes(key), bytes(value), List.of());
    }

    static Msg sized(int keyBytes, int valueBytes) {
        byte[] k = new byte[keyBytes];
        byte[] v = new byte[valueBytes];
        Arrays.fill(k, (byte) 'k');
        Arrays.fill(v, (byte) 'v');
        return new Msg(0, 42, k, v, List.of());
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    String keyString() {
        return new String(key, StandardCharsets.UTF_8);
    }

    String valueString() {
        return new String(value, StandardCharsets.UTF_8);
    }

    int encodedSize() {
        int n = 28 + key.length + value.length;
        for (Map.Entry<String, byte[]> h : headers) {
            n += 8 + bytes(h.getKey()).length + h.getValue().length;
        }
        return n;
    }

    Msg withOffset(long o) {
        return new Msg(o, timestamp, key, value, headers);
    }

    void writeTo(ByteBuf b) {
        b.writeLong(offset).writeLong(timestamp);
        b.writeInt(key.length).writeBytes(key);
        b.writeInt(value.length).writeBytes(value);
        b.writeInt(headers.size());
        for (Map.Entry<String, byte[]> h : headers) {
            byte[] hk = bytes(h.getKey());
            b.writeInt(hk.length).writeBytes(hk);
            b.writeInt(h.getValue().length).writeBytes(h.getValue());
        }
    }

    /** Encodes into a pooled buffer the caller releases. */
    static ByteBuf encode(List<Msg> msgs) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer();
        for (Msg m : msgs) {
            m.writeTo(b);
        }
        return b;
    }

    /** Decodes {@code count} messages from the readable bytes, which must hold exactly them. */
    static List<Msg> decode(ByteBuf buf, int count) {
        ByteBuf b = buf.duplicate();
        List<Msg> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long off = b.readLong();
            long ts = b.readLong();
            byte[] k = new byte[b.readInt()];
            b.readBytes(k);
            byte[] v = new byte[b.readInt()];
            b.readBytes(v);
            int hc = b.readInt();
            List<Map.Entry<String, byte[]>> hs = new ArrayList<>();
            for (int j = 0; j < hc; j++) {
                byte[] hk = new byte[b.readInt()];
                b.readBytes(hk);
                byte[] hv = new byte[b.readInt()];
                b.readBytes(hv);
                hs.add(Map.entry(new String(hk, StandardCharsets.UTF_8), hv));
            }
            out.add(new Msg(off, ts, k, v, hs));
        }
        if (b.isReadable()) {
            throw new AssertionError(b.readableBytes() + " bytes left after " + count + " messages");
        }
        return out;
    }

    /** Appends {@code msgs} through the log as one validated block, releasing it afterwards. */
    static AppendResult append(PartitionLog log, List<Msg> msgs) {
        MessageBlock block = block(msgs);
        try {
            return log.append(block);
        } finally {
            block.release();
        }
    }

    /** {@code msgs} as a validated block, as the codec hands a Produce to the log; the caller releases it. */
    static MessageBlock block(List<Msg> msgs) {
        return block(encode(msgs), msgs.size());
    }

    /**
     * A validated block of {@code count} and the encoded {@code messages}, whose reference it takes (released if the
     * codec refuses them, so that a test may assert the refusal without leaking).
     */
    static MessageBlock block(ByteBuf messages, int count) {
        try {
            return MessageBlock.of(UnpooledByteBufAllocator.DEFAULT, count, messages);
        } catch (RuntimeException e) {
            messages.release();
            throw e;
        }
    }

    static List<Msg> read(PartitionLog log, long offset, int maxBytes, int maxBlockBytes) {
        try (ReadResult r = log.read(offset, maxBytes, maxBlockBytes)) {
            List<Msg> msgs = decode(r.messages(), r.count());
            if (r.count() > 0) {
                if (r.firstOffset() != msgs.get(0).offset() || r.lastOffset() != msgs.get(msgs.size() - 1).offset()) {
                    throw new AssertionError("first/last offsets do not match the messages");
                }
            }
            return msgs;
        }
    }

    /** Every message from {@code from} to the end, in reads of at most {@code maxBytes}. */
    static List<Msg> readAll(PartitionLog log, long from, int maxBytes) {
        List<Msg> all = new ArrayList<>();
        long next = from;
        while (next < log.endOffset()) {
            List<Msg> got = read(log, next, maxBytes, 10 * 1024 * 1024);
            if (got.isEmpty()) {
                throw new AssertionError("empty read at " + next + " below end " + log.endOffset());
            }
            all.addAll(got);
            next = got.get(got.size() - 1).offset() + 1;
        }
        return all;
    }

    boolean sameContent(Msg o) {
        if (timestamp != o.timestamp || !Arrays.equals(key, o.key) || !Arrays.equals(value, o.value)
                || headers.size() != o.headers.size()) {
            return false;
        }
        for (int i = 0; i < headers.size(); i++) {
            if (!headers.get(i).getKey().equals(o.headers.get(i).getKey())
                    || !Arrays.equals(headers.get(i).getValue(), o.headers.get(i).getValue())) {
                return false;
            }
        }
        return true;
    }
}
