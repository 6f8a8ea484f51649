package io.streambus.client.itest;

import io.streambus.broker.testing.LeakCheck;
import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.client.ConnectionException;
import io.streambus.client.StreamBusClient;
import io.streambus.common.TopicPartition;
import io.streambus.client.admin.PartitionOffsets;
import io.streambus.client.metrics.MetricsCollector;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.producer.RecordMetadata;
import io.streambus.client.serialization.Serdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Pipelining, response matching (A.8.4), pool sharing and idle handling (A.8.8). */
@ExtendWith(LeakCheck.class)
class ConnectionTest {

    @Test
    void responseWithWrongIdClosesTheConnectionAndFailsTheRequest() throws Exception {
        try (FakeBroker fake = new FakeBroker(FakeBroker.Behaviour.UNKNOWN_REQUEST_THEN_WRONG_ID);
             StreamBusClient client = Brokers.client(fake.address(), Map.of("retries", 0))) {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> client.admin().health().get(5, TimeUnit.SECONDS));
            assertThat(e.getCause()).isInstanceOf(ConnectionException.class)
                    .hasMessageContaining("does not match the oldest outstanding request id");
        }
    }

    @Test
    void manyPipelinedRequestsShareOnePoolAndComeBackInOrder(@TempDir Path dir) throws Exception {
        AtomicInteger maxConnections = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        MetricsCollector metrics = new MetricsCollector() {
            @Override
            public void connections(String broker, int open) {
                maxConnections.accumulateAndGet(open, Math::max);
            }

            @Override
            public void inFlight(String broker, int n) {
                maxInFlight.accumulateAndGet(n, Math::max);
            }
        };
        try (EmbeddedBroker broker = Brokers.start(dir);
             StreamBusClient client = StreamBusClient.builder().bootstrap(broker.address()).metrics(metrics)
                     .property("connections.max.per.broker", 2).build()) {
            client.admin().createTopic("pipe", 3).get();
            // Not idempotent: an idempotent producer sends on one connection of its own (B.12.4), outside the pool.
            Producer<String, String> p = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer(),
                    Map.of("enable.idempotence", false));
            List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
            List<CompletableFuture<PartitionOffsets>> offsets = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                sends.add(p.send(new ProducerRecord<>("pipe", i % 3, "k", "v" + i)));
                if (i % 10 == 0) {
                    offsets.add(client.admin().offsets(new TopicPartition("pipe", i % 3)));
                }
            }
            p.flush(Duration.ofSeconds(10));
            long[] next = new long[3];
            for (int i = 0; i < 1000; i++) {
                RecordMetadata md = sends.get(i).get();
                assertThat(md.offset()).as("record %d in send order", i).isEqualTo(next[i % 3]++);
            }
            for (CompletableFuture<PartitionOffsets> f : offsets) {
                assertThat(f.get().end()).isBetween(0L, 334L);
            }
            assertThat(maxConnections.get()).isBetween(1, 2);
        }
    }

    /** The client pings its idle connection with HealthCheck before a broker with a short idle timeout drops it. */
    @Test
    void idleConnectionIsPingedAndKept(@TempDir Path dir) throws Exception {
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger last = new AtomicInteger();
        MetricsCollector metrics = new MetricsCollector() {
            @Override
            public synchronized void connections(String broker, int open) {
                if (open > last.get()) {
                    opened.incrementAndGet();
                }
                last.set(open);
            }
        };
        try (EmbeddedBroker broker = Brokers.start(EmbeddedBroker.builder().port(0).dataDir(dir)
                .idleTimeout(Duration.ofMillis(1000)));
             StreamBusClient client = StreamBusClient.builder().bootstrap(broker.address()).metrics(metrics)
                     .property("connections.max.idle.ms", 200).build()) {
            assertThat(client.admin().health().get()).isNotEmpty();
            Thread.sleep(2500); // idle for more than twice the broker's idle timeout: only elapsed time shows that
            assertThat(broker.connectionCount()).isEqualTo(1);
            assertThat(client.admin().health().get()).isNotEmpty();
            assertThat(opened.get()).as("no reconnect was needed").isEqualTo(1);
        }
    }
}
