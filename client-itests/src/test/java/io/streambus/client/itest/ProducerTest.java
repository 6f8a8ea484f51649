package io.streambus.client.itest;

import io.streambus.broker.testing.LeakCheck;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.streambus.broker.EmbeddedBroker;
import io.streambus.client.BrokerErrorException;
import io.streambus.common.Header;
import io.streambus.client.StreamBusClient;
import io.streambus.client.StreamBusException;
import io.streambus.common.TopicPartition;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.metrics.MetricsCollector;
import io.streambus.client.producer.Partitioner;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerInterceptor;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.producer.RecordMetadata;
import io.streambus.client.serialization.Serdes;
import io.streambus.client.serialization.Serializer;
import io.streambus.protocol.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LeakCheck.class)
class ProducerTest {
    @TempDir
    static Path dir;
    static EmbeddedBroker broker;
    static StreamBusClient client;

    @BeforeAll
    static void start() {
        broker = Brokers.start(dir);
        client = Brokers.client(broker);
    }

    @AfterAll
    static void stop() {
        client.close();
        broker.close();
    }

    private static Throwable failureOf(CompletableFuture<?> f) throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    private static List<ConsumerRecord<String, String>> readAll(String topic, int partition, int expected) {
        try (Consumer<String, String> c = client.newConsumer(Serdes.stringDeserializer(),
                Serdes.stringDeserializer(), Map.of("auto.offset.reset", "earliest"))) {
            c.assign(topic, List.of(partition));
            List<ConsumerRecord<String, String>> out = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (out.size() < expected && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(100)).forEach(out::add);
            }
            return out;
        }
    }

    /** Counts acknowledgements; adds a header on send. Configured by class name. */
    public static final class TaggingInterceptor implements ProducerInterceptor<String, String> {
        static final AtomicInteger ACKS = new AtomicInteger();
        static final AtomicInteger ERRORS = new AtomicInteger();

        @Override
        public ProducerRecord<String, String> onSend(ProducerRecord<String, String> r) {
            List<Header> h = new ArrayList<>(r.headers());
            h.add(Header.of("tagged", "yes"));
            return new ProducerRecord<>(r.topic(), r.partition(), r.timestamp(), r.key(), r.value(), h);
        }

        @Override
        public void onAcknowledgement(RecordMetadata metadata, Throwable error) {
            (error == null ? ACKS : ERRORS).incrementAndGet();
        }
    }

    @Test
    void interceptorsHeadersTimestampsAndCallbacks() throws Exception {
        Producer<String, String> p = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer(),
                Map.of("interceptor.classes", TaggingInterceptor.class.getName()));
        AtomicReference<RecordMetadata> fromCallback = new AtomicReference<>();
        long ts = 1_700_000_000_123L;
        RecordMetadata md = p.send(new ProducerRecord<>("prod-h", 0, ts, "k", "v",
                List.of(Header.of("a", "1"), new Header("b", new byte[] {0, 1}))), (m, e) -> fromCallback.set(m))
                .get(5, TimeUnit.SECONDS);
        assertThat(md.timestamp()).isEqualTo(ts);
        assertThat(md.serializedKeySize()).isEqualTo(1);
        assertThat(fromCallback.get()).isEqualTo(md);
        assertThat(TaggingInterceptor.ACKS.get()).isEqualTo(1);
        p.close();

        ConsumerRecord<String, String> r = readAll("prod-h", 0, 1).get(0);
        assertThat(r.timestamp()).isEqualTo(ts);
        assertThat(r.headers()).containsExactly(Header.of("a", "1"), new Header("b", new byte[] {0, 1}),
                Header.of("tagged", "yes"));
    }

    @Test
    void keysLandWhereKafkaPutsThem() throws Exception {
        client.admin().createTopic("prod-keys", 5).get();
        Producer<String, String> p = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer());
        assertThat(p.partitionCount("prod-keys")).isEqualTo(5);
        // Kafka's UtilsTest: murmur2("foobar") = -790332482, "21" = -973932308
        assertThat(p.sendAndWait(new ProducerRecord<>("prod-keys", "foobar", "x")).partition())
                .isEqualTo((-790332482 & 0x7fffffff) % 5);
        assertThat(p.sendAndWait(new ProducerRecord<>("prod-keys", "21", "x")).partition())
                .isEqualTo((-973932308 & 0x7fffffff) % 5);
        p.close();
    }

    @Test
    void unknownTopicIsAutoCreatedWithOnePartition() throws Exception {
        Producer<String, String> p = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer());
        RecordMetadata md = p.sendAndWait(new ProducerRecord<>("prod-auto", "k", "v"));
        assertThat(md.partition()).isZero();
        assertThat(p.partitionCount("prod-auto")).isEqualTo(1);
        // A partition that does not exist: code 8 (A.6.1), final, not retried
        Throwable e = failureOf(p.send(new ProducerRecord<>("prod-auto", 3, "k", "v")));
        assertThat(e).isInstanceOf(BrokerErrorException.class);
        assertThat(((BrokerErrorException) e).code()).isEqualTo(ErrorCode.TOPIC_NOT_FOUND);
        p.close();
    }

    @Test
    void badRecordsFailAloneWithClearErrors() throws Exception {
        Serializer<String> failing = (topic, data, alloc) -> {
            if ("boom".equals(data)) {
                throw new IllegalArgumentException("cannot serialize boom");
            }
            return Serdes.stringSerializer().serialize(topic, data, alloc);
        };
        Producer<String, String> p = client.newProducer(Serdes.stringSerializer(), failing);
        CompletableFuture<RecordMetadata> ok1 = p.send(new ProducerRecord<>("prod-bad", 0, "k", "a"));
        Throwable dup = failureOf(p.send(new ProducerRecord<>("prod-bad", 0, null, "k", "b",
                List.of(Header.of("x", "1"), Header.of("x", "2")))));
        assertThat(dup).isInstanceOf(StreamBusException.class).hasMessageContaining("'x' twice");
        Throwable ser = failureOf(p.send(new ProducerRecord<>("prod-bad", 0, "k", "boom")));
        assertThat(ser).hasMessageContaining("cannot serialize the value").hasMessageContaining("prod-bad");
        Throwable big = failureOf(p.send(new ProducerRecord<>("prod-bad", 0, "k", "z".repeat(11 << 20))));
        assertThat(big).hasMessageContaining("does not fit in a frame");
        CompletableFuture<RecordMetadata> ok2 = p.send(new ProducerRecord<>("prod-bad", 0, "k", "c"));
        assertThat(ok1.get().offset()).isZero();
        assertThat(ok2.get().offset()).isEqualTo(1);
        p.close();
        assertThat(failureOf(p.send(new ProducerRecord<>("prod-bad", 0, "k", "late"))))
                .hasMessageContaining("producer is closed");
        assertThat(readAll("prod-bad", 0, 2)).extracting(ConsumerRecord::value).containsExactly("a", "c");
    }

    /** A custom partitioner by instance; byte[] and ByteBuf values are sent without intermediate copies. */
    @Test
    void customPartitionerAndZeroCopyValues() throws Exception {
        client.admin().createTopic("prod-custom", 3).get();
        Partitioner last = (topic, key, keyBytes, n) -> n - 1;
        Producer<byte[], ByteBuf> p = client.newProducer(Serdes.byteArraySerializer(), Serdes.byteBufSerializer(),
                Map.of("partitioner", last));
        // The pooled allocator the client itself uses, so the producer writes the value without a copy.
        ByteBuf value = PooledByteBufAllocator.DEFAULT.buffer().writeBytes("zero-copy".getBytes(
                StandardCharsets.UTF_8));
        RecordMetadata md = p.sendAndWait(new ProducerRecord<>("prod-custom", "key".getBytes(StandardCharsets.UTF_8),
                value));
        assertThat(value.refCnt()).as("the producer released its own reference only").isEqualTo(1);
        value.release();
        assertThat(md.partition()).isEqualTo(2);
        p.close();
        assertThat(readAll("prod-custom", 2, 1).get(0).value()).isEqualTo("zero-copy");
    }

    @Test
    void closeDeliversWhatWasAccepted() throws Exception {
        Producer<String, String> p = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer(),
                Map.of("linger.ms", 200));
        List<CompletableFuture<RecordMetadata>> fs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            fs.add(p.send(new ProducerRecord<>("prod-close", 0, "k", "v" + i)));
        }
        p.close(Duration.ofSeconds(10));
        for (int i = 0; i < 100; i++) {
            assertThat(fs.get(i).get(1, TimeUnit.SECONDS).offset()).isEqualTo(i);
        }
        assertThat(client.admin().offsets(new TopicPartition("prod-close", 0)).get().end()).isEqualTo(100);
    }

    /**
     * Async idempotent sends at full speed reach the broker in sequence order: the sending thread and the I/O thread
     * both send batches, and one overtaking the other used to be refused with 47 (OutOfOrderSequence) and resent,
     * about once per 2,000 records. The metadata of byte[] records (written without wrapping) is read back right.
     */
    @Test
    void asyncIdempotentSendsNeedNoRetries() throws Exception {
        AtomicInteger retries = new AtomicInteger();
        MetricsCollector metrics = new MetricsCollector() {
            @Override
            public void recordSendRetry(TopicPartition partition, Throwable cause) {
                retries.incrementAndGet();
            }
        };
        client.admin().createTopic("prod-async", 2).get(10, TimeUnit.SECONDS);
        try (StreamBusClient c = StreamBusClient.builder().bootstrap(broker.address()).metrics(metrics).build()) {
            Producer<byte[], byte[]> p = c.newProducer(Serdes.byteArraySerializer(), Serdes.byteArraySerializer());
            byte[] value = new byte[100];
            int n = 200_000;
            List<CompletableFuture<RecordMetadata>> fs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                fs.add(p.send(new ProducerRecord<>("prod-async", i % 2, null, value)));
            }
            p.flush(Duration.ofSeconds(60));
            assertThat(retries.get()).as("batches resent").isZero();
            long[] next = new long[2];
            for (int i = 0; i < n; i++) {
                RecordMetadata md = fs.get(i).getNow(null);
                assertThat(md.offset()).isEqualTo(next[i % 2]++);
                assertThat(md.serializedKeySize()).isZero();
                assertThat(md.serializedValueSize()).isEqualTo(100);
            }
            assertThat(((io.streambus.client.internal.producer.ProducerImpl<?, ?>) p).idempotenceMode())
                    .isEqualTo("SEQUENCED");
            p.close();
        }
    }
}
