package io.streambus.client.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.streambus.broker.testing.ChildBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.client.StreamBusClient;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Serdes;
import io.streambus.common.TopicPartition;
import io.streambus.testkit.FaultProxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario (c): a fast producer and a slow consumer (its connection limited to 1 MB/s by a {@link FaultProxy}) on a
 * broker in a child JVM with a 128 MB heap. The broker must keep its memory bounded: the log holds the backlog, not
 * the heap. The child's resident set size is sampled from {@code /proc} while the producer writes 60 MB (with
 * {@code -Dstreambus.slow=true}: for 5 minutes at 10 MB/s, 3,000 MB); it must stay below 400 MB (the JVM's own
 * footprint plus bounded buffers) and the consumer must keep making progress. Prints one SCENARIO-C line with the
 * figures.
 */
@ExtendWith(LeakCheck.class)
class SlowConsumerMemoryTest {
    private static final boolean SLOW = Boolean.getBoolean("streambus.slow");
    /** Default: 60 MB as fast as the producer goes. Slow: 5 minutes at 10 MB/s, ten times the consumer's link. */
    private static final long PRODUCE_BYTES = (SLOW ? 3000L : 60L) << 20;
    private static final long PRODUCE_BYTES_PER_SECOND = SLOW ? 10L << 20 : Long.MAX_VALUE;

    @TempDir
    Path dir;

    @Test
    void brokerMemoryStaysBoundedWhileTheBacklogGrows() throws Exception {
        assumeThat(Files.exists(Path.of("/proc/self/status"))).as("Linux /proc for the RSS").isTrue();
        ChildBroker broker = ChildBroker.start(dir.resolve("data"), "--flush", "os");
        AtomicLong peakRssKb = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                peakRssKb.accumulateAndGet(rssKb(broker.pid()), Math::max);
                try {
                    Thread.sleep(50); // sampling period, not a wait for a condition
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        long startRss = rssKb(broker.pid());
        sampler.start();
        try (FaultProxy slowLink = FaultProxy.start(broker.port()).bandwidth(1 << 20);
             StreamBusClient producerClient = Brokers.client("127.0.0.1:" + broker.port(), Map.of());
             StreamBusClient consumerClient = Brokers.client(slowLink.address(), Map.of("request.timeout.ms", 30_000))) {
            producerClient.admin().createTopic("backlog", 1).get(10, TimeUnit.SECONDS);
            Consumer<byte[], byte[]> consumer = consumerClient.newConsumer(Serdes.byteArrayDeserializer(),
                    Serdes.byteArrayDeserializer(), Map.of("auto.offset.reset", "earliest"));
            consumer.assign(List.of(new TopicPartition("backlog", 0)));
            AtomicLong consumed = new AtomicLong();
            AtomicBoolean consuming = new AtomicBoolean(true);
            Thread slowReader = new Thread(() -> {
                while (consuming.get()) {
                    consumed.addAndGet(consumer.poll(Duration.ofMillis(200)).count());
                }
            }, "slow-consumer");
            slowReader.start();
            Producer<byte[], byte[]> producer = producerClient.newProducer(Serdes.byteArraySerializer(),
                    Serdes.byteArraySerializer(), Map.of("linger.ms", 5, "batch.size", 256 * 1024));
            byte[] value = new byte[4096];
            long t0 = System.nanoTime();
            for (long sent = 0; sent < PRODUCE_BYTES; sent += value.length) {
                producer.send(new ProducerRecord<>("backlog", null, value));
                if ((sent & ((1 << 20) - 1)) == 0 && PRODUCE_BYTES_PER_SECOND != Long.MAX_VALUE) {
                    // Pacing (elapsed time is the point here, not a condition): the slow run lasts 5 minutes.
                    long due = t0 + sent * 1_000_000_000L / PRODUCE_BYTES_PER_SECOND;
                    long ahead = due - System.nanoTime();
                    if (ahead > 0) {
                        LockSupport.parkNanos(ahead);
                    }
                }
            }
            producer.flush(Duration.ofSeconds(120));
            double seconds = (System.nanoTime() - t0) / 1e9;
            producer.close();
            // On an idle machine the producer can finish before the first 1 MB/s fetch has arrived: wait for it.
            org.awaitility.Awaitility.await("the slow consumer's first records").atMost(Duration.ofSeconds(30))
                    .until(() -> consumed.get() > 0);
            long consumedAtEnd = consumed.get();
            consuming.set(false);
            slowReader.join(30_000);
            consumer.close();
            sampling.set(false);
            sampler.join(5_000);
            System.out.printf("SCENARIO-C produced=%d MB in %.1f s, consumed by the 1 MB/s consumer=%d records "
                    + "(%d MB), broker RSS start=%d MB peak=%d MB (heap limit 128 MB)%n", PRODUCE_BYTES >> 20,
                    seconds, consumedAtEnd, consumedAtEnd * value.length >> 20, startRss >> 10, peakRssKb.get() >> 10);
            assertThat(consumedAtEnd).as("the slow consumer made progress").isPositive();
            assertThat(consumedAtEnd * value.length).as("and was really slower than the producer")
                    .isLessThan(PRODUCE_BYTES);
            assertThat(peakRssKb.get() >> 10).as("broker RSS in MB").isLessThan(400);
        } finally {
            sampling.set(false);
            broker.close();
        }
    }

    private static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // process gone
        }
        return 0;
    }
}
