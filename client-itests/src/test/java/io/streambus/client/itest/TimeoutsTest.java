package io.streambus.client.itest;

import io.streambus.broker.testing.LeakCheck;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.client.BufferExhaustedException;
import io.streambus.client.ConnectionException;
import io.streambus.client.StreamBusClient;
import io.streambus.client.StreamBusException;
import io.streambus.client.StreamBusTimeoutException;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.producer.RecordMetadata;
import io.streambus.client.serialization.Serdes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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

/** Every timeout path ends in a typed error within its bound; nothing hangs. */
@ExtendWith(LeakCheck.class)
class TimeoutsTest {

    private static String closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + s.getLocalPort();
        }
    }

    private static Throwable failureOf(CompletableFuture<?> f, long seconds) {
        try {
            f.get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("expected a failure within " + seconds + " s, got " + e, e);
        }
        throw new AssertionError("expected a failure");
    }

    private static long millisSince(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    @Test
    void connectToClosedPortFailsWithinApiTimeout() throws Exception {
        try (StreamBusClient client = Brokers.client(closedPort(), Map.of("api.timeout.ms", 800))) {
            long t0 = System.nanoTime();
            Throwable e = failureOf(client.admin().health(), 5);
            assertThat(e).isInstanceOfAny(ConnectionException.class, StreamBusTimeoutException.class);
            assertThat(((StreamBusException) e).isRetriable()).isTrue();
            assertThat(millisSince(t0)).isBetween(200L, 6000L);
        }
    }

    @Test
    void silentServerFailsConnectionSetupWithinConnectTimeout() throws Exception {
        try (FakeBroker fake = new FakeBroker(FakeBroker.Behaviour.SILENT);
             StreamBusClient client = Brokers.client(fake.address(), Map.of("connect.timeout.ms", 300,
                     "api.timeout.ms", 1000))) {
            long t0 = System.nanoTime();
            Throwable e = failureOf(client.admin().health(), 5);
            assertThat(e).isInstanceOf(StreamBusTimeoutException.class);
            assertThat(millisSince(t0)).isBetween(250L, 6000L);
            assertThat(fake.requestTypes()).as("only probes, never a request behind one").containsOnly(0x22);
        }
    }

    @Test
    void requestTimeoutFailsTheRequestAndClosesTheConnection() throws Exception {
        try (FakeBroker fake = new FakeBroker(FakeBroker.Behaviour.UNKNOWN_REQUEST_THEN_SILENT);
             StreamBusClient client = Brokers.client(fake.address(), Map.of("request.timeout.ms", 300,
                     "retries", 0))) {
            long t0 = System.nanoTime();
            Throwable e = failureOf(client.admin().health(), 5);
            assertThat(e).isInstanceOf(StreamBusTimeoutException.class).hasMessageContaining("HEALTH_CHECK");
            assertThat(millisSince(t0)).isBetween(250L, 6000L);
            assertThat(fake.connections()).isEqualTo(1);
            // A.8.8: the connection of a timed-out request is closed, not reused
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(fake.closedByClient()).isEqualTo(1));
        }
    }

    @Test
    void deliveryTimeoutFailsRecordsExplicitly() throws Exception {
        try (StreamBusClient client = Brokers.client(closedPort(), Map.of())) {
            Producer<String, String> p = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer(),
                    Map.of("delivery.timeout.ms", 500));
            long t0 = System.nanoTime();
            List<CompletableFuture<RecordMetadata>> fs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                fs.add(p.send(new ProducerRecord<>("t", i % 2, "k", "v")));
            }
            for (CompletableFuture<RecordMetadata> f : fs) {
                assertThat(failureOf(f, 5)).isInstanceOf(StreamBusTimeoutException.class)
                        .hasMessageContaining("delivery.timeout.ms");
            }
            assertThat(millisSince(t0)).isBetween(400L, 6000L);
        }
    }

    @Test
    void maxBlockOnUnknownPartitionCount() throws Exception {
        try (StreamBusClient client = Brokers.client(closedPort(), Map.of())) {
            Producer<String, String> p = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer(),
                    Map.of("max.block.ms", 300));
            long t0 = System.nanoTime();
            Throwable e = failureOf(p.send(new ProducerRecord<>("t", "k", "v")), 5);
            assertThat(e).isInstanceOf(StreamBusTimeoutException.class).hasMessageContaining("max.block.ms");
            assertThat(millisSince(t0)).isBetween(250L, 6000L);
        }
    }

    @Test
    void fullBufferMemoryBlocksThenFails() throws Exception {
        try (FakeBroker fake = new FakeBroker(FakeBroker.Behaviour.UNKNOWN_REQUEST_THEN_SILENT);
             StreamBusClient client = Brokers.client(fake.address(), Map.of("request.timeout.ms", 20000))) {
            Producer<String, String> p = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer(),
                    Map.of("buffer.memory", 2048, "max.block.ms", 300, "linger.ms", 0));
            String v = "x".repeat(400);
            List<CompletableFuture<RecordMetadata>> accepted = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                accepted.add(p.send(new ProducerRecord<>("t", 0, "k", v)));
            }
            long t0 = System.nanoTime();
            CompletableFuture<RecordMetadata> blocked = p.send(new ProducerRecord<>("t", 0, "k", v));
            assertThat(millisSince(t0)).as("send blocked for max.block.ms").isGreaterThanOrEqualTo(290L);
            assertThat(failureOf(blocked, 1)).isInstanceOf(BufferExhaustedException.class)
                    .hasMessageContaining("max.block.ms");
            assertThat(accepted).noneMatch(CompletableFuture::isDone);
            // close fails what was accepted, explicitly
            p.close(Duration.ofMillis(100));
            for (CompletableFuture<RecordMetadata> f : accepted) {
                assertThat(failureOf(f, 1)).isInstanceOf(StreamBusException.class)
                        .hasMessageContaining("producer closed");
            }
        }
    }

    /** A small buffer.memory makes sends wait for acknowledgements, but nothing fails. */
    @Test
    void backpressureWithRealBrokerLosesNothing(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = Brokers.start(dir); StreamBusClient client = Brokers.client(broker)) {
            Producer<String, String> p = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer(),
                    Map.of("buffer.memory", 8192, "batch.size", 2048, "max.block.ms", 10000));
            String v = "y".repeat(200);
            List<CompletableFuture<RecordMetadata>> fs = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                fs.add(p.send(new ProducerRecord<>("bp", 0, "k", v)));
            }
            p.flush(Duration.ofSeconds(20));
            for (int i = 0; i < fs.size(); i++) {
                assertThat(fs.get(i).get().offset()).isEqualTo(i);
            }
        }
    }
}
