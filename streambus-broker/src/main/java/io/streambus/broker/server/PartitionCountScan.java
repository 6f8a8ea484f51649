package io.streambus.broker.server;

import io.netty.buffer.ByteBuf;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Frames;

/**
 * Counts the (topic, partition) entries of an OffsetCommit or OffsetFetch frame by walking its length fields,
 * without decoding or allocating anything, so that a request listing millions of partitions is refused (code 2, a
 * length limit of step 6 of B.2) before the decoder builds an object per entry. Stateless; thread-safe.
 */
final class PartitionCountScan {
    /** The structure did not parse: the decoder will answer with the spec's code. */
    static final long UNPARSABLE = -1;

    private PartitionCountScan() {
    }

    /** True for the request types this scan understands. */
    static boolean applies(ApiKey key) {
        return key == ApiKey.OFFSET_COMMIT || key == ApiKey.OFFSET_FETCH;
    }

    /**
     * The number of partition entries in {@code frame} (header + payload, as the frame decoder emits it), or a number
     * above {@code cap} as soon as the count passes it, or {@link #UNPARSABLE}.
     */
    static long count(ApiKey key, ByteBuf frame, int cap) {
        int p = frame.readerIndex() + Frames.REQUEST_HEADER_SIZE;
        int end = frame.writerIndex();
        p = skipString(frame, p, end); // group id
        if (key == ApiKey.OFFSET_COMMIT) {
            p = p < 0 || end - p < 4 ? -1 : skipString(frame, p + 4, end); // generation id, member id
        }
        if (p < 0 || end - p < 4) {
            return UNPARSABLE;
        }
        long topics = frame.getUnsignedInt(p);
        p += 4;
        long total = 0;
        for (long t = 0; t < topics; t++) {
            p = skipString(frame, p, end);
            if (p < 0 || end - p < 4) {
                return UNPARSABLE;
            }
            long partitions = frame.getUnsignedInt(p);
            p += 4;
            total += partitions;
            if (total > cap) {
                return total;
            }
            for (long i = 0; i < partitions; i++) {
                if (key == ApiKey.OFFSET_FETCH) {
                    p = end - p < 4 ? -1 : p + 4;
                } else {
                    p = end - p < 12 ? -1 : skipString(frame, p + 12, end); // partition, offset, metadata
                }
                if (p < 0) {
                    return UNPARSABLE;
                }
            }
        }
        return total;
    }

    /** Skips a u32-length string at {@code p}; -1 if it runs past {@code end}. */
    private static int skipString(ByteBuf b, int p, int end) {
        if (p < 0 || end - p < 4) {
            return -1;
        }
        long n = b.getUnsignedInt(p);
        return n > end - p - 4 ? -1 : p + 4 + (int) n;
    }
}
