package io.streambus.benchmarks;

import io.streambus.benchmarks.perf.Baseline;
import io.streambus.benchmarks.perf.BaselineConsume;
import io.streambus.benchmarks.perf.ConsumePerf;
import io.streambus.benchmarks.perf.JmsPerf;
import io.streambus.benchmarks.perf.PerfOptions;
import io.streambus.benchmarks.perf.ProducePerf;
import io.streambus.benchmarks.perf.SharePerf;
import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.log.FlushPolicy;
import io.streambus.broker.log.Fsyncs;
import io.streambus.client.StreamBusClient;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Serdes;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The load tool: {@code java -jar benchmarks/target/streambus-perf.jar produce|consume ...}. See
 * {@link PerfOptions#USAGE} (printed by {@code --help}).
 */
public final class PerfTool {
    private PerfTool() {
    }

    public static void main(String[] args) throws Exception {
        PerfOptions o;
        try {
            o = PerfOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        EmbeddedBroker broker = null;
        try {
            if (o.embedded) {
                EmbeddedBroker.Builder b = EmbeddedBroker.builder().port(0).temporary();
                if (o.flush != null) {
                    b.flushPolicy(FlushPolicy.parse(o.flush));
                }
                broker = b.build();
                broker.start();
                o.brokers = broker.address();
                System.out.println("embedded broker on " + o.brokers + " (data in " + broker.dataDir() + ")");
            }
            String result;
            long fsyncs = Fsyncs.total();
            long t0 = System.nanoTime();
            if (o.command.equals("baseline-consume")) {
                int partitions;
                try (StreamBusClient client = StreamBusClient.builder().bootstrap(o.brokers).build()) {
                    client.admin().createTopic(o.topic, o.partitions).get(30, TimeUnit.SECONDS);
                    if (o.embedded) {
                        fill(client, o, o.messages + o.warmup);
                    }
                    partitions = client.admin().listTopics().get(30, TimeUnit.SECONDS).getOrDefault(o.topic, 1);
                }
                fsyncs = Fsyncs.total();
                t0 = System.nanoTime();
                result = BaselineConsume.run(o, partitions);
            } else if (o.command.equals("share")) {
                try (StreamBusClient client = StreamBusClient.builder().bootstrap(o.brokers).build()) {
                    client.admin().createTopic(o.topic, o.partitions).get(30, TimeUnit.SECONDS);
                    if (o.embedded) {
                        fill(client, o, o.messages); // share groups read the whole partition
                    }
                }
                fsyncs = Fsyncs.total();
                t0 = System.nanoTime();
                result = SharePerf.run(o.brokers, o, broker == null ? null : broker.dataDir());
            } else if (o.command.equals("jms")) {
                result = JmsPerf.run(o.brokers, o);
            } else if (o.command.startsWith("baseline")) {
                try (StreamBusClient client = StreamBusClient.builder().bootstrap(o.brokers).build()) {
                    client.admin().createTopic(o.topic, o.partitions).get(30, TimeUnit.SECONDS);
                }
                result = Baseline.run(o, o.command.equals("baseline-sync"));
            } else {
                try (StreamBusClient client = StreamBusClient.builder().bootstrap(o.brokers)
                        .clientId("streambus-perf").build()) {
                    client.admin().createTopic(o.topic, o.partitions).get(30, TimeUnit.SECONDS);
                    if (o.command.equals("produce")) {
                        result = ProducePerf.run(client, o);
                    } else {
                        if (o.embedded) {
                            fill(client, o, o.messages + o.warmup);
                        }
                        result = ConsumePerf.run(client, o);
                    }
                }
            }
            System.out.println(result);
            if (broker != null) {
                // Fsyncs counts the forces of the broker in this JVM (warm-up and fill included after the mark).
                long n = Fsyncs.total() - fsyncs;
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf(java.util.Locale.ROOT, "FSYNCS %d in %.2f s = %.0f fsyncs/s (flush %s)%n", n, secs,
                        n / secs, o.flush == null ? "default" : o.flush);
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    /** Fills the topic for a consume run against a fresh embedded broker (not measured). */
    private static void fill(StreamBusClient client, PerfOptions o, long n) {
        System.out.println("filling " + o.topic + " with " + n + " records of " + o.size + " B ...");
        Producer<byte[], byte[]> p = client.newProducer(Serdes.byteArraySerializer(), Serdes.byteArraySerializer(),
                Map.of("linger.ms", 5, "batch.size", 65536, "compression.type", o.compression));
        byte[] value = new byte[o.size];
        for (long i = 0; i < n; i++) {
            p.send(new ProducerRecord<>(o.topic, (int) (i % o.partitions), null, value));
        }
        p.close(Duration.ofMinutes(5));
    }

}
