package io.streambus.protocol.message;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes fetched header keys (UTF-8, leniently as {@link ByteBuf#toString}), handing out the same String for a key
 * seen at the same header position before. The records of a topic mostly carry the same keys in the same order, so
 * most keys cost a byte comparison, not a new String (and its hash when it is looked up).
 *
 * <p>Not thread-safe: one per reading thread (a consumer's poll, one records array). Keeps at most {@value #SLOTS}
 * keys of at most {@value #MAX_KEY_BYTES} bytes each.
 */
public final class HeaderKeys {
    static final int SLOTS = 16;
    static final int MAX_KEY_BYTES = 64;

    private final String[] keys = new String[SLOTS];
    /** The UTF-8 bytes of {@link #keys}. */
    private final byte[][] encoded = new byte[SLOTS][];
    /** A key's bytes, copied out of the buffer in one go (one bounds check, not one per read). */
    private final byte[] scratch = new byte[MAX_KEY_BYTES];

    /** The key of {@code length} bytes at {@code index} of {@code buf}, the {@code position}-th header of its record. */
    public String key(int position, ByteBuf buf, int index, int length) {
        if (length > MAX_KEY_BYTES) {
            return buf.toString(index, length, StandardCharsets.UTF_8);
        }
        buf.getBytes(index, scratch, 0, length);
        int slot = position & (SLOTS - 1);
        byte[] known = encoded[slot];
        if (known != null && Arrays.equals(known, 0, known.length, scratch, 0, length)) {
            return keys[slot];
        }
        String key = new String(scratch, 0, length, StandardCharsets.UTF_8);
        keys[slot] = key;
        encoded[slot] = Arrays.copyOf(scratch, length);
        return key;
    }
}
