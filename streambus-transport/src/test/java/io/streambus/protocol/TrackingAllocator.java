package io.streambus.protocol;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * An allocator that remembers every buffer it hands out, so a test can assert deterministically that all were
 * released ({@link #assertAllReleased()}), without waiting for the GC-driven leak detector. Part of the test-jar.
 * Thread-safe.
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {
    private final List<ByteBuf> allocated = new ArrayList<>();

    public TrackingAllocator() {
        this(false);
    }

    public TrackingAllocator(boolean preferDirect) {
        super(preferDirect);
    }

    @Override
    protected synchronized ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf b = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        allocated.add(b);
        return b;
    }

    @Override
    protected synchronized ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf b = new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity);
        allocated.add(b);
        return b;
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    /** Buffers handed out so far. */
    public synchronized int allocations() {
        return allocated.size();
    }

    /** Throws if any buffer handed out is still referenced. */
    public synchronized void assertAllReleased() {
        List<String> live = new ArrayList<>();
        for (ByteBuf b : allocated) {
            if (b.refCnt() != 0) {
                live.add(b.toString() + " refCnt=" + b.refCnt());
            }
        }
        if (!live.isEmpty()) {
            throw new AssertionError(live.size() + " of " + allocated.size() + " buffers not released: " + live);
        }
    }
}
