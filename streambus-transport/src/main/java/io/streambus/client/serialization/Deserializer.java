package io.streambus.client.serialization;

import io.netty.buffer.ByteBuf;

/**
 * Turns key or value bytes into an application object. Implementations must be thread-safe.
 * The buffer is only valid during the call: copy or {@code retain()} it to keep it.
 */
@FunctionalInterface
public interface Deserializer<T> {
    /**
     * @param topic the source topic
     * @param data  the bytes (readable bytes only), never null; empty when the field was absent
     */
    T deserialize(String topic, ByteBuf data);

    /**
     * Deserializes the {@code length} bytes of {@code buffer} at {@code index}, leaving its indexes alone; the
     * consumer calls this with the fetched frame itself. The default wraps the range in a slice and calls
     * {@link #deserialize(String, ByteBuf)}; the built-in deserializers override it to read the range straight
     * from the buffer (no wrapper object per record). Same validity rule: the buffer is only valid during the call.
     *
     * @param topic  the source topic
     * @param buffer the buffer holding the bytes, never null
     * @param index  absolute index of the first byte in {@code buffer}
     * @param length number of bytes; 0 when the field was absent
     */
    default T deserialize(String topic, ByteBuf buffer, int index, int length) {
        return deserialize(topic, buffer.slice(index, length));
    }
}
