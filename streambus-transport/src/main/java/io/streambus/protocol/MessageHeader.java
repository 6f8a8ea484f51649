package io.streambus.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One message header (spec A.5): a UTF-8 key and raw value bytes. The value array is not copied; do not modify it.
 *
 * @param key   header key, not null
 * @param value header value, never null (null becomes empty)
 */
public record MessageHeader(String key, byte[] value) {
    public MessageHeader {
        Objects.requireNonNull(key, "header key");
        value = Checks.bytes(value);
    }

    /** A header whose value is the UTF-8 encoding of {@code value}. */
    public static MessageHeader of(String key, String value) {
        return new MessageHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The value decoded as UTF-8. */
    public String valueAsString() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageHeader h && key.equals(h.key) && Arrays.equals(value, h.value);
    }

    @Override
    public int hashCode() {
        return 31 * key.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return key + "=" + valueAsString();
    }
}
