package io.streambus.benchmarks.perf;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** Counters, a latency recorder (HdrHistogram) and the once-a-second progress line. Thread-safe. */
public final class Stats implements AutoCloseable {
    private final String label;
    private final long recordBytes;
    private final LongAdder count = new LongAdder();
    private final Recorder latency = new Recorder(3);
    private final Histogram total = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    private final Thread reporter;
    private volatile long startNanos;
    private volatile long endNanos;
    private volatile boolean running = true;

    public Stats(String label, long recordBytes) {
        this.label = label;
        this.recordBytes = recordBytes;
        this.reporter = new Thread(this::report, "perf-progress");
        this.reporter.setDaemon(true);
    }

    /** Starts the clock and the progress line. */
    public void start() {
        startNanos = System.nanoTime();
        reporter.start();
    }

    public void record(long latencyNanos) {
        count.increment();
        latency.recordValue(Math.min(latencyNanos, TimeUnit.SECONDS.toNanos(60)));
    }

    public void add(long records) {
        count.add(records);
    }

    /** Records a latency without counting a record (per-poll timings). */
    public void latencyOnly(long nanos) {
        latency.recordValue(Math.min(nanos, TimeUnit.SECONDS.toNanos(60)));
    }

    public long count() {
        return count.sum();
    }

    public void stop() {
        endNanos = System.nanoTime();
        running = false;
        reporter.interrupt();
        try {
            reporter.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void report() {
        long last = 0;
        long lastT = startNanos;
        while (running) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                break;
            }
            long now = System.nanoTime();
            long c = count.sum();
            Histogram h = latency.getIntervalHistogram();
            synchronized (total) {
                total.add(h);
            }
            double rate = (c - last) * 1e9 / (now - lastT);
            System.out.printf(Locale.ROOT, "%s: %d records, %.0f msgs/s, %.1f MB/s, p50 %.1f us, p99 %.1f us%n",
                    label, c, rate, rate * recordBytes / 1e6, h.getValueAtPercentile(50) / 1e3,
                    h.getValueAtPercentile(99) / 1e3);
            last = c;
            lastT = now;
        }
    }

    /** The final line. */
    public String summary() {
        Histogram h;
        synchronized (total) {
            total.add(latency.getIntervalHistogram());
            h = total.copy();
        }
        long c = count.sum();
        double secs = (endNanos - startNanos) / 1e9;
        double rate = c / secs;
        return String.format(Locale.ROOT,
                "RESULT %s: %d records in %.2f s = %.0f msgs/s, %.2f MB/s; latency p50 %.1f us, p99 %.1f us, "
                        + "p999 %.1f us, max %.1f us", label, c, secs, rate, rate * recordBytes / 1e6,
                h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
                h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3);
    }

    @Override
    public void close() {
        if (running) {
            stop();
        }
    }
}
