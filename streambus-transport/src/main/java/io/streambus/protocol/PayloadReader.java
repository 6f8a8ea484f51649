package io.streambus.protocol;

import io.streambus.protocol.message.CompressionCodec;
import io.streambus.protocol.message.CorruptMessageException;
import io.streambus.protocol.message.MessageBlock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Bounds-checked reader over one payload. Every length and count is checked against the bytes left before anything
 * is allocated; errors name the field and its byte offset. Not thread-safe; one per decode.
 */
public final class PayloadReader {
    public final ByteBuf buf;
    private final int end;
    /** Added to a buffer index to get the offset reported in errors. */
    private final int offsetShift;
    private final boolean corrupt;
    public int pos;

    /**
     * @param reportedStart offset reported for index {@code start} (e.g. 15 for a response payload in a frame)
     * @param corrupt       report errors as {@link CorruptMessageException} (code 4) instead of code 2
     */
    public PayloadReader(ByteBuf buf, int start, int end, int reportedStart, boolean corrupt) {
        this.buf = buf;
        this.pos = start;
        this.end = end;
        this.offsetShift = reportedStart - start;
        this.corrupt = corrupt;
    }

    public int remaining() {
        return end - pos;
    }

    int end() {
        return end;
    }

    public int reportedOffset(int index) {
        return index + offsetShift;
    }

    public ProtocolException error(String field, int index, String message) {
        return corrupt
                ? new CorruptMessageException(field, reportedOffset(index), message)
                : new MalformedPayloadException(field, reportedOffset(index), message);
    }

    private void need(String field, int n) {
        if (end - pos < n) {
            throw error(field, pos, "needs " + n + " bytes, only " + (end - pos) + " left");
        }
    }

    public int u8(String field) {
        need(field, 1);
        return buf.getUnsignedByte(pos++);
    }

    public boolean bool(String field) {
        return u8(field) == 1;
    }

    public int u16(String field) {
        need(field, 2);
        int v = buf.getUnsignedShort(pos);
        pos += 2;
        return v;
    }

    public short i16(String field) {
        need(field, 2);
        short v = buf.getShort(pos);
        pos += 2;
        return v;
    }

    public int i32(String field) {
        need(field, 4);
        int v = buf.getInt(pos);
        pos += 4;
        return v;
    }

    public long u32(String field) {
        need(field, 4);
        long v = buf.getUnsignedInt(pos);
        pos += 4;
        return v;
    }

    public long i64(String field) {
        need(field, 8);
        long v = buf.getLong(pos);
        pos += 8;
        return v;
    }

    /** A u32 that must be below 2^31 (partition ids, partition counts). */
    public int nonNegative(String field) {
        need(field, 4);
        int v = buf.getInt(pos);
        if (v < 0) {
            throw error(field, pos, "value " + (v & 0xFFFFFFFFL) + " is 2^31 or more");
        }
        pos += 4;
        return v;
    }

    /** An element count; each element takes at least {@code minElementSize} bytes of what is left. */
    public int count(String field, int minElementSize) {
        int at = pos;
        int n = nonNegative(field);
        if ((long) n * minElementSize > end - pos) {
            throw error(field, at, "count " + n + " cannot fit in the " + (end - pos) + " bytes left");
        }
        return n;
    }

    /** A u32 byte length followed by that many bytes; returns the length, leaves pos at the first byte. */
    public int length(String field) {
        int at = pos;
        int n = nonNegative(field);
        if (n > end - pos) {
            throw error(field, at, "length " + n + " exceeds the " + (end - pos) + " bytes left");
        }
        return n;
    }

    /** Skips a u32 length and that many bytes. */
    public void skipBytesField(String field) {
        int n = length(field);
        pos += n;
    }

    public String string(String field) {
        int n = length(field);
        String s = n == 0 ? "" : buf.toString(pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    /** A string that must be valid UTF-8 (topic names, A.2). */
    String strictString(String field) {
        int n = length(field);
        if (n == 0) {
            return "";
        }
        String s;
        if (buf.forEachByte(pos, n, b -> b >= 0) == -1) {
            s = buf.toString(pos, n, StandardCharsets.US_ASCII);
        } else {
            try {
                ByteBuffer nio = buf.nioBufferCount() == 1 ? buf.nioBuffer(pos, n) : ByteBuffer.wrap(bytesAt(pos, n));
                CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(nio);
                s = chars.toString();
            } catch (CharacterCodingException e) {
                throw error(field, pos, "not valid UTF-8");
            }
        }
        pos += n;
        return s;
    }

    public String topic(String field) {
        return strictString(field);
    }

    public byte[] bytes(String field) {
        int n = length(field);
        byte[] b = bytesAt(pos, n);
        pos += n;
        return b;
    }

    private byte[] bytesAt(int index, int n) {
        byte[] b = new byte[n];
        buf.getBytes(index, b);
        return b;
    }

    public <T> List<T> array(String field, int minElementSize, Function<PayloadReader, T> element) {
        int n = count(field, minElementSize);
        List<T> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(element.apply(this));
        }
        return list;
    }

    public List<String> stringArray(String field) {
        return array(field, 4, r -> r.string(field));
    }

    /** TopicPartitions (B.2); the same topic or (topic, partition) twice is malformed. */
    @SuppressWarnings("unchecked")
    public <P> TopicPartitions<P> topicPartitions(String field, TopicPartitions.Element<P> element) {
        if (element == TopicPartitions.PARTITION) {
            return (TopicPartitions<P>) partitionIds(field);
        }
        int n = count(field + " topic count", 8);
        List<TopicPartitions.Topic<P>> topics = new ArrayList<>(n);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            int at = pos;
            String topic = topic(field + " topic");
            if (!seen.add(topic)) {
                throw error(field + " topic", at, "topic '" + topic + "' appears twice");
            }
            int pc = count(field + " partition count", element.minSize());
            List<P> partitions = new ArrayList<>(pc);
            // Primitive set: no Integer per partition for the duplicate check (requests may list many).
            IntSet seenPartitions = pc > 1 ? new IntSet(pc) : null;
            for (int j = 0; j < pc; j++) {
                int pat = pos;
                P p = element.read(this);
                if (seenPartitions != null && !seenPartitions.add(element.partition(p))) {
                    throw error(field + " partition", pat,
                            "partition " + element.partition(p) + " of topic '" + topic + "' appears twice");
                }
                partitions.add(p);
            }
            topics.add(new TopicPartitions.Topic<>(topic, partitions));
        }
        return new TopicPartitions<>(topics);
    }

    /**
     * A {@code TopicPartitions} of bare partitions, each topic's list a {@link PartitionIds} (an {@code int[]}: no
     * {@code Integer} per partition), with the same checks as {@link #topicPartitions}.
     */
    private TopicPartitions<Integer> partitionIds(String field) {
        int n = count(field + " topic count", 8);
        List<TopicPartitions.Topic<Integer>> topics = new ArrayList<>(n);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            int at = pos;
            String topic = topic(field + " topic");
            if (!seen.add(topic)) {
                throw error(field + " topic", at, "topic '" + topic + "' appears twice");
            }
            int pc = count(field + " partition count", 4);
            int[] ids = new int[pc];
            IntSet seenPartitions = pc > 1 ? new IntSet(pc) : null;
            for (int j = 0; j < pc; j++) {
                int pat = pos;
                int p = nonNegative("partition");
                if (seenPartitions != null && !seenPartitions.add(p)) {
                    throw error(field + " partition", pat,
                            "partition " + p + " of topic '" + topic + "' appears twice");
                }
                ids[j] = p;
            }
            topics.add(new TopicPartitions.Topic<>(topic, PartitionIds.wrap(ids)));
        }
        return new TopicPartitions<>(topics);
    }

    /**
     * The rest of a compressed message block, after its codec byte: the uncompressed size (u32, at most
     * {@code sizeLimit}), the compressed bytes (a length field named {@code lengthField}) decompressed with
     * {@code codec} into a buffer of {@code alloc} that the returned block owns.
     *
     * @param limitName how error messages name {@code sizeLimit} ("the frame limit")
     * @throws CorruptMessageException when the uncompressed size is over the limit
     */
    public MessageBlock compressedBlock(CompressionCodec codec, long sizeLimit, String limitName, String lengthField,
                                        ByteBufAllocator alloc) {
        int at = pos;
        long size = u32("uncompressed size");
        if (size > sizeLimit) {
            throw new CorruptMessageException("uncompressed size", reportedOffset(at), "uncompressed size "
                    + size + " exceeds " + limitName + " " + sizeLimit);
        }
        int n = length(lengthField);
        ByteBuf plain = codec.decompress(buf.slice(pos, n), (int) size, alloc);
        pos += n;
        try {
            return MessageBlock.wrap(plain, true);
        } catch (RuntimeException e) {
            plain.release();
            throw e;
        }
    }

    /** A message block (u32 count + messages) starting here; returns a retained slice, pos moves past it. */
    public MessageBlock messageBlock(String field) {
        int start = pos;
        MessageBlock.Scan scan = MessageBlock.scan(buf, start, end, reportedOffset(start), corrupt);
        pos = scan.end();
        // The slice starts at index 0, so the last message's index moves by start.
        return new MessageBlock(buf.retainedSlice(start, scan.end() - start), scan.count(), scan.maxMessageSize(),
                scan.lastMessageStart() < 0 ? -1 : scan.lastMessageStart() - start);
    }
}
