package io.streambus.benchmarks.perf;

import io.streambus.client.StreamBusClient;
import io.streambus.client.admin.ShareGroupSettings;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Serdes;
import io.streambus.common.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The raw StreamBus client's rates for {@link JmsPerf}'s ratios (issue 17: JMS send against the client's async
 * produce, JMS receive against the client's consume, a queue against share consumers), with client defaults
 * throughout:
 * <ul>
 * <li>produce: one producer sends {@code n} records of {@code size} B without a key to a fresh topic of
 * {@code partitions} partitions (round-robin over them), asynchronously; timed until {@code flush} returns (every
 * record acknowledged);</li>
 * <li>consume: one consumer assigned every partition reads the {@code n} records from the start;</li>
 * <li>share: {@code k} share consumers of a fresh share group (one client and thread each, implicit acknowledgement,
 * group reset to earliest) take the {@code n} records; timed until they have taken all and each has committed its
 * last poll's acknowledgements.</li>
 * </ul>
 * Not thread-safe; one run at a time.
 */
final class ClientBaseline {
    /** A consumer that sees nothing for this long fails the run (never a hang). */
    private static final long IDLE_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final String bootstrap;
    private final int size;
    private final int partitions;

    ClientBaseline(String bootstrap, int size, int partitions) {
        this.bootstrap = bootstrap;
        this.size = size;
        this.partitions = partitions;
    }

    private StreamBusClient client(String clientId) {
        return StreamBusClient.builder().bootstrap(bootstrap).clientId(clientId).build();
    }

    /** Creates {@code topic} and sends {@code n} records to it; returns the nanoseconds until all are acknowledged. */
    long produce(String topic, long n) throws Exception {
        try (StreamBusClient c = client("perf-baseline-produce")) {
            c.admin().createTopic(topic, partitions).get(30, TimeUnit.SECONDS);
            byte[] value = new byte[size];
            AtomicLong failed = new AtomicLong();
            try (Producer<byte[], byte[]> p = c.newProducer(Serdes.byteArraySerializer(),
                    Serdes.byteArraySerializer())) {
                long t0 = System.nanoTime();
                for (long i = 0; i < n; i++) {
                    p.send(new ProducerRecord<>(topic, (int) (i % partitions), null, value), (md, e) -> {
                        if (e != null && failed.getAndIncrement() == 0) {
                            System.err.println("baseline send failed: " + e);
                        }
                    });
                }
                p.flush(Duration.ofMinutes(5));
                long nanos = System.nanoTime() - t0;
                if (failed.get() > 0) {
                    throw new IllegalStateException(failed.get() + " of " + n + " baseline sends failed");
                }
                return nanos;
            }
        }
    }

    /** One consumer reads the {@code n} records of {@code topic} from the start; returns the nanoseconds. */
    long consume(String topic, long n) {
        List<TopicPartition> parts = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            parts.add(new TopicPartition(topic, p));
        }
        try (StreamBusClient c = client("perf-baseline-consume");
             Consumer<byte[], byte[]> consumer = c.newConsumer(Serdes.byteArrayDeserializer(),
                     Serdes.byteArrayDeserializer(), Map.of("auto.offset.reset", "earliest"))) {
            long t0 = System.nanoTime();
            consumer.assign(parts);
            long read = 0;
            long idleSince = System.nanoTime();
            while (read < n) {
                ConsumerRecords<byte[], byte[]> rs = consumer.poll(Duration.ofMillis(100));
                if (rs.count() == 0) {
                    checkIdle(idleSince, read, n);
                    continue;
                }
                idleSince = System.nanoTime();
                read += rs.count();
            }
            return System.nanoTime() - t0;
        }
    }

    /** {@code k} share consumers of fresh group {@code group} take the {@code n} records of {@code topic}. */
    long share(String topic, String group, int k, long n) throws Exception {
        try (StreamBusClient admin = client("perf-baseline-share-admin")) {
            admin.admin().configureShareGroup(group, ShareGroupSettings.builder().autoOffsetReset("earliest")
                    .build()).get(30, TimeUnit.SECONDS);
        }
        AtomicLong taken = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(k);
        try {
            long t0 = System.nanoTime();
            List<Future<Long>> results = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                String clientId = "perf-baseline-share-" + i;
                results.add(pool.submit(() -> SharePerf.shareConsumer(bootstrap, clientId, group, topic, taken, n)));
            }
            for (Future<Long> f : results) {
                f.get(30, TimeUnit.MINUTES);
            }
            return System.nanoTime() - t0;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void checkIdle(long idleSince, long read, long n) {
        if (System.nanoTime() - idleSince > IDLE_LIMIT_NANOS) {
            throw new IllegalStateException("no records for 30 s after " + read + " of " + n);
        }
    }
}
