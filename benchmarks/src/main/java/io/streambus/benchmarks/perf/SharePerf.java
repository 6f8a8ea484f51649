package io.streambus.benchmarks.perf;

import io.streambus.client.StreamBusClient;
import io.streambus.client.admin.ShareGroupDescription;
import io.streambus.client.admin.ShareGroupSettings;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.client.serialization.Serdes;
import io.streambus.client.share.ShareConsumer;
import io.streambus.client.share.ShareRecord;
import io.streambus.common.TopicPartition;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

/**
 * Share-group consumption against a plain partition consumer in the same run (issue 11's performance figures): the
 * topic's partition 0 is read by a plain consumer (assign, from the start, {@value #PLAIN_READS} times), then, for
 * each consumer count of {@code --consumers}, by that many share consumers of a fresh share group (implicit
 * acknowledgement, client and group defaults otherwise, each with its own client) until every record is accepted,
 * then by the plain consumer again. Each pass prints records/s and the ratio to the mean of the two plain passes;
 * with an embedded broker also the broker's cost: the CPU of its threads per record (a share pass's minus the plain
 * passes' is the cost of acquiring and acknowledging one record) and the bytes its share state log grew by per
 * record. Not thread-safe; one run at a time.
 */
public final class SharePerf {
    /** Threads of a broker in this JVM (server I/O, workers, writers, timers); client threads carry a client id. */
    private static final Pattern BROKER_THREAD = Pattern.compile(
            "streambus-(io-\\d+-\\d+|accept-\\d+-\\d+|worker-\\d+|share-state-writer|offsets-writer"
                    + "|membership-writer|group-timers|log-.*|eos-timer)");

    private static final int PLAIN_READS = 3;

    private SharePerf() {
    }

    /** One measured pass. */
    private record Pass(String label, long records, long nanos, long brokerCpuNanos, long stateBytes,
                        long processCpuNanos) {
        double perSecond() {
            return records / (nanos / 1e9);
        }

        double brokerCpuMicrosPerRecord() {
            return brokerCpuNanos / 1e3 / records;
        }
    }

    /**
     * Runs the comparison over {@code o.messages} records already in partition 0 of {@code o.topic}.
     *
     * @param dataDir the data directory of a broker in this JVM, or null (no broker cost reported)
     * @return the report, one line per pass and a RATIOS line
     */
    public static String run(String bootstrap, PerfOptions o, Path dataDir) throws Exception {
        boolean local = dataDir != null;
        Path stateLog = local ? dataDir.resolve("__share_groups").resolve("state.log") : null;
        long warm = Math.min(o.warmup, o.messages);
        // Warm-up (not measured): the whole partition through the plain path, its first records through the share
        // path.
        plain(bootstrap, o, o.messages);
        share(bootstrap, o, 4, "perf-share-warm", warm, false);
        List<Pass> passes = new ArrayList<>();
        passes.add(plainPass(bootstrap, o, stateLog));
        for (int n : o.consumers) {
            String group = "perf-share-" + n;
            passes.add(measure("share x" + n, o.messages, stateLog, () -> share(bootstrap, o, n, group, o.messages,
                    true)));
        }
        // The plain pass again after the share passes: on a shared machine the load drifts; the baseline is the
        // mean of the two (both are printed).
        passes.add(plainPass(bootstrap, o, stateLog));
        Pass first = passes.get(0);
        Pass last = passes.get(passes.size() - 1);
        Pass base = new Pass("plain mean", first.records, (first.nanos + last.nanos) / 2,
                (first.brokerCpuNanos + last.brokerCpuNanos) / 2, 0,
                (first.processCpuNanos + last.processCpuNanos) / 2);
        StringBuilder out = new StringBuilder();
        for (Pass p : passes) {
            out.append(String.format(Locale.ROOT, "%-10s %,d records in %.2f s = %,.0f records/s (%.2fx plain)",
                    p.label, p.records, p.nanos / 1e9, p.perSecond(), p.perSecond() / base.perSecond()));
            if (local) {
                out.append(String.format(Locale.ROOT, "; broker CPU %.2f us/record, share state %.1f B/record",
                        p.brokerCpuMicrosPerRecord(), (double) p.stateBytes / p.records));
                if (!p.label.startsWith("plain")) {
                    out.append(String.format(Locale.ROOT, " (acquire+ack %.2f us/record over plain)",
                            p.brokerCpuMicrosPerRecord() - base.brokerCpuMicrosPerRecord()));
                }
                // Broker and clients together: on a loaded machine a steadier comparison than records/s.
                out.append(String.format(Locale.ROOT, "; JVM CPU %.2f us/record",
                        p.processCpuNanos / 1e3 / p.records));
            }
            out.append('\n');
        }
        out.append("RATIOS");
        for (Pass p : passes.subList(1, passes.size() - 1)) {
            out.append(String.format(Locale.ROOT, " %s=%.2f", p.label.replace(" ", ""), p.perSecond()
                    / base.perSecond()));
        }
        return out.toString();
    }

    private interface Body {
        void run() throws Exception;
    }

    /** The plain consumer reads the partition {@value #PLAIN_READS} times (one pass is too short to time alone). */
    private static Pass plainPass(String bootstrap, PerfOptions o, Path stateLog) throws Exception {
        return measure("plain", PLAIN_READS * o.messages, stateLog, () -> {
            for (int i = 0; i < PLAIN_READS; i++) {
                plain(bootstrap, o, o.messages);
            }
        });
    }

    private static Pass measure(String label, long records, Path stateLog, Body body) throws Exception {
        long bytes0 = size(stateLog);
        long cpu0 = brokerCpuNanos();
        long process0 = processCpuNanos();
        long t0 = System.nanoTime();
        body.run();
        long nanos = System.nanoTime() - t0;
        return new Pass(label, records, nanos, brokerCpuNanos() - cpu0, size(stateLog) - bytes0,
                processCpuNanos() - process0);
    }

    private static long size(Path file) throws Exception {
        return file != null && Files.exists(file) ? Files.size(file) : 0;
    }

    /** CPU time of this JVM so far (every thread, JIT and GC included), or 0 where the JVM does not report it. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? Math.max(0, os.getProcessCpuTime()) : 0;
    }

    /** CPU time of this JVM's broker threads so far (threads that ended meanwhile are not counted). */
    private static long brokerCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null && BROKER_THREAD.matcher(t.getThreadName()).matches()) {
                long cpu = mx.getThreadCpuTime(t.getThreadId());
                total += Math.max(0, cpu);
            }
        }
        return total;
    }

    /** Reads {@code n} records of partition 0 from its start with one plain consumer. */
    private static void plain(String bootstrap, PerfOptions o, long n) {
        try (StreamBusClient client = StreamBusClient.builder().bootstrap(bootstrap).clientId("perf-plain").build();
             Consumer<byte[], byte[]> c = client.newConsumer(Serdes.byteArrayDeserializer(),
                     Serdes.byteArrayDeserializer(), Map.of("auto.offset.reset", "earliest"))) {
            c.assign(List.of(new TopicPartition(o.topic, 0)));
            long read = 0;
            long idleSince = System.nanoTime();
            while (read < n) {
                ConsumerRecords<byte[], byte[]> rs = c.poll(Duration.ofMillis(500));
                if (rs.count() == 0) {
                    checkIdle(idleSince, read, n);
                    continue;
                }
                idleSince = System.nanoTime();
                read += rs.count();
            }
        }
    }

    /**
     * {@code consumers} share consumers of a fresh group {@code group} (each with its own client and thread) take
     * records until {@code n} have been handed out, then close (which accepts their last poll); with
     * {@code awaitAll} (n is the whole partition) returns once the group's SPSO is at {@code n}, i.e. every record is
     * accepted.
     */
    private static void share(String bootstrap, PerfOptions o, int consumers, String group, long n,
                              boolean awaitAll) throws Exception {
        TopicPartition tp = new TopicPartition(o.topic, 0);
        try (StreamBusClient admin = StreamBusClient.builder().bootstrap(bootstrap).clientId("perf-admin").build()) {
            ShareGroupSettings.Builder settings = ShareGroupSettings.builder().autoOffsetReset("earliest");
            if (o.inFlight > 0) {
                settings.maxInFlightRecords(o.inFlight);
            }
            admin.admin().configureShareGroup(group, settings.build()).get(30, TimeUnit.SECONDS);
            AtomicLong taken = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(consumers);
            try {
                List<Future<Long>> results = new ArrayList<>();
                for (int i = 0; i < consumers; i++) {
                    String clientId = "perf-share-" + i;
                    results.add(pool.submit(() -> shareConsumer(bootstrap, clientId, group, o.topic, taken, n)));
                }
                for (Future<Long> f : results) {
                    f.get(10, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (awaitAll && spso(admin, group, tp) < n) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("share group " + group + ": SPSO " + spso(admin, group, tp)
                            + " below " + n + " 60 s after the consumers closed");
                }
                LockSupport.parkNanos(5_000_000L); // a poll interval: describe is a request

            }
        }
    }

    /**
     * One share consumer polling until {@code taken} reaches {@code n} between all of them; accepts its last poll.
     * Returns how many records it took. Also the raw-client queue baseline of {@link JmsPerf}.
     */
    static long shareConsumer(String bootstrap, String clientId, String group, String topic,
                              AtomicLong taken, long n) {
        long mine = 0;
        try (StreamBusClient client = StreamBusClient.builder().bootstrap(bootstrap).clientId(clientId).build();
             ShareConsumer<byte[], byte[]> c = client.newShareConsumer(group, Serdes.byteArrayDeserializer(),
                     Serdes.byteArrayDeserializer(), Map.of())) {
            c.subscribe(List.of(topic));
            long idleSince = System.nanoTime();
            while (taken.get() < n) {
                List<ShareRecord<byte[], byte[]>> rs = c.poll(Duration.ofMillis(100));
                if (rs.isEmpty()) {
                    checkIdle(idleSince, taken.get(), n);
                    continue;
                }
                idleSince = System.nanoTime();
                mine += rs.size();
                taken.addAndGet(rs.size());
            }
            // The last poll is accepted here; its outcome is checked through the group's SPSO.
            Map<TopicPartition, Optional<Exception>> r = c.commitSync(Duration.ofSeconds(30));
            r.forEach((tp, e) -> e.ifPresent(x -> System.err.println(clientId + ": " + tp + ": " + x)));
        }
        return mine;
    }

    private static long spso(StreamBusClient admin, String group, TopicPartition tp) throws Exception {
        ShareGroupDescription d = admin.admin().describeShareGroup(group).get(30, TimeUnit.SECONDS);
        var p = d.partitions().get(tp);
        return p == null ? -1 : p.startOffset();
    }

    private static void checkIdle(long idleSince, long read, long n) {
        if (System.nanoTime() - idleSince > 30_000_000_000L) {
            throw new IllegalStateException("no records for 30 s after " + read + " of " + n);
        }
    }
}
