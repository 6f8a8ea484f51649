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
    private static final byte[] EMPTY = new byte[0];

    private final String key;
    private final byte[] value;
    /** The key as UTF-8, kept by {@link #withEncodedKey} and shared by {@link #withValue}; null otherwise. */
    private final byte[] encodedKey;

    public Header(String key, byte[] value) {
        this(Objects.requireNonNull(key, "header key"), null, value);
    }

    private Header(String key, byte[] encodedKey, byte[] value) {
        this.key = key;
        this.encodedKey = encodedKey;
        this.value = value == null ? EMPTY : value;
    }

    /** A header whose value is the UTF-8 encoding of {@code value}. */
    public static Header of(String key, String value) {
        return new Header(key, value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * As the constructor, and the key's UTF-8 encoding is computed once and kept, so that a record writer copies it
     * instead of encoding the key for every record: for a header sent with many records, or the template of
     * {@link #withValue} for a key that many records carry.
     */
    public static Header withEncodedKey(String key, byte[] value) {
        return new Header(Objects.requireNonNull(key, "header key"), key.getBytes(StandardCharsets.UTF_8), value);
    }

    /** A header with this one's key (and its kept encoding, if any) and {@code value}. */
    public Header withValue(byte[] value) {
        return new Header(key, encodedKey, value);
    }

    /** As {@link #withValue(byte[])} with the UTF-8 encoding of {@code value}. */
    public Header withValue(String value) {
        return new Header(key, encodedKey, value.getBytes(StandardCharsets.UTF_8));
    }

    public String key() {
        return key;
    }

    /**
     * The key as UTF-8 when it was kept ({@link #withEncodedKey}, {@link #withValue} of such a header), else null.
     * Not copied: callers must not modify it.
     */
    public byte[] encodedKey() {
        return encodedKey;
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
