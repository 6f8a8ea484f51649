package io.streambus.benchmarks.perf;

import io.streambus.client.StreamBusClient;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.producer.RecordMetadata;
import io.streambus.client.serialization.Serdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * Produce load: sync (one acknowledgement at a time per producer) or async (batched, pipelined), from
 * {@code --producers} threads with one producer each, optionally paced to {@code --throughput} records/s in total
 * (so that latency is measured at a set load), optionally in transactions of {@code --transaction-size} records. Async
 * latency is send() to acknowledgement: queueing in the producer plus the round trip.
 */
public final class ProducePerf {
    /** Async produce records the latency of one record in this many (every acknowledgement is counted). */
    private static final int LATENCY_SAMPLE = 64;

    private ProducePerf() {
    }

    static Map<String, Object> producerSettings(PerfOptions o) {
        Map<String, Object> m = new HashMap<>();
        if (o.batchSize != null) {
            m.put("batch.size", o.batchSize);
        }
        if (o.lingerMs != null) {
            m.put("linger.ms", o.lingerMs);
        }
        m.put("compression.type", o.compression);
        if (o.idempotence != null) {
            m.put("enable.idempotence", o.idempotence);
        }
        return m;
    }

    /** Runs the warm-up and the measured part; returns the summary line. */
    public static String run(StreamBusClient client, PerfOptions o) throws Exception {
        List<Producer<byte[], byte[]>> producers = new ArrayList<>();
        // With several producers each has its own client (own connection), like separate applications: the broker
        // answers the requests of one connection in order, which would serialize them.
        List<StreamBusClient> clients = new ArrayList<>();
        for (int i = 0; i < o.producers; i++) {
            StreamBusClient c = client;
            if (i > 0) {
                c = StreamBusClient.builder().bootstrap(o.brokers).clientId("streambus-perf-" + i).build();
                clients.add(c);
            }
            Map<String, Object> settings = producerSettings(o);
            if (o.transactionSize > 0) {
                settings.put("transactional.id", "streambus-perf-txn-" + i);
            }
            Producer<byte[], byte[]> p = c.newProducer(Serdes.byteArraySerializer(), Serdes.byteArraySerializer(),
                    settings);
            if (o.transactionSize > 0) {
                p.initTransactions();
            }
            producers.add(p);
        }
        byte[] value = new byte[o.size];
        ThreadLocalRandom.current().nextBytes(value);
        byte[][] keys = new byte[Math.max(0, o.keys)][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = ("key-" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        String mode = o.sync ? "sync" : "async (latency = queueing + ack, 1 record in " + LATENCY_SAMPLE + ")";
        String label = "produce " + mode + " " + o.size + "B"
                + (o.producers > 1 ? " x" + o.producers + " producers" : "")
                + (o.transactionSize > 0 ? " in transactions of " + o.transactionSize : "")
                + (o.idempotence != null ? " idempotence=" + o.idempotence : "")
                + (o.throughput > 0 ? " at " + o.throughput + " msgs/s target" : "");
        ExecutorService pool = Executors.newFixedThreadPool(o.producers);
        try {
            // The warm-up runs straight into the measured records, on the same path and with no flush between
            // them: a drained producer ramps up again through paths the JIT has not compiled (linger timers, a
            // short queue), which would be measured. The clock starts when the first producer sends its first
            // measured record; its queue then still holds warm-up records, so the rate is the steady one.
            try (Stats warmUp = new Stats("warm-up", o.size); Stats stats = new Stats(label, o.size)) {
                GcMeter gc = new GcMeter();
                AtomicBoolean started = new AtomicBoolean();
                Runnable startClock = () -> {
                    if (started.compareAndSet(false, true)) {
                        gc.start();
                        stats.start();
                    }
                };
                runAll(pool, producers, o, value, keys, warmUp, stats, startClock);
                stats.stop();
                return stats.summary() + System.lineSeparator() + gc.summary(stats.count());
            }
        } finally {
            pool.shutdownNow();
            for (Producer<byte[], byte[]> p : producers) {
                p.close(Duration.ofSeconds(30));
            }
            for (StreamBusClient c : clients) {
                c.close();
            }
        }
    }

    private static void runAll(ExecutorService pool, List<Producer<byte[], byte[]>> producers, PerfOptions o,
                               byte[] value, byte[][] keys, Stats warmUp, Stats stats, Runnable startClock)
            throws Exception {
        List<Future<?>> done = new ArrayList<>();
        long warm = Math.max(0, o.warmup) / producers.size();
        long each = Math.max(1, o.messages / producers.size());
        for (Producer<byte[], byte[]> p : producers) {
            done.add(pool.submit(() -> {
                sendAll(p, o, value, keys, warm, each, warmUp, stats, startClock);
                p.flush(Duration.ofMinutes(5));
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(30, TimeUnit.MINUTES);
        }
    }

    private static BiConsumer<RecordMetadata, Throwable> counter(Stats stats) {
        return (md, e) -> {
            if (e == null) {
                stats.add(1);
            } else {
                failed(e);
            }
        };
    }

    private static void failed(Throwable e) {
        System.err.println("send failed: " + e);
    }

    /** Sends {@code warm} records counted in {@code warmUp}, then {@code n} counted in {@code measured}. */
    private static void sendAll(Producer<byte[], byte[]> producer, PerfOptions o, byte[] value, byte[][] keys,
                                long warm, long n, Stats warmUp, Stats measured, Runnable startClock) {
        // Pacing: record i of this producer is due at start + i * interval; a late sender catches up without sleeping.
        long intervalNanos = o.throughput > 0 ? Math.max(1, 1_000_000_000L * o.producers / o.throughput) : 0;
        long start = System.nanoTime();
        BiConsumer<RecordMetadata, Throwable> countedWarmUp = counter(warmUp);
        BiConsumer<RecordMetadata, Throwable> countedMeasured = counter(measured);
        for (long i = 0; i < warm + n; i++) {
            if (i == warm) {
                startClock.run();
            }
            Stats stats = i < warm ? warmUp : measured;
            if (intervalNanos > 0) {
                long due = start + i * intervalNanos;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            byte[] key = keys.length == 0 ? null : keys[(int) (i % keys.length)];
            ProducerRecord<byte[], byte[]> r = o.partitions > 1 && key == null
                    ? new ProducerRecord<>(o.topic, (int) (i % o.partitions), null, value)
                    : new ProducerRecord<>(o.topic, key, value);
            if (o.transactionSize > 0 && i % o.transactionSize == 0) {
                producer.beginTransaction();
            }
            if (o.sync) {
                long t0 = System.nanoTime();
                producer.sendAndWait(r);
                stats.record(System.nanoTime() - t0);
            } else {
                // The callback variant: kept in the batch, no dependent stage per record (as Kafka's callbacks).
                // Every acknowledgement is counted; one record in LATENCY_SAMPLE also records its latency, as the
                // baseline records one per batch: a concurrent histogram update per record (two atomic operations
                // on the I/O thread) would measure the tool, not the client.
                if (i % LATENCY_SAMPLE == 0) {
                    long t0 = System.nanoTime();
                    producer.send(r, (md, e) -> {
                        if (e == null) {
                            stats.record(System.nanoTime() - t0);
                        } else {
                            failed(e);
                        }
                    });
                } else {
                    producer.send(r, i < warm ? countedWarmUp : countedMeasured);
                }
            }
            if (o.transactionSize > 0 && ((i + 1) % o.transactionSize == 0 || i == warm + n - 1)) {
                producer.commitTransaction(); // sends what is queued and waits for it (B.7.6)
            }
        }
    }
}
