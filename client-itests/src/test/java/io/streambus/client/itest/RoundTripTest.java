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
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Records produced and consumed through the embedded broker for every partitioner and every codec (compressed
 * Produce and compressed Fetch, B.11): all arrive exactly once, each partition in send order, keys always on the
 * same partition with murmur2. 10k records per run, 100k with {@code -Dstreambus.slow=true}.
 */
@ExtendWith(LeakCheck.class)
class RoundTripTest {
    private static final int PARTITIONS = 4;
    private static final int COUNT = Boolean.getBoolean("streambus.slow") ? 100_000 : 10_000;

    @TempDir
    static Path dir;
    static EmbeddedBroker broker;
    static StreamBusClient client;

    @BeforeAll
    static void start() {
        broker = Brokers.start(dir);
        client = Brokers.client(broker);
        assertThat(client.capabilities().supportsCompression()).as("the embedded broker advertises COMPRESSION")
                .isTrue();
    }

    @AfterAll
    static void stop() {
        client.close();
        broker.close();
    }

    /**
     * Every partitioner and every codec: by default each partitioner with no compression and each codec with
     * murmur2 (7 runs); with {@code -Dstreambus.slow=true} the full cross product (15 runs of 100k).
     */
    static Stream<Arguments> combinations() {
        List<Arguments> list = new ArrayList<>();
        boolean slow = Boolean.getBoolean("streambus.slow");
        for (String partitioner : List.of("murmur2", "roundrobin", "sticky")) {
            for (String codec : List.of("none", "gzip", "snappy", "lz4", "zstd")) {
                if (slow || codec.equals("none") || partitioner.equals("murmur2")) {
                    list.add(Arguments.of(partitioner, codec));
                }
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("combinations")
    void everyRecordArrivesInOrderPerPartition(String partitioner, String codec) throws Exception {
        String topic = "rt-" + partitioner + "-" + codec;
        client.admin().createTopic(topic, PARTITIONS).get(10, TimeUnit.SECONDS);
        Producer<String, byte[]> producer = client.newProducer(Serdes.stringSerializer(),
                Serdes.byteArraySerializer(), Map.of("partitioner", partitioner, "compression.type", codec,
                        "linger.ms", 2, "batch.size", 32768));
        byte[] filler = "The quick brown fox jumps over the lazy dog; compressible filler text. "
                .repeat(2).substring(0, 92).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>(COUNT);
        for (int i = 0; i < COUNT; i++) {
            byte[] value = ByteBuffer.allocate(100).putLong(i).put(filler).array();
            futures.add(producer.send(new ProducerRecord<>(topic, "key-" + (i % 97), value)));
        }
        producer.flush(Duration.ofSeconds(30));
        int[] perPartition = new int[PARTITIONS];
        for (CompletableFuture<RecordMetadata> f : futures) {
            RecordMetadata md = f.get(1, TimeUnit.SECONDS);
            perPartition[md.partition()]++;
        }
        producer.close();
        if (!partitioner.equals("sticky")) {
            for (int p = 0; p < PARTITIONS; p++) {
                assertThat(perPartition[p]).as("partition %d used", p).isGreaterThan(COUNT / PARTITIONS / 4);
            }
        }

        Consumer<String, byte[]> consumer = client.newConsumer(Serdes.stringDeserializer(),
                Serdes.byteArrayDeserializer(), Map.of("auto.offset.reset", "earliest",
                        "fetch.compression.type", codec, "max.poll.records", 2000));
        List<TopicPartition> parts = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            parts.add(new TopicPartition(topic, p));
        }
        consumer.assign(parts);
        BitSet seen = new BitSet(COUNT);
        Map<Integer, Long> lastSeq = new HashMap<>();
        Map<String, Integer> keyPartition = new HashMap<>();
        int received = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (received < COUNT && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                long seq = ByteBuffer.wrap(r.value()).getLong();
                assertThat(seen.get((int) seq)).as("duplicate %d", seq).isFalse();
                seen.set((int) seq);
                Long prev = lastSeq.put(r.partition(), seq);
                if (prev != null) {
                    assertThat(seq).as("order in partition %d", r.partition()).isGreaterThan(prev);
                }
                assertThat(r.key()).isEqualTo("key-" + (seq % 97));
                if (partitioner.equals("murmur2")) {
                    Integer p = keyPartition.putIfAbsent(r.key(), r.partition());
                    assertThat(p == null || p == r.partition()).as("key %s always on one partition", r.key())
                            .isTrue();
                }
                received++;
            }
        }
        consumer.close();
        assertThat(received).isEqualTo(COUNT);
        assertThat(seen.cardinality()).isEqualTo(COUNT);
        for (int p = 0; p < PARTITIONS; p++) {
            assertThat(client.admin().offsets(new TopicPartition(topic, p)).get().end()).isEqualTo(perPartition[p]);
        }
    }
}
