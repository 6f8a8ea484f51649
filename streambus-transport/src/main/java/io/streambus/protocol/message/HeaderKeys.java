package io.streambus.protocol.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

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
    /** The UTF-8 bytes of {@link #keys}, on the heap (never released). */
    private final ByteBuf[] encoded = new ByteBuf[SLOTS];

    /** The key of {@code length} bytes at {@code index} of {@code buf}, the {@code position}-th header of its record. */
    public String key(int position, ByteBuf buf, int index, int length) {
        int slot = position & (SLOTS - 1);
        ByteBuf known = encoded[slot];
        if (known != null && known.readableBytes() == length && ByteBufUtil.equals(known, 0, buf, index, length)) {
            return keys[slot];
        }
        String key = buf.toString(index, length, StandardCharsets.UTF_8);
        if (length <= MAX_KEY_BYTES) {
            keys[slot] = key;
            encoded[slot] = Unpooled.wrappedBuffer(ByteBufUtil.getBytes(buf, index, length));
        }
        return key;
    }
}
