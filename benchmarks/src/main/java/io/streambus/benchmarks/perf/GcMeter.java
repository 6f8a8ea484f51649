package io.streambus.benchmarks.perf;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * What this JVM's garbage collection cost over a measured run: collections, the time they paused the application
 * (the stop-the-world collectors' accumulated time; concurrent cycles are left out) and the bytes allocated by all
 * live threads, per record; and the process's CPU time per record. Against a broker in another process ({@code --brokers}) these are the client's alone;
 * with {@code --embedded} they include the broker's. Not thread-safe: one run at a time.
 */
public final class GcMeter {
    private long collections;
    private long pauseMillis;
    private long allocated;
    private long cpuNanos;

    /** Takes the starting counts. */
    public void start() {
        collections = collections();
        pauseMillis = pauseMillis();
        allocated = allocatedBytes();
        cpuNanos = processCpuNanos();
    }

    /** The GC line for {@code records} records since {@link #start()}. */
    public String summary(long records) {
        long n = collections() - collections;
        long ms = pauseMillis() - pauseMillis;
        long bytes = allocatedBytes() - allocated;
        long cpu = processCpuNanos() - cpuNanos;
        return String.format(Locale.ROOT, "GC %d collection(s), %d ms paused = %.0f ms per 2M records; "
                        + "%.0f B allocated per record (all threads of this JVM); %.0f ns CPU per record (this JVM, "
                        + "GC and JIT included)", n, ms,
                records == 0 ? 0.0 : ms * 2_000_000.0 / records, records == 0 ? 0.0 : (double) bytes / records,
                records == 0 || cpu < 0 ? 0.0 : (double) cpu / records);
    }

    private static long collections() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (isPausing(gc)) {
                n += Math.max(0, gc.getCollectionCount());
            }
        }
        return n;
    }

    private static long pauseMillis() {
        long ms = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (isPausing(gc)) {
                ms += Math.max(0, gc.getCollectionTime());
            }
        }
        return ms;
    }

    /** G1 (JDK 20+) and ZGC/Shenandoah report concurrent cycles as beans of their own, which do not pause. */
    private static boolean isPausing(GarbageCollectorMXBean gc) {
        String name = gc.getName();
        return !name.contains("Concurrent") && !name.contains("Cycles");
    }

    /**
     * CPU time of this process so far (every thread, GC and JIT included), or -1 where unsupported: unlike the
     * rate, it hardly depends on what else loads the machine.
     */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** Bytes allocated so far by the live threads (HotSpot's per-thread counters), or 0 where unsupported. */
    private static long allocatedBytes() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t)
                || !t.isThreadAllocatedMemorySupported() || !t.isThreadAllocatedMemoryEnabled()) {
            return 0;
        }
        long sum = 0;
        for (long b : t.getThreadAllocatedBytes(t.getAllThreadIds())) {
            sum += Math.max(0, b);
        }
        return sum;
    }
}
