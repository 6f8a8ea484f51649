package io.streambus.client.group;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.client.StreamBusClient;
import io.streambus.common.TopicPartition;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.consumer.GroupConsumer;
import io.streambus.client.consumer.RebalanceListener;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Serdes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Brokers, clients and group consumers with short group timeouts, all on 127.0.0.1. */
final class GroupTests {
    static final int SESSION_MS = 1500;
    static final int HEARTBEAT_MS = 200;

    private GroupTests() {
    }

    static EmbeddedBroker.Builder brokerBuilder(Path dataDir) {
        return EmbeddedBroker.builder().port(0).dataDir(dataDir)
                .groupSessionTimeoutRange(Duration.ofMillis(1000), Duration.ofMinutes(5));
    }

    static EmbeddedBroker start(Path dataDir) {
        return start(brokerBuilder(dataDir));
    }

    static EmbeddedBroker start(EmbeddedBroker.Builder builder) {
        EmbeddedBroker b = builder.build();
        try {
            b.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b;
    }

    static StreamBusClient client(EmbeddedBroker b) {
        return client(b.address(), Map.of());
    }

    static StreamBusClient client(String bootstrap, Map<String, ?> extra) {
        return StreamBusClient.builder().bootstrap(bootstrap)
                .property("request.timeout.ms", 5000)
                .property("connect.timeout.ms", 3000)
                .property("api.timeout.ms", 10000)
                .property("retry.backoff.ms", 20)
                .property("retry.backoff.max.ms", 200)
                .property("reconnect.backoff.ms", 20)
                .property("reconnect.backoff.max.ms", 200)
                .properties(extra)
                .build();
    }

    /** Group settings for fast tests, then {@code extra}. */
    static Map<String, Object> groupConfig(Map<String, ?> extra) {
        Map<String, Object> m = new HashMap<>();
        m.put("session.timeout.ms", SESSION_MS);
        m.put("heartbeat.interval.ms", HEARTBEAT_MS);
        m.put("rebalance.timeout.ms", 4000);
        m.put("auto.offset.reset", "earliest");
        m.put("enable.auto.commit", false);
        m.putAll(extra);
        return m;
    }

    static GroupConsumer<String, String> consumer(StreamBusClient client, String group, Map<String, ?> extra) {
        return client.newGroupConsumer(group, Serdes.stringDeserializer(), Serdes.stringDeserializer(),
                groupConfig(extra));
    }

    static void produce(StreamBusClient client, String topic, int partitions, int from, int count) {
        Producer<String, String> p = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer());
        for (int i = from; i < from + count; i++) {
            p.send(new ProducerRecord<>(topic, i % partitions, "k" + i, "v" + i));
        }
        p.flush(Duration.ofSeconds(10));
        p.close(Duration.ofSeconds(5));
    }

    /** Polls every consumer in turn (each is used by this thread only) until the condition holds. */
    static void pollUntil(List<? extends GroupConsumer<?, ?>> consumers, Duration max,
                          java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!done.getAsBoolean()) {
            org.assertj.core.api.Assertions.assertThat(System.nanoTime()).as("condition not reached within " + max)
                    .isLessThan(deadline);
            for (GroupConsumer<?, ?> c : consumers) {
                c.poll(Duration.ofMillis(20));
            }
        }
    }

    /** A listener that records its calls. */
    static final class Recorder implements RebalanceListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            events.add("revoked " + partitions.size());
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            events.add("assigned " + partitions.size());
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            events.add("lost " + partitions.size());
        }
    }

    static String id(ConsumerRecord<?, ?> r) {
        return r.topic() + "-" + r.partition() + "@" + r.offset();
    }
}
