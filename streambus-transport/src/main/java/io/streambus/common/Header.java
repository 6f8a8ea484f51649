package io.streambus.common;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One record header: a UTF-8 key and raw bytes. Immutable and thread-safe; the value array is not copied, so callers
 * must not modify it after handing it over.
 *
 * <p>The wire protocol keeps headers in the order the application supplied them (spec A.5). The reference broker
 * drops headers; brokers that keep them advertise {@code PRESERVES_HEADERS_AND_TIMESTAMPS}.
 */
public final class Header {
    private final String key;
    private final byte[] value;

    public Header(String key, byte[] value) {
        this.key = Objects.requireNonNull(key, "header key");
        this.value = value == null ? new byte[0] : value;
    }

    /** A header whose value is the UTF-8 encoding of {@code value}. */
    public static Header of(String key, String value) {
        return new Header(key, value.getBytes(StandardCharsets.UTF_8));
    }

    public String key() {
        return key;
    }

    /** The raw value; never null (the protocol has no null, an empty value is "absent"). */
    public byte[] value() {
        return value;
    }

    /** The value decoded as UTF-8. */
    public String valueAsString() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Header h && key.equals(h.key) && Arrays.equals(value, h.value);
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
