package io.streambus.client.itest;

import io.streambus.broker.testing.LeakCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.client.StreamBusClient;
import io.streambus.client.StreamBusException;
import io.streambus.common.TopicPartition;
import io.streambus.client.WakeupException;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.client.consumer.NoOffsetException;
import io.streambus.client.internal.consumer.PartitionConsumerImpl;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Deserializer;
import io.streambus.client.serialization.Serdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LeakCheck.class)
class ConsumerTest {
    @TempDir
    static Path dir;
    static EmbeddedBroker broker;
    static StreamBusClient client;

    @BeforeAll
    static void start() throws Exception {
        broker = Brokers.start(dir);
        client = Brokers.client(broker);
        client.admin().createTopic("cons", 2).get();
        produce("cons", 0, 0, 100);
        produce("cons", 1, 0, 50);
    }

    @AfterAll
    static void stop() {
        client.close();
        broker.close();
    }

    static void produce(String topic, int partition, int from, int to) {
        Producer<String, String> p = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer());
        for (int i = from; i < to; i++) {
            p.send(new ProducerRecord<>(topic, partition, i % 2 == 0 ? null : "k" + i, "v" + i));
        }
        p.close(Duration.ofSeconds(10));
    }

    static Consumer<String, String> consumer(Map<String, ?> overrides) {
        return client.newConsumer(Serdes.stringDeserializer(), Serdes.stringDeserializer(), overrides);
    }

    static List<ConsumerRecord<String, String>> poll(Consumer<String, String> c, int n) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (out.size() < n && System.nanoTime() < deadline) {
            c.poll(Duration.ofMillis(50)).forEach(out::add);
        }
        return out;
    }

    @Test
    void seekPositionAndKeys() {
        TopicPartition p0 = new TopicPartition("cons", 0);
        try (Consumer<String, String> c = consumer(Map.of("auto.offset.reset", "earliest", "max.poll.records", 7))) {
            c.assign(List.of(p0));
            assertThat(c.position(p0, Duration.ofSeconds(5))).isZero();
            ConsumerRecords<String, String> first = c.poll(Duration.ofSeconds(5));
            assertThat(first.count()).isBetween(1, 7);
            ConsumerRecord<String, String> r0 = first.records(p0).get(0);
            assertThat(r0.offset()).isZero();
            assertThat(r0.key()).as("empty key = no key (A.5)").isNull();
            assertThat(r0.value()).isEqualTo("v0");
            assertThat(c.position(p0, Duration.ofSeconds(1))).isEqualTo(first.count());

            c.seek(p0, 41);
            List<ConsumerRecord<String, String>> rs = poll(c, 59);
            assertThat(rs).extracting(ConsumerRecord::offset).startsWith(41L, 42L).endsWith(99L).hasSize(59);
            assertThat(rs.get(0).key()).isEqualTo("k41");

            c.seekToBeginning(List.of(p0));
            assertThat(c.position(p0, Duration.ofSeconds(5))).isZero();
            c.seekToEnd(List.of(p0));
            assertThat(c.position(p0, Duration.ofSeconds(5))).isEqualTo(100);
            assertThat(c.poll(Duration.ofMillis(100)).isEmpty()).isTrue();
        }
    }

    @Test
    void latestSeesOnlyNewRecordsAndTailsTheLog() throws Exception {
        client.admin().createTopic("cons-tail", 1).get();
        produce("cons-tail", 0, 0, 10);
        try (Consumer<String, String> c = consumer(Map.of("auto.offset.reset", "latest", "fetch.backoff.ms", 20))) {
            c.assign("cons-tail", List.of(0));
            assertThat(c.position(new TopicPartition("cons-tail", 0), Duration.ofSeconds(5))).isEqualTo(10);
            assertThat(c.poll(Duration.ofMillis(100)).isEmpty()).isTrue();
            produce("cons-tail", 0, 10, 15);
            assertThat(poll(c, 5)).extracting(ConsumerRecord::value).containsExactly("v10", "v11", "v12", "v13",
                    "v14");
        }
    }

    @Test
    void noneWithoutPositionFails() {
        try (Consumer<String, String> c = consumer(Map.of("auto.offset.reset", "none"))) {
            c.assign("cons", List.of(0));
            assertThatThrownBy(() -> c.poll(Duration.ofSeconds(1))).isInstanceOf(NoOffsetException.class)
                    .hasMessageContaining("cons-0");
            c.seek(new TopicPartition("cons", 0), 98);
            assertThat(poll(c, 2)).extracting(ConsumerRecord::offset).containsExactly(98L, 99L);
        }
    }

    @Test
    void outOfRangeIsResetByPolicy() {
        TopicPartition p1 = new TopicPartition("cons", 1);
        try (Consumer<String, String> c = consumer(Map.of("auto.offset.reset", "earliest"))) {
            c.assign(List.of(p1));
            c.seek(p1, 1000);
            List<ConsumerRecord<String, String>> rs = poll(c, 50);
            assertThat(rs).hasSize(50);
            assertThat(rs.get(0).offset()).isZero();
        }
        try (Consumer<String, String> c = consumer(Map.of("auto.offset.reset", "none"))) {
            c.assign(List.of(p1));
            c.seek(p1, 1000);
            assertThatThrownBy(() -> poll(c, 1)).isInstanceOf(StreamBusException.class)
                    .hasMessageContaining("out of range");
        }
    }

    @Test
    void pauseResumeAndWakeup() throws Exception {
        TopicPartition p0 = new TopicPartition("cons", 0);
        TopicPartition p1 = new TopicPartition("cons", 1);
        try (Consumer<String, String> c = consumer(Map.of("auto.offset.reset", "earliest"))) {
            c.assign(List.of(p0, p1));
            c.pause(List.of(p0));
            assertThat(c.paused()).containsExactly(p0);
            List<ConsumerRecord<String, String>> rs = poll(c, 50);
            assertThat(rs).allMatch(r -> r.partition() == 1).hasSize(50);
            assertThat(c.poll(Duration.ofMillis(100)).isEmpty()).isTrue();
            c.resume(List.of(p0));
            assertThat(poll(c, 100)).allMatch(r -> r.partition() == 0).hasSize(100);

            Thread poller = Thread.currentThread();
            // wakes the poll up once it is blocked (not before, which would not test interrupting it)
            CompletableFuture<Void> waker = CompletableFuture.runAsync(() -> {
                await().atMost(Duration.ofSeconds(10)).until(() -> poller.getState() == Thread.State.TIMED_WAITING);
                c.wakeup();
            });
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> c.poll(Duration.ofSeconds(10))).isInstanceOf(WakeupException.class);
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(5));
            waker.get();
            assertThat(c.poll(Duration.ofMillis(10)).isEmpty()).isTrue();
        }
    }

    @Test
    void prefetchIsBoundedByTheQueueLimit() throws Exception {
        client.admin().createTopic("cons-big", 1).get();
        Producer<String, String> p = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer());
        String v = "b".repeat(1000);
        for (int i = 0; i < 2000; i++) {
            p.send(new ProducerRecord<>("cons-big", 0, null, v));
        }
        p.close(Duration.ofSeconds(10));
        try (Consumer<String, String> c = consumer(Map.of("auto.offset.reset", "earliest",
                "fetch.queue.max.bytes", 50_000, "fetch.max.bytes", 20_000, "max.poll.records", 10))) {
            c.assign("cons-big", List.of(0));
            PartitionConsumerImpl<String, String> impl = (PartitionConsumerImpl<String, String>) c;
            int read = 0;
            long maxBuffered = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (read < 2000 && System.nanoTime() < deadline) {
                read += c.poll(Duration.ofMillis(50)).count();
                Thread.sleep(1); // a slow application: lets the background prefetch run ahead between polls
                maxBuffered = Math.max(maxBuffered, impl.bufferedBytes());
            }
            assertThat(read).isEqualTo(2000);
            // the limit plus at most one reply that was in flight when it was reached (about 20 x 1 KB records)
            assertThat(maxBuffered).isLessThanOrEqualTo(50_000 + 25_000);
        }
    }

    @Test
    void deserializationFailureIsReportedAndCanBeSkipped() {
        Deserializer<String> picky = (topic, data) -> {
            String s = data.toString(java.nio.charset.StandardCharsets.UTF_8);
            if (s.equals("v3")) {
                throw new IllegalStateException("bad record");
            }
            return s;
        };
        TopicPartition p0 = new TopicPartition("cons", 0);
        try (Consumer<String, String> c = client.newConsumer(Serdes.stringDeserializer(), picky,
                Map.of("auto.offset.reset", "earliest"))) {
            c.assign(List.of(p0));
            List<ConsumerRecord<String, String>> before = new ArrayList<>();
            StreamBusException error = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (error == null && System.nanoTime() < deadline) {
                try {
                    c.poll(Duration.ofMillis(50)).forEach(before::add);
                } catch (StreamBusException e) {
                    error = e;
                }
            }
            assertThat(before).extracting(ConsumerRecord::offset).containsExactly(0L, 1L, 2L);
            assertThat(error).hasMessageContaining("offset 3 of cons-0");
            assertThat(c.position(p0, Duration.ofSeconds(1))).isEqualTo(3);
            c.seek(p0, 4);
            assertThat(poll(c, 1).get(0).offset()).isEqualTo(4);
        }
    }
}
