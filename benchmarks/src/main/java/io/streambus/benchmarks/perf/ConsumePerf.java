package io.streambus.benchmarks.perf;

import io.streambus.client.StreamBusClient;
import io.streambus.common.TopicPartition;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.client.serialization.Serdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Consume load: reads every partition of the topic from the beginning; latency is the duration of each poll. */
public final class ConsumePerf {
    private ConsumePerf() {
    }

    public static String run(StreamBusClient client, PerfOptions o) throws Exception {
        int partitions = client.admin().listTopics().get(30, TimeUnit.SECONDS).getOrDefault(o.topic, 1);
        List<TopicPartition> parts = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            parts.add(new TopicPartition(o.topic, p));
        }
        try (Consumer<byte[], byte[]> warm = client.newConsumer(Serdes.byteArrayDeserializer(),
                Serdes.byteArrayDeserializer(), settings(o))) {
            warm.assign(parts);
            readUpTo(warm, o.warmup, null);
        }
        try (Consumer<byte[], byte[]> consumer = client.newConsumer(Serdes.byteArrayDeserializer(),
                Serdes.byteArrayDeserializer(), settings(o));
             Stats stats = new Stats("consume " + o.size + "B", o.size)) {
            consumer.assign(parts);
            stats.start();
            readUpTo(consumer, o.messages, stats);
            stats.stop();
            return stats.summary();
        }
    }

    private static Map<String, Object> settings(PerfOptions o) {
        return Map.of("auto.offset.reset", "earliest", "max.poll.records", 2000, "fetch.compression.type",
                o.compression);
    }

    private static void readUpTo(Consumer<byte[], byte[]> c, long n, Stats stats) {
        long read = 0;
        long idleSince = System.nanoTime();
        while (read < n) {
            long t0 = System.nanoTime();
            ConsumerRecords<byte[], byte[]> rs = c.poll(Duration.ofMillis(500));
            int k = rs.count();
            if (k == 0) {
                if (System.nanoTime() - idleSince > 10_000_000_000L) {
                    throw new IllegalStateException("no records for 10 s after " + read + " of " + n
                            + " (is the topic filled?)");
                }
                continue;
            }
            idleSince = System.nanoTime();
            read += k;
            if (stats != null) {
                stats.latencyOnly(System.nanoTime() - t0);
                stats.add(k);
            }
        }
    }
}
