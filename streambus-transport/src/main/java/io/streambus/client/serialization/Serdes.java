package io.streambus.client.serialization;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.streambus.client.StreamBusException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Serializers and deserializers for common types. All are thread-safe and stateless (the String deserializer keeps
 * only a per-thread staging array). A null object serializes to
 * "no bytes" (empty on the wire); an empty field deserializes to null for every type but {@code byte[]}, String and
 * ByteBuf, which give an empty value (the protocol cannot tell absent from empty, spec A.2).
 */
public final class Serdes {
    private Serdes() {
    }

    private static final Serializer<String> STRING_SER = (topic, data, alloc) -> {
        if (data == null) {
            return null;
        }
        ByteBuf buf = alloc.buffer(ByteBufUtil.utf8MaxBytes(data));
        ByteBufUtil.writeUtf8(buf, data);
        return buf;
    };
    /** Largest String decoded through the per-thread scratch array; longer ones are rare and allocate. */
    private static final int SCRATCH_MAX = 8192;
    /** Per-thread staging array for Strings decoded from direct buffers (grows up to {@link #SCRATCH_MAX}). */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[256]);

    private static final Deserializer<String> STRING_DE = new Deserializer<>() {
        @Override
        public String deserialize(String topic, ByteBuf data) {
            return deserialize(topic, data, data.readerIndex(), data.readableBytes());
        }

        @Override
        public String deserialize(String topic, ByteBuf buffer, int index, int length) {
            if (length == 0) {
                return "";
            }
            if (buffer.hasArray()) {
                // One copy: the String decodes straight from the backing array.
                return new String(buffer.array(), buffer.arrayOffset() + index, length, StandardCharsets.UTF_8);
            }
            if (length > SCRATCH_MAX) {
                return buffer.toString(index, length, StandardCharsets.UTF_8);
            }
            // A direct buffer has no array a String can be built from. Netty's toString would stage the bytes in a
            // fresh array per call; a reused per-thread array saves that allocation (the String copies once more).
            byte[] scratch = SCRATCH.get();
            if (scratch.length < length) {
                scratch = new byte[Math.max(length, Math.min(SCRATCH_MAX, scratch.length * 2))];
                SCRATCH.set(scratch);
            }
            buffer.getBytes(index, scratch, 0, length);
            return new String(scratch, 0, length, StandardCharsets.UTF_8);
        }
    };

    private static final Serializer<byte[]> BYTES_SER = (topic, data, alloc) -> {
        if (data == null) {
            return null;
        }
        // Wraps without copying: the producer copies once into its batch buffer and releases the wrapper.
        return io.netty.buffer.Unpooled.wrappedBuffer(data);
    };
    private static final Deserializer<byte[]> BYTES_DE = new Deserializer<>() {
        @Override
        public byte[] deserialize(String topic, ByteBuf data) {
            return ByteBufUtil.getBytes(data);
        }

        @Override
        public byte[] deserialize(String topic, ByteBuf buffer, int index, int length) {
            // One copy, straight from the (usually pooled direct) buffer into the array; no slice wrapper.
            return ByteBufUtil.getBytes(buffer, index, length);
        }
    };

    private static final Serializer<ByteBuf> BYTEBUF_SER = (topic, data, alloc) -> data == null ? null
            : data.retainedDuplicate();
    private static final Deserializer<ByteBuf> BYTEBUF_DE = new Deserializer<>() {
        @Override
        public ByteBuf deserialize(String topic, ByteBuf data) {
            return data.retainedSlice();
        }

        @Override
        public ByteBuf deserialize(String topic, ByteBuf buffer, int index, int length) {
            return buffer.retainedSlice(index, length);
        }
    };

    private static final Serializer<Integer> INT_SER = (topic, data, alloc) -> data == null ? null
            : alloc.buffer(4).writeInt(data);
    private static final Deserializer<Integer> INT_DE = (topic, data) -> fixed(topic, data, 4, "Integer") ? null
            : data.getInt(data.readerIndex());

    private static final Serializer<Long> LONG_SER = (topic, data, alloc) -> data == null ? null
            : alloc.buffer(8).writeLong(data);
    private static final Deserializer<Long> LONG_DE = (topic, data) -> fixed(topic, data, 8, "Long") ? null
            : data.getLong(data.readerIndex());

    private static final Serializer<UUID> UUID_SER = (topic, data, alloc) -> data == null ? null
            : STRING_SER.serialize(topic, data.toString(), alloc);
    private static final Deserializer<UUID> UUID_DE = (topic, data) -> {
        if (!data.isReadable()) {
            return null;
        }
        String s = data.toString(StandardCharsets.UTF_8);
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            throw new StreamBusException("record in topic " + topic + " is not a UUID string: '"
                    + (s.length() > 64 ? s.substring(0, 64) + "..." : s) + "'", e);
        }
    };

    /** True for an empty field; otherwise checks the exact size. */
    private static boolean fixed(String topic, ByteBuf data, int size, String type) {
        int n = data.readableBytes();
        if (n == 0) {
            return true;
        }
        if (n != size) {
            throw new StreamBusException("record in topic " + topic + " has " + n + " bytes, a " + type
                    + " needs " + size);
        }
        return false;
    }

    /** UTF-8 text. */
    public static Serializer<String> stringSerializer() {
        return STRING_SER;
    }

    /** UTF-8 text; an empty field gives "". */
    public static Deserializer<String> stringDeserializer() {
        return STRING_DE;
    }

    /** Raw bytes; the array is not copied before send, so do not modify it until the send completes. */
    public static Serializer<byte[]> byteArraySerializer() {
        return BYTES_SER;
    }

    /** Raw bytes, copied out of the network buffer. */
    public static Deserializer<byte[]> byteArrayDeserializer() {
        return BYTES_DE;
    }

    /**
     * A ByteBuf's readable bytes, zero-copy: the producer takes its own reference ({@code retainedDuplicate}), so the
     * caller keeps (and must release) the one it passed in.
     */
    public static Serializer<ByteBuf> byteBufSerializer() {
        return BYTEBUF_SER;
    }

    /**
     * A retained slice of the network buffer, zero-copy. <b>The application owns the returned buffer and must
     * release it</b> ({@code ReferenceCountUtil.release}), or the pooled memory leaks.
     */
    public static Deserializer<ByteBuf> byteBufDeserializer() {
        return BYTEBUF_DE;
    }

    /** 4 bytes big-endian (Kafka's IntegerSerializer layout). */
    public static Serializer<Integer> integerSerializer() {
        return INT_SER;
    }

    public static Deserializer<Integer> integerDeserializer() {
        return INT_DE;
    }

    /** 8 bytes big-endian (Kafka's LongSerializer layout). */
    public static Serializer<Long> longSerializer() {
        return LONG_SER;
    }

    public static Deserializer<Long> longDeserializer() {
        return LONG_DE;
    }

    /** The canonical 36-character string form in UTF-8 (Kafka's UUIDSerializer layout). */
    public static Serializer<UUID> uuidSerializer() {
        return UUID_SER;
    }

    public static Deserializer<UUID> uuidDeserializer() {
        return UUID_DE;
    }
}
