package io.streambus.client.itest;

import io.streambus.broker.testing.LeakCheck;
import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.client.StreamBusClient;
import io.streambus.common.TopicPartition;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.producer.RecordMetadata;
import io.streambus.client.serialization.Serdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker is stopped in the middle of a stream and restarted on the same port and data directory within the
 * delivery timeout: the producer's retries deliver every record, each partition in send order, and the application
 * sees no error. (Produce is not idempotent, A.6.1: a batch whose reply was lost in the stop may be stored twice;
 * a repeat is tolerated only as a resend of records already seen, never as a reordering.)
 */
@ExtendWith(LeakCheck.class)
class BrokerRestartTest {
    private static final int COUNT = 6000;
    private static final int PARTITIONS = 3;

    @Test
    void producerRidesOutABrokerRestart(@TempDir Path dir) throws Exception {
        EmbeddedBroker broker = Brokers.start(dir);
        try (StreamBusClient client = Brokers.client(broker.address(), Map.of("request.timeout.ms", 2000,
                "circuit.breaker.open.ms", 200))) {
            client.admin().createTopic("restart", PARTITIONS).get();
            Producer<Integer, Integer> p = client.newProducer(Serdes.integerSerializer(), Serdes.integerSerializer(),
                    Map.of("linger.ms", 1, "delivery.timeout.ms", 30000));
            List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
            AtomicInteger failures = new AtomicInteger();
            for (int i = 0; i < COUNT; i++) {
                futures.add(p.send(new ProducerRecord<>("restart", i % PARTITIONS, i, i), (md, e) -> {
                    if (e != null) {
                        failures.incrementAndGet();
                    }
                }));
                if (i == COUNT / 3) {
                    broker.stop();
                }
                if (i == COUNT / 3 + 500) {
                    Thread.sleep(700); // the broker's downtime, while the producer keeps records pending
                    Brokers.restart(broker);
                }
                if (i % 50 == 0) {
                    Thread.sleep(1); // an application sending over time, so that sends span the restart
                }
            }
            p.flush(Duration.ofSeconds(30));
            for (CompletableFuture<RecordMetadata> f : futures) {
                f.get(1, TimeUnit.SECONDS);
            }
            assertThat(failures.get()).isZero();

            Consumer<Integer, Integer> c = client.newConsumer(Serdes.integerDeserializer(),
                    Serdes.integerDeserializer(), Map.of("auto.offset.reset", "earliest"));
            List<TopicPartition> parts = new ArrayList<>();
            long total = 0;
            for (int i = 0; i < PARTITIONS; i++) {
                parts.add(new TopicPartition("restart", i));
                total += client.admin().offsets(parts.get(i)).get().end();
            }
            c.assign(parts);
            BitSet seen = new BitSet(COUNT);
            Map<Integer, Integer> highest = new HashMap<>();
            int read = 0;
            int repeats = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (read < total && System.nanoTime() < deadline) {
                for (ConsumerRecord<Integer, Integer> r : c.poll(Duration.ofMillis(200))) {
                    read++;
                    int v = r.value();
                    assertThat(v % PARTITIONS).isEqualTo(r.partition());
                    if (seen.get(v)) {
                        repeats++;
                        continue;
                    }
                    Integer prev = highest.put(r.partition(), v);
                    assertThat(prev == null || v > prev).as("first occurrences in send order: %s after %s", v, prev)
                            .isTrue();
                    seen.set(v);
                }
            }
            assertThat(read).isEqualTo(total);
            assertThat(seen.cardinality()).as("every record stored").isEqualTo(COUNT);
            assertThat(repeats).as("resends of unacknowledged batches only").isLessThan(COUNT / 4);
        } finally {
            broker.close();
        }
    }
}
