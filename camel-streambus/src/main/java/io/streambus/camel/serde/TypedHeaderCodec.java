package io.streambus.camel.serde;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.streambus.camel.StreamBusConstants;
import io.streambus.common.Header;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.camel.Exchange;

/**
 * The default header codec: keeps the Java type of header values across a round trip and keeps the values readable
 * for clients that are not Camel.
 *
 * <h2>Wire format</h2>
 * Each Camel header becomes one record header whose value is
 * <ul>
 * <li>the UTF-8 text of the value for {@code String}, {@code Integer}, {@code Long}, {@code Short}, {@code Byte},
 *     {@code Double}, {@code Float} ({@code Double.toString}/{@code Float.toString}, which round-trip exactly),
 *     {@code Boolean} ({@code true}/{@code false}) and {@code Character};</li>
 * <li>the raw bytes for {@code byte[]} (also {@link ByteBuffer} and {@link ByteBuf} values, sent as their readable
 *     bytes and received as {@code byte[]});</li>
 * <li>empty for {@code null}.</li>
 * </ul>
 * One more record header, {@value StreamBusConstants#WIRE_TYPES_HEADER}, lists the type of every header written:
 * comma-separated {@code name=TAG} entries, where in the name {@code %}, {@code ,} and {@code =} are written as
 * {@code %25}, {@code %2C} and {@code %3D}. Tags: {@code S} String, {@code I} Integer, {@code L} Long, {@code H} Short,
 * {@code Y} Byte, {@code D} Double, {@code F} Float, {@code Z} Boolean, {@code C} Character, {@code B} byte[],
 * {@code N} null. Example: {@code orderId=L,express=Z,note=S}.
 *
 * <p>Other types are converted to String with Camel's type converters, or refused, as the
 * {@link UnsupportedHeaderPolicy} says; they are never dropped.
 *
 * <p>On the way in, headers listed in the types header get their type back; a value that does not parse as its tag
 * says is a {@link StreamBusHeaderException}. Headers without type information (written by other clients) become
 * Strings (UTF-8), or {@code byte[]} when configured so (and always {@code byte[]} when they are not valid UTF-8).
 *
 * <p>Immutable and thread-safe.
 */
public final class TypedHeaderCodec implements StreamBusHeaderSerializer, StreamBusHeaderDeserializer {

    private final UnsupportedHeaderPolicy unsupportedPolicy;
    private final boolean untypedAsBytes;

    /**
     * @param unsupportedPolicy what to do with values of other types
     * @param untypedAsBytes    true to deliver headers without type information as {@code byte[]} rather than String
     */
    public TypedHeaderCodec(UnsupportedHeaderPolicy unsupportedPolicy, boolean untypedAsBytes) {
        this.unsupportedPolicy = Objects.requireNonNull(unsupportedPolicy, "unsupportedPolicy");
        this.untypedAsBytes = untypedAsBytes;
    }

    /** Converts unsupported types to String; untyped headers arrive as String. */
    public TypedHeaderCodec() {
        this(UnsupportedHeaderPolicy.CONVERT_TO_STRING, false);
    }

    @Override
    public List<Header> serialize(Map<String, Object> headers, Exchange exchange) {
        if (headers.isEmpty()) {
            return List.of();
        }
        List<Header> out = new ArrayList<>(headers.size() + 1);
        StringBuilder types = new StringBuilder(headers.size() * 8);
        for (Map.Entry<String, Object> e : headers.entrySet()) {
            String name = e.getKey();
            if (StreamBusConstants.WIRE_TYPES_HEADER.equals(name)) {
                throw new StreamBusHeaderException(name, "this name is reserved for the header type list");
            }
            Object value = e.getValue();
            char tag;
            byte[] bytes;
            if (value == null) {
                tag = 'N';
                bytes = new byte[0];
            } else if (value instanceof String s) {
                tag = 'S';
                bytes = s.getBytes(StandardCharsets.UTF_8);
            } else if (value instanceof byte[] b) {
                tag = 'B';
                bytes = b;
            } else if (value instanceof Integer || value instanceof Long || value instanceof Short
                    || value instanceof Byte || value instanceof Double || value instanceof Float
                    || value instanceof Boolean || value instanceof Character) {
                tag = tagOf(value);
                bytes = value.toString().getBytes(StandardCharsets.UTF_8);
            } else if (value instanceof ByteBuffer bb) {
                tag = 'B';
                ByteBuffer d = bb.duplicate();
                bytes = new byte[d.remaining()];
                d.get(bytes);
            } else if (value instanceof ByteBuf buf) {
                tag = 'B';
                bytes = ByteBufUtil.getBytes(buf);
            } else {
                tag = 'S';
                bytes = unsupported(name, value, exchange).getBytes(StandardCharsets.UTF_8);
            }
            out.add(new Header(name, bytes));
            if (types.length() > 0) {
                types.append(',');
            }
            escapeName(name, types);
            types.append('=').append(tag);
        }
        out.add(Header.of(StreamBusConstants.WIRE_TYPES_HEADER, types.toString()));
        return out;
    }

    private String unsupported(String name, Object value, Exchange exchange) {
        String type = value.getClass().getName();
        if (unsupportedPolicy == UnsupportedHeaderPolicy.FAIL) {
            throw new StreamBusHeaderException(name, "values of type " + type + " cannot be sent as record headers "
                    + "(supported: String, Integer, Long, Short, Byte, Double, Float, Boolean, Character, byte[]); "
                    + "convert it, filter it out, or set unsupportedHeaderPolicy=CONVERT_TO_STRING");
        }
        String s = exchange == null ? null
                : exchange.getContext().getTypeConverter().tryConvertTo(String.class, exchange, value);
        if (s == null) {
            throw new StreamBusHeaderException(name, "value of type " + type + " has no conversion to String, so it "
                    + "cannot be sent as a record header; convert it or filter it out");
        }
        return s;
    }

    private static char tagOf(Object v) {
        if (v instanceof Integer) {
            return 'I';
        } else if (v instanceof Long) {
            return 'L';
        } else if (v instanceof Short) {
            return 'H';
        } else if (v instanceof Byte) {
            return 'Y';
        } else if (v instanceof Double) {
            return 'D';
        } else if (v instanceof Float) {
            return 'F';
        } else if (v instanceof Boolean) {
            return 'Z';
        } else {
            return 'C';
        }
    }

    @Override
    public Map<String, Object> deserialize(List<Header> headers) {
        if (headers.isEmpty()) {
            return Map.of();
        }
        Map<String, Character> types = null;
        for (Header h : headers) {
            if (StreamBusConstants.WIRE_TYPES_HEADER.equals(h.key())) {
                types = parseTypes(h.valueAsString());
                break;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>(headers.size() * 2);
        for (Header h : headers) {
            String name = h.key();
            if (StreamBusConstants.WIRE_TYPES_HEADER.equals(name)) {
                continue;
            }
            Character tag = types == null ? null : types.get(name);
            out.put(name, tag == null ? untyped(h.value()) : decode(name, tag, h.value()));
        }
        return out;
    }

    private Object untyped(byte[] value) {
        if (untypedAsBytes) {
            return value;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            // Not text: handing out a String with replacement characters would lose data.
            return value;
        }
    }

    private static Object decode(String name, char tag, byte[] value) {
        if (tag == 'B') {
            return value;
        }
        if (tag == 'N') {
            return null;
        }
        String s = new String(value, StandardCharsets.UTF_8);
        try {
            return switch (tag) {
                case 'S' -> s;
                case 'I' -> Integer.valueOf(s);
                case 'L' -> Long.valueOf(s);
                case 'H' -> Short.valueOf(s);
                case 'Y' -> Byte.valueOf(s);
                case 'D' -> Double.valueOf(s);
                case 'F' -> Float.valueOf(s);
                case 'Z' -> parseBoolean(name, s);
                case 'C' -> {
                    if (s.length() != 1) {
                        throw new StreamBusHeaderException(name, "type tag C needs exactly one character, got '"
                                + abbreviate(s) + "'");
                    }
                    yield s.charAt(0);
                }
                default -> throw new StreamBusHeaderException(name, "unknown type tag '" + tag + "' in "
                        + StreamBusConstants.WIRE_TYPES_HEADER);
            };
        } catch (NumberFormatException e) {
            throw new StreamBusHeaderException(name, "value '" + abbreviate(s) + "' is not valid for type tag " + tag,
                    e);
        }
    }

    private static Boolean parseBoolean(String name, String s) {
        if ("true".equals(s)) {
            return Boolean.TRUE;
        }
        if ("false".equals(s)) {
            return Boolean.FALSE;
        }
        throw new StreamBusHeaderException(name, "value '" + abbreviate(s) + "' is not valid for type tag Z "
                + "(true or false)");
    }

    private static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }

    /** Parses the type list; a malformed entry is an error naming the entry. */
    static Map<String, Character> parseTypes(String list) {
        Map<String, Character> types = new HashMap<>();
        if (list.isEmpty()) {
            return types;
        }
        for (String entry : list.split(",", -1)) {
            int eq = entry.lastIndexOf('=');
            if (eq <= 0 || eq != entry.length() - 2) {
                throw new StreamBusHeaderException(StreamBusConstants.WIRE_TYPES_HEADER,
                        "malformed entry '" + abbreviate(entry) + "' (expected name=TAG)");
            }
            types.put(unescapeName(entry.substring(0, eq)), entry.charAt(eq + 1));
        }
        return types;
    }

    static void escapeName(String name, StringBuilder out) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            switch (c) {
                case '%' -> out.append("%25");
                case ',' -> out.append("%2C");
                case '=' -> out.append("%3D");
                default -> out.append(c);
            }
        }
    }

    static String unescapeName(String escaped) {
        if (escaped.indexOf('%') < 0) {
            return escaped;
        }
        StringBuilder sb = new StringBuilder(escaped.length());
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c == '%' && i + 2 < escaped.length()) {
                String code = escaped.substring(i + 1, i + 3);
                switch (code) {
                    case "25" -> sb.append('%');
                    case "2C" -> sb.append(',');
                    case "3D" -> sb.append('=');
                    default -> throw new StreamBusHeaderException(StreamBusConstants.WIRE_TYPES_HEADER,
                            "bad escape %" + code + " in header name '" + abbreviate(escaped) + "'");
                }
                i += 2;
            } else if (c == '%') {
                throw new StreamBusHeaderException(StreamBusConstants.WIRE_TYPES_HEADER,
                        "truncated escape in header name '" + abbreviate(escaped) + "'");
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
