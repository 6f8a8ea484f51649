package io.streambus.jms.message;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary layout of MapMessage and StreamMessage bodies: each value is a one-byte type tag followed by its big-endian
 * encoding; strings and byte arrays carry a u32 length (strings in UTF-8, not Java's modified UTF-8, so there is no
 * 64 KiB limit). A map body is a u32 entry count, then per entry a u16-length UTF-8 name and a tagged value. A
 * stream body is tagged values back to back.
 *
 * <p>Tags: {@code N} null, {@code Z} boolean, {@code B} byte, {@code S} short, {@code C} char, {@code I} int,
 * {@code J} long, {@code F} float, {@code D} double, {@code T} string, {@code b} bytes. Stateless, thread-safe.
 */
final class TypedValues {
    private TypedValues() {
    }

    static void write(DataOutputStream out, Object v) throws IOException {
        if (v == null) {
            out.writeByte('N');
        } else if (v instanceof Boolean b) {
            out.writeByte('Z');
            out.writeBoolean(b);
        } else if (v instanceof Byte b) {
            out.writeByte('B');
            out.writeByte(b);
        } else if (v instanceof Short s) {
            out.writeByte('S');
            out.writeShort(s);
        } else if (v instanceof Character c) {
            out.writeByte('C');
            out.writeChar(c);
        } else if (v instanceof Integer i) {
            out.writeByte('I');
            out.writeInt(i);
        } else if (v instanceof Long l) {
            out.writeByte('J');
            out.writeLong(l);
        } else if (v instanceof Float f) {
            out.writeByte('F');
            out.writeFloat(f);
        } else if (v instanceof Double d) {
            out.writeByte('D');
            out.writeDouble(d);
        } else if (v instanceof String s) {
            writeBytes(out, 'T', s.getBytes(StandardCharsets.UTF_8));
        } else if (v instanceof byte[] b) {
            writeBytes(out, 'b', b);
        } else {
            throw new IllegalArgumentException("unsupported body value type " + v.getClass().getName());
        }
    }

    /** Tag, u32 length, bytes: the layout of strings and byte arrays (read back by {@link #bytes}). */
    private static void writeBytes(DataOutputStream out, char tag, byte[] b) throws IOException {
        out.writeByte(tag);
        out.writeInt(b.length);
        out.write(b);
    }

    /**
     * Reads one tagged value.
     *
     * @throws IllegalArgumentException when the bytes are not a valid encoding (names the tag and position)
     */
    static Object read(ByteBuffer in) {
        int pos = in.position();
        try {
            byte tag = in.get();
            return switch (tag) {
                case 'N' -> null;
                case 'Z' -> in.get() != 0;
                case 'B' -> in.get();
                case 'S' -> in.getShort();
                case 'C' -> in.getChar();
                case 'I' -> in.getInt();
                case 'J' -> in.getLong();
                case 'F' -> in.getFloat();
                case 'D' -> in.getDouble();
                case 'T' -> new String(bytes(in), StandardCharsets.UTF_8);
                case 'b' -> bytes(in);
                default -> throw new IllegalArgumentException("unknown value tag 0x" + Integer.toHexString(tag & 0xff)
                        + " at body position " + pos);
            };
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("body truncated in the value at position " + pos, e);
        }
    }

    private static byte[] bytes(ByteBuffer in) {
        int n = in.getInt();
        if (n < 0 || n > in.remaining()) {
            throw new IllegalArgumentException("length " + n + " exceeds the " + in.remaining()
                    + " remaining body bytes");
        }
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    static byte[] encodeMap(Map<String, Object> map) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream(16 + map.size() * 16);
        try (DataOutputStream out = new DataOutputStream(bos)) {
            out.writeInt(map.size());
            for (Map.Entry<String, Object> e : map.entrySet()) {
                byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                if (name.length > 0xffff) {
                    throw new IllegalArgumentException("map entry name longer than 65535 bytes");
                }
                out.writeShort(name.length);
                out.write(name);
                write(out, e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    static Map<String, Object> decodeMap(byte[] body) {
        Map<String, Object> map = new LinkedHashMap<>();
        if (body == null || body.length == 0) {
            return map;
        }
        ByteBuffer in = ByteBuffer.wrap(body);
        try {
            int n = in.getInt();
            if (n < 0 || n > body.length) {
                throw new IllegalArgumentException("map entry count " + n + " is impossible for " + body.length
                        + " body bytes");
            }
            for (int i = 0; i < n; i++) {
                int len = in.getShort() & 0xffff;
                if (len > in.remaining()) {
                    throw new IllegalArgumentException("map entry " + i + " name length " + len + " exceeds the body");
                }
                byte[] name = new byte[len];
                in.get(name);
                map.put(new String(name, StandardCharsets.UTF_8), read(in));
            }
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("map body truncated at position " + in.position(), e);
        }
        return map;
    }

    static byte[] encodeStream(List<Object> values) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream(16 + values.size() * 8);
        try (DataOutputStream out = new DataOutputStream(bos)) {
            for (Object v : values) {
                write(out, v);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    static List<Object> decodeStream(byte[] body) {
        List<Object> values = new ArrayList<>();
        if (body == null) {
            return values;
        }
        ByteBuffer in = ByteBuffer.wrap(body);
        while (in.hasRemaining()) {
            values.add(read(in));
        }
        return values;
    }
}
