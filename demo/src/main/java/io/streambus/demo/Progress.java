package io.streambus.demo;

import java.io.PrintStream;
import java.util.BitSet;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what a phase sent and received (each message by its sequence number, so duplicates are seen) and prints a
 * line once a second. Thread-safe.
 */
public final class Progress implements AutoCloseable {
    private final String name;
    private final long expected;
    private final PrintStream out;
    private final AtomicLong sent = new AtomicLong();
    private final BitSet seen = new BitSet();
    private long received;
    private long duplicates;
    private final long startNanos = System.nanoTime();
    private final ScheduledExecutorService ticker;
    private long lastReceived;

    public Progress(String name, long expected, PrintStream out) {
        this.name = name;
        this.expected = expected;
        this.out = out;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-progress-" + name);
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::print, 1, 1, TimeUnit.SECONDS);
    }

    public void sent(long n) {
        sent.addAndGet(n);
    }

    /** A message with sequence number {@code seq} (0-based) arrived. */
    public synchronized void received(int seq) {
        if (seen.get(seq)) {
            duplicates++;
        } else {
            seen.set(seq);
            received++;
        }
    }

    public synchronized long received() {
        return received;
    }

    public synchronized long duplicates() {
        return duplicates;
    }

    public long sent() {
        return sent.get();
    }

    public boolean complete() {
        return received() >= expected;
    }

    private void print() {
        long r = received();
        long rate = r - lastReceived;
        lastReceived = r;
        out.printf(Locale.ROOT, "[%s] sent %,d  received %,d  %,d msgs/s%n", name, sent(), r, rate);
    }

    /** Prints the summary line. */
    public void summary() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long r = received();
        out.printf(Locale.ROOT, "[%s] %s: sent %,d, received %,d of %,d%s in %.1f s (%,.0f msgs/s)%n", name,
                r >= expected ? "done" : "INCOMPLETE", sent(), r, expected,
                duplicates() > 0 ? " (+" + duplicates() + " redelivered)" : "", seconds, r / seconds);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
