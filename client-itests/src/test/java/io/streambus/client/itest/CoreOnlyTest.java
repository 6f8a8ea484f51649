package io.streambus.client.itest;

import io.streambus.broker.testing.LeakCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.client.StreamBusClient;
import io.streambus.common.TopicPartition;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.admin.Admin;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Serdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Against a broker that serves Part A only (the reference's behaviour, B.4 and B.9). */
@ExtendWith(LeakCheck.class)
class CoreOnlyTest {

    private static Throwable failureOf(CompletableFuture<?> f) {
        try {
            f.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("expected a failure, got " + e, e);
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void partAWorksAndPartBFailsFast(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = Brokers.startCoreOnly(dir);
             StreamBusClient client = Brokers.client(broker.address(),
                     Map.of("compression.type", "zstd"))) {
            BrokerCapabilities caps = client.capabilities();
            assertThat(caps.coreOnly()).isTrue();
            assertThat(caps.supportsGroups()).isFalse();
            Admin admin = client.admin();
            admin.createTopic("core", 2).get();
            assertThat(admin.listTopics().get()).containsEntry("core", 2);
            assertThat(admin.health().get()).isNotEmpty();

            // compression configured: plain batches to a broker without COMPRESSION (B.11), and they work
            Producer<String, String> p = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer());
            for (int i = 0; i < 200; i++) {
                p.send(new ProducerRecord<>("core", i % 2, "k" + i, "v" + i));
            }
            p.flush(Duration.ofSeconds(10));
            assertThat(admin.offsets(new TopicPartition("core", 0)).get().end()).isEqualTo(100);

            Consumer<String, String> c = client.newConsumer(Serdes.stringDeserializer(), Serdes.stringDeserializer(),
                    Map.of("auto.offset.reset", "earliest", "fetch.compression.type", "lz4"));
            c.assign("core", List.of(0, 1));
            List<ConsumerRecord<String, String>> got = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (got.size() < 200 && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(100)).forEach(got::add);
            }
            assertThat(got).hasSize(200);

            long t0 = System.nanoTime();
            assertThat(failureOf(admin.listGroups(""))).isInstanceOf(UnsupportedFeatureException.class)
                    .satisfies(e -> assertThat(((UnsupportedFeatureException) e).capability())
                            .isEqualTo(BrokerCapabilities.CAP_GROUP_ADMIN));
            assertThat(failureOf(admin.deleteGroups(List.of("g"))))
                    .isInstanceOf(UnsupportedFeatureException.class);
            assertThat(failureOf(admin.committedOffsets("g", List.of(new TopicPartition("core", 0)))))
                    .isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("consumer-groups")
                    .hasMessageContaining(broker.address());
            assertThat(failureOf(admin.commitOffsets("g", Map.of(new TopicPartition("core", 0),
                    new OffsetAndMetadata(5))))).isInstanceOf(UnsupportedFeatureException.class);
            assertThat(System.nanoTime() - t0).as("fail fast").isLessThan(TimeUnit.SECONDS.toNanos(2));
        }
    }

    /** A listener that closes the connection on the first frame, as the reference does on ApiVersions (A.8.7). */
    @Test
    void probeClosedByBrokerMeansCoreOnlyAndNoPartBTypeIsEverSent() throws Exception {
        try (FakeBroker fake = new FakeBroker(FakeBroker.Behaviour.CLOSE_ON_FIRST_FRAME);
             StreamBusClient client = Brokers.client(fake.address(), Map.of())) {
            long t0 = System.nanoTime();
            BrokerCapabilities caps = client.capabilities();
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(3));
            assertThat(caps.coreOnly()).isTrue();
            assertThat(fake.requestTypes()).containsExactly(0x22);
            // the connection for real work is opened after the probe concluded: wait for the fake to accept it
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(fake.connections())
                    .as("probe connection, then one for real work").isEqualTo(2));

            assertThat(failureOf(client.admin().listGroups(""))).isInstanceOf(UnsupportedFeatureException.class);
            assertThat(failureOf(client.admin().commitOffsets("g", Map.of(new TopicPartition("t", 0),
                    new OffsetAndMetadata(1))))).isInstanceOf(UnsupportedFeatureException.class);
            // A Part A request sent afterwards is the barrier: a Part B frame written before it would arrive first.
            CompletableFuture<String> barrier = client.admin().health();
            await().atMost(Duration.ofSeconds(5)).until(() -> fake.requestTypes().contains(0x07));
            assertThat(fake.requestTypes()).as("no Part B request after the probe").startsWith(0x22, 0x07)
                    .allMatch(t -> t == 0x22 || t == 0x07);
            barrier.cancel(false);
        }
    }

    /** A conforming core-only broker answers UnknownRequest and keeps the connection (B.4 step 3). */
    @Test
    void unknownRequestAnswerMeansCoreOnlyOnTheSameConnection() throws Exception {
        try (FakeBroker fake = new FakeBroker(FakeBroker.Behaviour.UNKNOWN_REQUEST_THEN_SILENT);
             StreamBusClient client = Brokers.client(fake.address(), Map.of("request.timeout.ms", 200,
                     "retries", 0))) {
            assertThat(client.capabilities().coreOnly()).isTrue();
            assertThat(fake.connections()).isEqualTo(1);
            failureOf(client.admin().health());
            assertThat(fake.requestTypes()).containsExactly(0x22, 0x07);
            assertThat(fake.requestIds()).as("per-connection counter from 1 (A.3.5)").containsExactly(1L, 2L);
        }
    }

    /** With credentials, a core-only broker is refused; the client never falls back to unauthenticated use. */
    @Test
    void credentialsAgainstCoreOnlyBrokerFailWithUnsupportedSasl(@TempDir Path dir) {
        try (EmbeddedBroker broker = Brokers.startCoreOnly(dir);
             StreamBusClient client = Brokers.client(broker.address(), Map.of("sasl.mechanism", "SCRAM-SHA-256",
                     "sasl.username", "alice", "sasl.password", "secret"))) {
            long t0 = System.nanoTime();
            assertThat(failureOf(client.admin().listTopics())).isInstanceOf(UnsupportedFeatureException.class)
                    .satisfies(e -> assertThat(((UnsupportedFeatureException) e).capability()).isEqualTo("sasl"));
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(3));
            Producer<String, String> p = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer());
            assertThatThrownBy(() -> p.sendAndWait(new ProducerRecord<>("t", 0, "k", "v")))
                    .isInstanceOf(UnsupportedFeatureException.class);
        }
    }
}
