package io.streambus.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.client.StreamBusClient;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Serdes;
import io.streambus.common.TopicPartition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The collector against a real client and the embedded broker, read back from a {@link SimpleMeterRegistry}. */
@ExtendWith(LeakCheck.class)
class MicrometerMetricsCollectorTest {
    @TempDir
    static Path dir;
    static EmbeddedBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.builder().port(0).dataDir(dir).build();
        broker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void producerAndConsumerMetersFollowTheKafkaBinderNames() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerMetricsCollector metrics = new MicrometerMetricsCollector(registry, "metrics-it",
                Tags.of("app", "test"));
        try (StreamBusClient client = StreamBusClient.builder().bootstrap(broker.address()).clientId("metrics-it")
                .metrics(metrics).build()) {
            client.admin().createTopic("metered", 2).get(10, TimeUnit.SECONDS);
            try (Producer<String, String> producer = client.newProducer(Serdes.stringSerializer(),
                    Serdes.stringSerializer())) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("metered", 0, "k" + i, "value-" + i)).get(10,
                            TimeUnit.SECONDS);
                }
                assertThat(registry.get("streambus.producer.buffer.total.bytes").tag("client.id", "metrics-it")
                        .tag("app", "test").gauge().value()).isEqualTo(32L * 1024 * 1024);
                assertThat(registry.get("streambus.producer.buffer.available.bytes").gauge().value())
                        .isPositive().isLessThanOrEqualTo(32L * 1024 * 1024);
            }
            assertThat(registry.get("streambus.producer.record.send.total").tag("topic", "metered").counter()
                    .count()).isEqualTo(10);
            assertThat(registry.get("streambus.producer.byte.total").tag("topic", "metered").counter().count())
                    .isPositive();
            assertThat(registry.get("streambus.producer.request.latency").tag("topic", "metered").timer().count())
                    .isBetween(1L, 10L);
            assertThat(registry.get("streambus.client.connection.count").gauge().value()).isPositive();
            assertThat(registry.get("streambus.client.circuit.state").tag("state", "closed").gauge().value())
                    .isEqualTo(1);

            try (Consumer<String, String> consumer = client.newConsumer(Serdes.stringDeserializer(),
                    Serdes.stringDeserializer(), Map.of("auto.offset.reset", "earliest"))) {
                consumer.assign("metered", List.of(0));
                AtomicInteger seen = new AtomicInteger();
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    seen.addAndGet(consumer.poll(Duration.ofMillis(100)).count());
                    return seen.get() >= 10;
                });
            }
            assertThat(registry.get("streambus.consumer.fetch.manager.records.consumed.total")
                    .tag("topic", "metered").counter().count()).isEqualTo(10);
            assertThat(registry.get("streambus.consumer.fetch.manager.fetch.latency").tag("topic", "metered")
                    .timer().count()).isPositive();
            assertThat(registry.get("streambus.consumer.fetch.manager.records.lag").tag("topic", "metered")
                    .tag("partition", "0").gauge().value()).isZero();
        }
        metrics.close();
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void lagCircuitErrorsAndShareAcknowledgementsAreTaggedAndBounded() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (MicrometerMetricsCollector metrics = new MicrometerMetricsCollector(registry, "c1", Tags.empty())) {
            TopicPartition tp = new TopicPartition("t", 3);
            metrics.consumerLag(tp, 42);
            metrics.consumerLag(tp, 7);
            metrics.circuitState("h:1", "OPEN");
            metrics.circuitState("h:1", "HALF_OPEN");
            metrics.recordError("Produce", "h:1", new java.io.IOException("x"));
            metrics.recordError("Produce", "h:1", new java.io.IOException("y"));
            metrics.recordShareAcknowledge(tp, "ACCEPT", 5);
            metrics.inFlight("h:1", 3);

            assertThat(registry.get("streambus.consumer.fetch.manager.records.lag").tag("partition", "3").gauge()
                    .value()).isEqualTo(7);
            assertThat(registry.get("streambus.client.circuit.state").tag("state", "half_open").gauge().value())
                    .isEqualTo(1);
            assertThat(registry.get("streambus.client.circuit.state").tag("state", "open").gauge().value())
                    .isZero();
            assertThat(registry.get("streambus.client.request.error.total").tag("exception", "IOException")
                    .tag("operation", "Produce").counter().count()).isEqualTo(2);
            assertThat(registry.get("streambus.consumer.share.records.acknowledged.total").tag("type", "accept")
                    .counter().count()).isEqualTo(5);
            assertThat(registry.get("streambus.client.requests.in.flight").tag("broker", "h:1").gauge().value())
                    .isEqualTo(3);
            assertThat(registry.find("streambus.client.request.error.total").counters()).hasSize(1);
        }
        assertThat(registry.getMeters()).isEmpty();
    }
}
