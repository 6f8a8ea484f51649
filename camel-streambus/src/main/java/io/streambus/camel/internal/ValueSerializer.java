package io.streambus.camel.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.streambus.client.serialization.Serializer;
import java.nio.ByteBuffer;

/**
 * The producer's default serializer for keys and values, which the producer has already converted (with Camel's
 * type converters, on the calling thread) to one of: String (UTF-8, written straight into a pooled buffer), byte[]
 * and ByteBuffer (wrapped, copied once into the batch by the client) or ByteBuf (zero-copy: a retained duplicate, so
 * the exchange keeps its own reference). Stateless and thread-safe.
 */
public final class ValueSerializer implements Serializer<Object> {

    public static final ValueSerializer INSTANCE = new ValueSerializer();

    private ValueSerializer() {
    }

    @Override
    public ByteBuf serialize(String topic, Object data, ByteBufAllocator alloc) {
        if (data == null) {
            return null;
        }
        if (data instanceof String s) {
            ByteBuf buf = alloc.buffer(ByteBufUtil.utf8MaxBytes(s));
            ByteBufUtil.writeUtf8(buf, s);
            return buf;
        }
        if (data instanceof byte[] b) {
            return Unpooled.wrappedBuffer(b);
        }
        if (data instanceof ByteBuf b) {
            return b.retainedDuplicate();
        }
        if (data instanceof ByteBuffer bb) {
            return Unpooled.wrappedBuffer(bb.duplicate());
        }
        throw new IllegalArgumentException("cannot serialize a " + data.getClass().getName() + " for topic " + topic
                + " (expected String, byte[], ByteBuf or ByteBuffer)");
    }
}
