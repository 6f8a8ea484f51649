package io.streambus.jms.message;

import jakarta.jms.MessageFormatException;

/**
 * The JMS value conversion rules (Jakarta Messaging 3.1, §3.5.4 for properties, §3.11.3 for MapMessage and
 * StreamMessage bodies): a value written as the row type may be read as the column types, everything else is a
 * {@link MessageFormatException}. Reading a null as a primitive behaves like the primitive's {@code valueOf(null)}
 * (so {@code false} for boolean, {@link NumberFormatException} for the integral types, {@link NullPointerException}
 * for float, double and char), as the specification requires.
 *
 * <p>Stateless and thread-safe.
 */
final class Conversions {
    private Conversions() {
    }

    // Each reader: the boxed types the target may be read from, else a String (or null) parsed by the target's
    // parse/valueOf method, else a MessageFormatException (see parsed).

    static boolean toBoolean(Object v) throws MessageFormatException {
        return v instanceof Boolean b ? b : Boolean.parseBoolean(parsed(v, "boolean"));
    }

    static byte toByte(Object v) throws MessageFormatException {
        return v instanceof Byte b ? b : Byte.parseByte(parsed(v, "byte"));
    }

    static short toShort(Object v) throws MessageFormatException {
        return v instanceof Short || v instanceof Byte ? ((Number) v).shortValue()
                : Short.parseShort(parsed(v, "short"));
    }

    static int toInt(Object v) throws MessageFormatException {
        return v instanceof Integer || v instanceof Short || v instanceof Byte ? ((Number) v).intValue()
                : Integer.parseInt(parsed(v, "int"));
    }

    static long toLong(Object v) throws MessageFormatException {
        return v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
                ? ((Number) v).longValue()
                : Long.parseLong(parsed(v, "long"));
    }

    static float toFloat(Object v) throws MessageFormatException {
        // Float.valueOf(null) throws NullPointerException, which the spec asks for.
        return v instanceof Float f ? f : Float.valueOf(parsed(v, "float"));
    }

    static double toDouble(Object v) throws MessageFormatException {
        return v instanceof Double || v instanceof Float ? ((Number) v).doubleValue()
                : Double.valueOf(parsed(v, "double"));
    }

    /**
     * The String a value of no directly readable type is parsed from: itself when it is a String or null (the
     * target's parse method then decides, null included), otherwise the value cannot be read as {@code target}.
     */
    private static String parsed(Object v, String target) throws MessageFormatException {
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw bad(v, target);
    }

    /** Only for MapMessage and StreamMessage bodies: a char reads only as char or String. */
    static char toChar(Object v) throws MessageFormatException {
        if (v instanceof Character c) {
            return c;
        }
        if (v == null) {
            throw new NullPointerException("the value is null and cannot be read as char");
        }
        throw bad(v, "char");
    }

    static String toStringValue(Object v) throws MessageFormatException {
        if (v == null) {
            return null;
        }
        if (v instanceof byte[]) {
            throw bad(v, "String");
        }
        return v.toString();
    }

    /** Only for MapMessage and StreamMessage bodies. */
    static byte[] toBytes(Object v) throws MessageFormatException {
        if (v == null) {
            return null;
        }
        if (v instanceof byte[] b) {
            return b;
        }
        throw bad(v, "byte[]");
    }

    /**
     * The value a MapMessage or StreamMessage stores for a {@code setObject}/{@code writeObject} argument: checked
     * against the body value types, byte arrays copied so that the caller's later changes do not show.
     *
     * @param where names the call in the error, e.g. {@code "StreamMessage.writeObject"}
     */
    static Object bodyValue(Object value, String where) throws MessageFormatException {
        if (value != null && !isBodyValueType(value)) {
            throw new MessageFormatException(where + ": " + value.getClass().getName()
                    + " is not a primitive wrapper, String or byte[]");
        }
        return copied(value);
    }

    /** The value itself, or a copy when it is a byte array (body byte arrays are never shared with callers). */
    static Object copied(Object value) {
        return value instanceof byte[] b ? b.clone() : value;
    }

    /** {@code length} bytes of {@code value} from {@code offset}, for the {@code (value, offset, length)} setters. */
    static byte[] copied(byte[] value, int offset, int length) {
        byte[] copy = new byte[length];
        System.arraycopy(value, offset, copy, 0, length);
        return copy;
    }

    /** True for the object types a JMS property may hold. */
    static boolean isPropertyType(Object v) {
        return v instanceof String || v instanceof Integer || v instanceof Long || v instanceof Boolean
                || v instanceof Double || v instanceof Float || v instanceof Short || v instanceof Byte;
    }

    /** True for the object types a MapMessage or StreamMessage may hold (properties types, char and byte[]). */
    static boolean isBodyValueType(Object v) {
        return isPropertyType(v) || v instanceof Character || v instanceof byte[];
    }

    static MessageFormatException bad(Object v, String target) {
        return new MessageFormatException("a value of type " + typeName(v) + " cannot be read as " + target
                + " (JMS conversion rules)");
    }

    static String typeName(Object v) {
        return v == null ? "null" : v instanceof byte[] ? "byte[]" : v.getClass().getSimpleName();
    }
}
