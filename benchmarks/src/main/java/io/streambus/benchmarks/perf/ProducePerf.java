package io.streambus.benchmarks.perf;

import io.streambus.client.StreamBusClient;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Serdes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Produce load: sync (one acknowledgement at a time) or async (batched, pipelined). */
public final class ProducePerf {
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
        return m;
    }

    public static String run(StreamBusClient client, PerfOptions o) {
        Producer<byte[], byte[]> producer = client.newProducer(Serdes.byteArraySerializer(),
                Serdes.byteArraySerializer(), producerSettings(o));
        byte[] value = new byte[o.size];
        ThreadLocalRandom.current().nextBytes(value);
        byte[][] keys = new byte[Math.max(0, o.keys)][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = ("key-" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        String label = "produce " + (o.sync ? "sync" : "async") + " " + o.size + "B";
        // Warm-up: same path, not measured.
        sendAll(producer, o, value, keys, o.warmup, null);
        producer.flush(Duration.ofSeconds(60));
        try (Stats stats = new Stats(label, o.size)) {
            stats.start();
            sendAll(producer, o, value, keys, o.messages, stats);
            producer.flush(Duration.ofMinutes(5));
            stats.stop();
            producer.close(Duration.ofSeconds(30));
            return stats.summary();
        }
    }

    private static void sendAll(Producer<byte[], byte[]> producer, PerfOptions o, byte[] value, byte[][] keys,
                                long n, Stats stats) {
        for (long i = 0; i < n; i++) {
            byte[] key = keys.length == 0 ? null : keys[(int) (i % keys.length)];
            ProducerRecord<byte[], byte[]> r = o.partitions > 1 && key == null
                    ? new ProducerRecord<>(o.topic, (int) (i % o.partitions), null, value)
                    : new ProducerRecord<>(o.topic, key, value);
            long t0 = System.nanoTime();
            if (o.sync) {
                producer.sendAndWait(r);
                if (stats != null) {
                    stats.record(System.nanoTime() - t0);
                }
            } else if (stats != null) {
                producer.send(r).whenComplete((md, e) -> {
                    if (e == null) {
                        stats.record(System.nanoTime() - t0);
                    } else {
                        System.err.println("send failed: " + e);
                    }
                });
            } else {
                producer.send(r);
            }
        }
    }
}
