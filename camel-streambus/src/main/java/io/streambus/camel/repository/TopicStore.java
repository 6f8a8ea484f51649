package io.streambus.camel.repository;

import io.streambus.client.Futures;
import io.streambus.client.StreamBusClient;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Serdes;
import io.streambus.common.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A topic read back as a key/value log: {@link #load} replays every record (key and value as UTF-8 text) from the
 * beginning up to the end offsets taken when it starts, and {@link #publish} appends one record and waits for its
 * acknowledgement. Creates the topic (one partition) when it does not exist. Thread-safe after {@link #open}.
 */
final class TopicStore implements AutoCloseable {
    private final String topic;
    private final Duration timeout;
    private final StreamBusClient client;
    private final boolean ownsClient;
    private Producer<String, String> producer;

    TopicStore(StreamBusClient client, boolean ownsClient, String topic, Duration timeout) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.topic = topic;
        this.timeout = timeout;
    }

    /** Creates the topic if missing and the producer. */
    void open() {
        Map<String, Integer> topics = Futures.await(client.admin().listTopics(), timeout.toNanos(), "listing topics");
        if (!topics.containsKey(topic)) {
            Futures.await(client.admin().createTopic(topic, 1), timeout.toNanos(), "creating topic " + topic);
        }
        producer = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer());
    }

    /** Replays every record present now, in partition order, to {@code sink(key, value)}. */
    void load(BiConsumer<String, String> sink) {
        int partitions = Futures.await(client.admin().listTopics(), timeout.toNanos(), "listing topics")
                .getOrDefault(topic, 1);
        Map<TopicPartition, Long> ends = new HashMap<>();
        List<Integer> ps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            TopicPartition tp = new TopicPartition(topic, p);
            long end = Futures.await(client.admin().offsets(tp), timeout.toNanos(), "end offset of " + tp).end();
            if (end > 0) {
                ends.put(tp, end);
                ps.add(p);
            }
        }
        if (ps.isEmpty()) {
            return;
        }
        try (Consumer<String, String> c = client.newConsumer(Serdes.stringDeserializer(),
                Serdes.stringDeserializer(), Map.of("auto.offset.reset", "earliest"))) {
            c.assign(topic, ps);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!ends.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading topic " + topic + " back did not finish within "
                            + timeout.toMillis() + " ms; still to read: " + ends);
                }
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    Long end = ends.get(r.topicPartition());
                    if (end == null || r.offset() >= end) {
                        continue;
                    }
                    sink.accept(r.key(), r.value());
                    if (r.offset() + 1 >= end) {
                        ends.remove(r.topicPartition());
                    }
                }
            }
        }
    }

    /** Appends {@code key=value} and waits for the broker's acknowledgement. */
    void publish(String key, String value) {
        Futures.await(producer.send(new ProducerRecord<>(topic, key, value)), timeout.toNanos(),
                "publishing " + key + " to " + topic);
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close();
            producer = null;
        }
        if (ownsClient) {
            client.close();
        }
    }
}
