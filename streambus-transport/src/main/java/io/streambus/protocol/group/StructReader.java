package io.streambus.protocol.group;

import io.netty.buffer.ByteBuf;
import io.streambus.common.TopicPartition;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Bounds-checked reads of one embedded structure. Every length and count is checked against the bytes left before
 * anything is allocated, so a hostile count can cause neither an OOM nor a long loop. Not thread-safe (one per
 * decode call).
 */
final class StructReader {

    private final String structure;
    private final ByteBuf in;
    private final int start;

    StructReader(String structure, ByteBuf in) {
        this.structure = structure;
        this.in = in;
        this.start = in.readerIndex();
    }

    private int offset() {
        return in.readerIndex() - start;
    }

    ConsumerProtocolException error(String field, String problem) {
        return new ConsumerProtocolException(structure, field, offset(), problem);
    }

    private void need(String field, int bytes) {
        if (in.readableBytes() < bytes) {
            throw error(field, "needs " + bytes + " bytes, " + in.readableBytes() + " left");
        }
    }

    short i16(String field) {
        need(field, 2);
        return in.readShort();
    }

    /** A u32 as a non-negative long. */
    long u32(String field) {
        need(field, 4);
        return in.readUnsignedInt();
    }

    /** A u32 element count where each element takes at least {@code minElementSize} bytes. */
    int count(String field, int minElementSize) {
        long n = u32(field);
        if (n * minElementSize > in.readableBytes()) {
            in.readerIndex(in.readerIndex() - 4);
            throw error(field, "count " + n + " exceeds the " + in.readableBytes() + " bytes left");
        }
        return (int) n;
    }

    int partition(String field) {
        long p = u32(field);
        if (p > Integer.MAX_VALUE) {
            in.readerIndex(in.readerIndex() - 4);
            throw error(field, "partition id " + p + " is not below 2^31");
        }
        return (int) p;
    }

    String string(String field) {
        long n = u32(field);
        if (n > in.readableBytes()) {
            in.readerIndex(in.readerIndex() - 4);
            throw error(field, "length " + n + " exceeds the " + in.readableBytes() + " bytes left");
        }
        int len = (int) n;
        ByteBuffer bytes = in.nioBuffer(in.readerIndex(), len);
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
            in.skipBytes(len);
            return s;
        } catch (CharacterCodingException e) {
            in.readerIndex(in.readerIndex() - 4);
            throw error(field, "invalid UTF-8");
        }
    }

    byte[] bytes(String field) {
        long n = u32(field);
        if (n > in.readableBytes()) {
            in.readerIndex(in.readerIndex() - 4);
            throw error(field, "length " + n + " exceeds the " + in.readableBytes() + " bytes left");
        }
        byte[] b = new byte[(int) n];
        in.readBytes(b);
        return b;
    }

    /**
     * TopicPartitions&lt;partition&gt; (B.2). Any order is accepted; repeated entries are merged because in an
     * embedded structure they change nothing, and a topic with partition count 0 contributes nothing.
     */
    List<TopicPartition> topicPartitions(String field) {
        int topics = count(field + " topic count", 8);
        Set<TopicPartition> out = new LinkedHashSet<>();
        for (int t = 0; t < topics; t++) {
            String topic = string(field + "[" + t + "] topic");
            int partitions = count(field + "[" + t + "] partition count", 4);
            for (int p = 0; p < partitions; p++) {
                out.add(new TopicPartition(topic, partition(field + "[" + t + "] partition[" + p + "]")));
            }
        }
        return new ArrayList<>(out);
    }
}
