package io.streambus.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.streambus.protocol.message.HeaderKeys;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeaderKeysTest {
    private static ByteBuf frame(byte[] key) {
        // the key somewhere inside a bigger buffer, as in a fetched frame
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(new byte[] {1, 2, 3}).writeBytes(key).writeByte(9);
        return b;
    }

    private static String key(HeaderKeys keys, int position, byte[] key) {
        ByteBuf b = frame(key);
        try {
            return keys.key(position, b, 3, key.length);
        } finally {
            b.release();
        }
    }

    @Test
    void aKeySeenAtItsPositionIsTheSameStringAndOthersAreDecoded() {
        HeaderKeys keys = new HeaderKeys();
        byte[] type = "JMS_SB_Type".getBytes(StandardCharsets.UTF_8);
        String first = key(keys, 0, type);
        assertThat(first).isEqualTo("JMS_SB_Type");
        assertThat(key(keys, 0, type)).isSameAs(first);
        // same length, other bytes; other position; non-ASCII; malformed UTF-8 as ByteBuf.toString has it
        assertThat(key(keys, 0, "JMS_SB_Typo".getBytes(StandardCharsets.UTF_8))).isEqualTo("JMS_SB_Typo");
        assertThat(key(keys, 0, type)).isEqualTo("JMS_SB_Type");
        assertThat(key(keys, 1, "k\u00e9y".getBytes(StandardCharsets.UTF_8))).isEqualTo("k\u00e9y");
        assertThat(key(keys, 1, "k\u00e9".getBytes(StandardCharsets.UTF_8))).isEqualTo("k\u00e9");
        byte[] bad = {'a', (byte) 0xc3};
        assertThat(key(keys, 2, bad)).isEqualTo(new String(bad, StandardCharsets.UTF_8));
        assertThat(key(keys, 2, bad)).isEqualTo(new String(bad, StandardCharsets.UTF_8));
        assertThat(key(keys, 3, new byte[0])).isEmpty();
        String longKey = "x".repeat(200);
        assertThat(key(keys, 4, longKey.getBytes(StandardCharsets.UTF_8))).isEqualTo(longKey);
        assertThat(key(keys, 4 + 16, type)).isEqualTo("JMS_SB_Type"); // positions share slots
    }
}
