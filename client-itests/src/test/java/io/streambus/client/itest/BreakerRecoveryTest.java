package io.streambus.client.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.client.StreamBusClient;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Serdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The circuit breaker closes as soon as the broker is back (a recovery probe connects), not when its open period
 * ends: with an open period of 60 s, a client whose breaker opened while the broker was down sends again within a
 * few seconds of the restart. Prints the resume time.
 */
@ExtendWith(LeakCheck.class)
class BreakerRecoveryTest {

    @Test
    void aRecoveryProbeClosesTheBreakerLongBeforeTheOpenPeriodEnds(@TempDir Path dir) throws Exception {
        EmbeddedBroker broker = Brokers.start(dir);
        try (StreamBusClient client = Brokers.client(broker.address(), Map.of("circuit.breaker.open.ms", 60_000,
                "circuit.breaker.failure.threshold", 1, "request.timeout.ms", 1000))) {
            client.admin().createTopic("probe", 1).get(10, TimeUnit.SECONDS);
            Producer<String, String> p = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer(),
                    Map.of("linger.ms", 0, "delivery.timeout.ms", 1500));
            p.send(new ProducerRecord<>("probe", "k", "before")).get(10, TimeUnit.SECONDS);
            broker.stop();
            assertThatThrownBy(() -> p.send(new ProducerRecord<>("probe", "k", "down")).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
            Brokers.restart(broker);
            long restarted = System.nanoTime();
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(10)).ignoreExceptions()
                    .until(() -> p.send(new ProducerRecord<>("probe", "k", "after")).get(2, TimeUnit.SECONDS) != null);
            long resumedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);
            System.out.printf("BREAKER resumed %d ms after the restart (open period 60000 ms)%n", resumedMs);
            assertThat(resumedMs).isLessThan(15_000);
            p.close();
        } finally {
            broker.close();
        }
    }
}
