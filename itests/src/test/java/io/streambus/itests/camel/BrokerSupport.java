package io.streambus.itests.camel;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.client.StreamBusClient;
import io.streambus.common.TopicPartition;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Serdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An embedded broker on 127.0.0.1 with a temporary data directory, plus a plain client for setting up topics and
 * checking what the routes did. One per test class.
 */
final class BrokerSupport implements AutoCloseable {
    private static final AtomicInteger TOPICS = new AtomicInteger();

    final EmbeddedBroker broker;
    final String brokers;
    final StreamBusClient client;

    BrokerSupport() throws Exception {
        this(false);
    }

    BrokerSupport(boolean coreOnly) throws Exception {
        broker = EmbeddedBroker.builder().temporary().coreOnly(coreOnly).build();
        int port = broker.start();
        brokers = "127.0.0.1:" + port;
        client = StreamBusClient.create(Map.of("bootstrap.servers", brokers, "client.id", "itest-helper"));
    }

    /** A topic name not used by any other test of this JVM. */
    static String uniqueTopic(String prefix) {
        return prefix + "-" + TOPICS.incrementAndGet();
    }

    void createTopic(String topic, int partitions) throws Exception {
        client.admin().createTopic(topic, partitions).get(10, TimeUnit.SECONDS);
    }

    /** Sends string records to one partition and waits for every acknowledgement. */
    void produce(String topic, int partition, List<String> values) {
        try (Producer<String, String> p = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer())) {
            for (String v : values) {
                p.send(new ProducerRecord<>(topic, partition, null, v));
            }
            p.flush(Duration.ofSeconds(10));
        }
    }

    /** Every record of these partitions from the beginning, read with a plain consumer. */
    List<ConsumerRecord<String, String>> readAll(String topic, int partitions, int expected) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (Consumer<String, String> c = client.newConsumer(Serdes.stringDeserializer(), Serdes.stringDeserializer(),
                Map.of("auto.offset.reset", "earliest"))) {
            List<Integer> ps = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                ps.add(i);
            }
            c.assign(topic, ps);
            long deadline = System.currentTimeMillis() + 10_000;
            while (out.size() < expected && System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /**
     * Every record of these partitions from the beginning, read with this isolation level: until {@code expected}
     * came, then until three polls in a row bring nothing, so that records beyond the expected ones show up.
     */
    List<ConsumerRecord<String, String>> readAll(String topic, int partitions, int expected, String isolation) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (Consumer<String, String> c = client.newConsumer(Serdes.stringDeserializer(), Serdes.stringDeserializer(),
                Map.of("auto.offset.reset", "earliest", "isolation.level", isolation))) {
            List<Integer> ps = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                ps.add(i);
            }
            c.assign(topic, ps);
            long deadline = System.currentTimeMillis() + 30_000;
            int idle = 0;
            while ((out.size() < expected || idle < 3) && System.currentTimeMillis() < deadline) {
                int before = out.size();
                c.poll(Duration.ofMillis(200)).forEach(out::add);
                idle = out.size() == before && out.size() >= expected ? idle + 1 : 0;
            }
        }
        return out;
    }

    /** Committed offset of a group for one partition, or -1. */
    long committed(String groupId, String topic, int partition) throws Exception {
        TopicPartition tp = new TopicPartition(topic, partition);
        Map<TopicPartition, OffsetAndMetadata> m = client.admin().committedOffsets(groupId, Set.of(tp))
                .get(10, TimeUnit.SECONDS);
        OffsetAndMetadata om = m.get(tp);
        return om == null ? -1 : om.offset();
    }

    long endOffset(String topic, int partition) throws Exception {
        return client.admin().offsets(new TopicPartition(topic, partition)).get(10, TimeUnit.SECONDS).end();
    }

    @Override
    public void close() {
        client.close();
        broker.close();
    }
}
