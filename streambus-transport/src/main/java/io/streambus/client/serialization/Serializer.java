package io.streambus.client.serialization;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Turns an application object into the bytes of a key or value. Implementations must be thread-safe.
 * The returned buffer is owned (and released) by the producer; return a retained buffer or a new one.
 */
@FunctionalInterface
public interface Serializer<T> {
    /**
     * @param topic the destination topic
     * @param data  the object, may be null
     * @param alloc allocator for the result
     * @return the encoded bytes, or null for "no bytes" (empty on the wire)
     */
    ByteBuf serialize(String topic, T data, ByteBufAllocator alloc);
}
