package io.streambus.broker.testing;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit extension that fails a test class when Netty's leak detector reports a leaked {@link ByteBuf} during it.
 * Netty only logs leaks; this registers a listener on the ByteBuf leak detector and, after the class, runs the
 * garbage collector and allocates a few buffers (reports happen on allocation) to flush pending reports. Use with
 * {@code -Dio.netty.leakDetection.level=paranoid} (the build sets it) and {@code @ExtendWith(LeakCheck.class)}.
 */
public final class LeakCheck implements BeforeAllCallback, AfterAllCallback {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static boolean installed;

    @Override
    public void beforeAll(ExtensionContext context) {
        install();
        flush();
        LEAKS.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> found = collect();
        if (!found.isEmpty()) {
            throw new AssertionError(found.size() + " ByteBuf leak(s) reported during "
                    + context.getDisplayName() + ":\n" + String.join("\n----\n", found));
        }
    }

    /** Flushes pending reports and returns (and forgets) the leaks reported since the last call. */
    static List<String> collect() {
        install();
        flush();
        List<String> found = new ArrayList<>(LEAKS);
        LEAKS.clear();
        return found;
    }

    private static synchronized void install() {
        if (installed) {
            return;
        }
        try {
            Field f = AbstractByteBuf.class.getDeclaredField("leakDetector");
            f.setAccessible(true);
            ResourceLeakDetector<?> detector = (ResourceLeakDetector<?>) f.get(null);
            detector.setLeakListener((type, records) -> LEAKS.add(type + ": " + records));
            installed = true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot hook Netty's leak detector", e);
        }
    }

    /** GC, then allocate so that the detector drains its queue of collected, unreleased buffers. */
    private static void flush() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                Thread.sleep(30); // gives the GC's reference handler time to enqueue; there is no event to wait for
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            for (int i = 0; i < 64; i++) {
                PooledByteBufAllocator.DEFAULT.buffer(16).release();
                PooledByteBufAllocator.DEFAULT.directBuffer(16).release();
            }
        }
    }
}
