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
}
