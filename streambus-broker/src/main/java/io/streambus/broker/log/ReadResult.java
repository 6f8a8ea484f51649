package io.streambus.broker.log;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Messages returned by {@link PartitionLog#read}: the readable bytes of {@code messages} are {@code count} A.5
 * messages with their offsets filled in, without the u32 count prefix, ascending from {@code firstOffset} to
 * {@code lastOffset} (both -1 when {@code count} is 0). {@code highWaterMark} is the partition's high-water mark
 * when the read started.
 *
 * <p>The caller owns {@code messages} (one reference) and must release it exactly once: directly, through
 * {@link #close()}, or by handing it to something that releases it (for example a Netty write). Not thread-safe.
 */
public record ReadResult(ByteBuf messages, int count, long firstOffset, long lastOffset, long highWaterMark)
        implements AutoCloseable {

    /** A result with no messages; its buffer needs no release (releasing it is harmless). */
    public static ReadResult empty(long highWaterMark) {
        return new ReadResult(Unpooled.EMPTY_BUFFER, 0, -1, -1, highWaterMark);
    }

    /** Releases {@link #messages()}; call at most once, and not after handing the buffer on. */
    @Override
    public void close() {
        messages.release();
    }
}
