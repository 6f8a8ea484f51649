package io.streambus.client.producer;

import io.netty.buffer.ByteBuf;

/**
 * Chooses the partition of a record that has none. Configure by name ({@code murmur2}, {@code roundrobin},
 * {@code sticky}), by class name (public no-argument constructor) or by instance with the {@code partitioner} key.
 * Implementations must be thread-safe: one producer calls it from every sending thread.
 */
@FunctionalInterface
public interface Partitioner {

    /**
     * @param topic         destination topic
     * @param key           the application key, may be null
     * @param keyBytes      the serialized key (readable bytes only, do not modify or release), null if no key
     * @param numPartitions partition count of the topic, at least 1
     * @return a partition in {@code [0, numPartitions)}
     */
    int partition(String topic, Object key, ByteBuf keyBytes, int numPartitions);

    /** Called once when the producer closes. */
    default void close() {
    }

    /**
     * Kafka's key hash ({@code org.apache.kafka.common.utils.Utils.murmur2}), so that keys land on the same partition
     * number as with Kafka's default partitioner for the same partition count.
     *
     * @param data   key bytes
     * @param offset first byte
     * @param length number of bytes
     */
    @SuppressWarnings("fallthrough")
    static int murmur2(ByteBuf data, int offset, int length) {
        final int seed = 0x9747b28c;
        final int m = 0x5bd1e995;
        final int r = 24;
        int h = seed ^ length;
        int length4 = length / 4;
        for (int i = 0; i < length4; i++) {
            // little-endian 4-byte blocks, as in Kafka
            int k = data.getIntLE(offset + i * 4);
            k *= m;
            k ^= k >>> r;
            k *= m;
            h *= m;
            h ^= k;
        }
        int tail = offset + (length & ~3);
        switch (length % 4) {
            case 3:
                h ^= (data.getByte(tail + 2) & 0xff) << 16;
                // fall through
            case 2:
                h ^= (data.getByte(tail + 1) & 0xff) << 8;
                // fall through
            case 1:
                h ^= data.getByte(tail) & 0xff;
                h *= m;
                break;
            default:
                break;
        }
        h ^= h >>> 13;
        h *= m;
        h ^= h >>> 15;
        return h;
    }

    /** Kafka's partition for a key: {@code (murmur2(key) & 0x7fffffff) % numPartitions}. */
    static int murmur2Partition(ByteBuf keyBytes, int numPartitions) {
        return (murmur2(keyBytes, keyBytes.readerIndex(), keyBytes.readableBytes()) & 0x7fffffff) % numPartitions;
    }
}
