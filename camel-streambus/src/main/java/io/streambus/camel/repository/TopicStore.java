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
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * A topic read back as a key/value log, with the lifecycle the topic-backed repositories share: {@link #start}
 * connects (its own client, or a shared one it does not close), creates the topic (one partition) when it does not
 * exist, and replays every record (key and value as UTF-8 text) from the beginning up to the end offsets taken when
 * the replay starts; {@link #publish} appends one record and waits for its acknowledgement; {@link #stop} closes
 * what {@link #start} opened. Thread-safe.
 */
final class TopicStore {
    private final String owner;
    private final String topic;
    private final String brokers;
    private final String clientId;
    private final StreamBusClient sharedClient;
    private volatile Duration timeout = Duration.ofSeconds(30);
    private volatile Open open;

    /** What {@link #start} opened: the client (closed on stop when not shared), the producer, the bound in use. */
    private record Open(StreamBusClient client, Producer<String, String> producer, Duration timeout) {
    }

    /**
     * A store for the repository named {@code owner} (used in messages) with its own client to {@code brokers}
     * ({@code host:port,...}) whose client id is {@code clientIdPrefix-topic}.
     */
    TopicStore(String owner, String topic, String brokers, String clientIdPrefix) {
        this.owner = owner;
        this.topic = Objects.requireNonNull(topic, "topic");
        this.brokers = Objects.requireNonNull(brokers, "brokers");
        this.clientId = clientIdPrefix + "-" + topic;
        this.sharedClient = null;
    }

    /** A store for the repository named {@code owner} on an existing client, which it does not close. */
    TopicStore(String owner, String topic, StreamBusClient client) {
        this.owner = owner;
        this.topic = Objects.requireNonNull(topic, "topic");
        this.brokers = null;
        this.clientId = null;
        this.sharedClient = Objects.requireNonNull(client, "client");
    }

    /** The topic. */
    String topic() {
        return topic;
    }

    /** The bound of every broker operation (reading back, each publish), used from the next {@link #start}. */
    void timeout(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * Connects, creates the topic if missing, runs {@code reset} and replays the topic to {@code sink(key, value)}.
     * On failure closes what it opened and rethrows.
     */
    synchronized void start(Runnable reset, BiConsumer<String, String> sink) {
        Duration t = timeout;
        StreamBusClient client = sharedClient != null ? sharedClient
                : StreamBusClient.create(Map.of("bootstrap.servers", brokers, "client.id", clientId));
        Producer<String, String> producer = null;
        try {
            Map<String, Integer> topics = Futures.await(client.admin().listTopics(), t.toNanos(), "listing topics");
            if (!topics.containsKey(topic)) {
                Futures.await(client.admin().createTopic(topic, 1), t.toNanos(), "creating topic " + topic);
            }
            producer = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer());
            reset.run();
            load(client, t, sink);
        } catch (RuntimeException e) {
            close(new Open(client, producer, t));
            throw e;
        }
        open = new Open(client, producer, t);
    }

    /** Closes what {@link #start} opened; nothing when not started. */
    synchronized void stop() {
        Open o = open;
        open = null;
        if (o != null) {
            close(o);
        }
    }

    /** Replays every record present now, in partition order, to {@code sink(key, value)}. */
    private void load(StreamBusClient client, Duration bound, BiConsumer<String, String> sink) {
        int partitions = Futures.await(client.admin().listTopics(), bound.toNanos(), "listing topics")
                .getOrDefault(topic, 1);
        Map<TopicPartition, Long> ends = new HashMap<>();
        List<Integer> ps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            TopicPartition tp = new TopicPartition(topic, p);
            long end = Futures.await(client.admin().offsets(tp), bound.toNanos(), "end offset of " + tp).end();
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
            long deadline = System.nanoTime() + bound.toNanos();
            while (!ends.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading topic " + topic + " back did not finish within "
                            + bound.toMillis() + " ms; still to read: " + ends);
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

    /** Appends {@code key=value} and waits for the broker's acknowledgement; fails when not started. */
    void publish(String key, String value) {
        Open o = open;
        if (o == null) {
            throw new IllegalStateException(owner + " on " + topic + " is not started");
        }
        Futures.await(o.producer().send(new ProducerRecord<>(topic, key, value)), o.timeout().toNanos(),
                "publishing " + key + " to " + topic);
    }

    private void close(Open o) {
        if (o.producer() != null) {
            o.producer().close();
        }
        if (sharedClient == null) {
            o.client().close();
        }
    }
}
