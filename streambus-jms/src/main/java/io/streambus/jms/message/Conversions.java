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

    static boolean toBoolean(Object v) throws MessageFormatException {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v == null || v instanceof String) {
            return Boolean.parseBoolean((String) v);
        }
        throw bad(v, "boolean");
    }

    static byte toByte(Object v) throws MessageFormatException {
        if (v instanceof Byte b) {
            return b;
        }
        if (v == null || v instanceof String) {
            return Byte.parseByte((String) v);
        }
        throw bad(v, "byte");
    }

    static short toShort(Object v) throws MessageFormatException {
        if (v instanceof Short || v instanceof Byte) {
            return ((Number) v).shortValue();
        }
        if (v == null || v instanceof String) {
            return Short.parseShort((String) v);
        }
        throw bad(v, "short");
    }

    static int toInt(Object v) throws MessageFormatException {
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).intValue();
        }
        if (v == null || v instanceof String) {
            return Integer.parseInt((String) v);
        }
        throw bad(v, "int");
    }

    static long toLong(Object v) throws MessageFormatException {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v == null || v instanceof String) {
            return Long.parseLong((String) v);
        }
        throw bad(v, "long");
    }

    static float toFloat(Object v) throws MessageFormatException {
        if (v instanceof Float f) {
            return f;
        }
        if (v == null || v instanceof String) {
            // Float.valueOf(null) throws NullPointerException, which the spec asks for.
            return Float.valueOf((String) v);
        }
        throw bad(v, "float");
    }

    static double toDouble(Object v) throws MessageFormatException {
        if (v instanceof Double || v instanceof Float) {
            return ((Number) v).doubleValue();
        }
        if (v == null || v instanceof String) {
            return Double.valueOf((String) v);
        }
        throw bad(v, "double");
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
