package io.streambus.protocol;

import io.streambus.common.Header;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.protocol.message.MessageBlockWriter;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain test-side message with value semantics, to build and compare blocks. */
record Msg(long offset, long timestampNanos, byte[] key, byte[] value, List<Header> headers) {
    Msg {
        key = key == null ? new byte[0] : key;
        value = value == null ? new byte[0] : value;
        headers = List.copyOf(headers);
    }

    static Msg of(long offset, long ts, String key, String value, Header... headers) {
        return new Msg(offset, ts, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8), List.of(headers));
    }

    static MessageBlock block(ByteBufAllocator alloc, List<Msg> msgs) {
        try (MessageBlockWriter w = new MessageBlockWriter(alloc, 64)) {
            for (Msg m : msgs) {
                w.append(m.offset, m.timestampNanos, m.key, m.value, m.headers);
            }
            return w.finish();
        }
    }

    static List<Msg> read(MessageBlock block) {
        List<Msg> list = new ArrayList<>();
        block.forEach(c -> list.add(new Msg(c.offset(), c.timestampNanos(), c.keyBytes(), c.valueBytes(),
                c.headers())));
        return list;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Msg m && offset == m.offset && timestampNanos == m.timestampNanos
                && Arrays.equals(key, m.key) && Arrays.equals(value, m.value) && headers.equals(m.headers);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(offset) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Msg{" + offset + ", " + timestampNanos + ", " + new String(key, StandardCharsets.UTF_8) + ", "
                + new String(value, StandardCharsets.UTF_8) + ", " + headers + "}";
    }
}
