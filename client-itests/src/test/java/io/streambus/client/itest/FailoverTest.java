package io.streambus.client.itest;

import io.streambus.broker.testing.LeakCheck;
import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.client.ClientInternals;
import io.streambus.client.StreamBusClient;
import io.streambus.common.TopicPartition;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Serdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Two brokers in the bootstrap list: everything goes to the first until its breaker opens, then to the second. */
@ExtendWith(LeakCheck.class)
class FailoverTest {

    @Test
    void failsOverToTheNextBootstrapBroker(@TempDir Path dir1, @TempDir Path dir2) throws Exception {
        try (EmbeddedBroker b1 = Brokers.start(dir1); EmbeddedBroker b2 = Brokers.start(dir2);
             StreamBusClient client = Brokers.client(b1.address() + "," + b2.address(), Map.of(
                     "circuit.breaker.failure.threshold", 2, "circuit.breaker.open.ms", 60000));
             StreamBusClient direct2 = Brokers.client(b2)) {
            Producer<String, String> p = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer(),
                    Map.of("delivery.timeout.ms", 20000));
            for (int i = 0; i < 50; i++) {
                p.send(new ProducerRecord<>("fo", 0, "k", "before-" + i));
            }
            p.flush(Duration.ofSeconds(10));
            assertThat(direct2.admin().listTopics().get()).doesNotContainKey("fo");

            b1.stop();
            for (int i = 0; i < 50; i++) {
                p.send(new ProducerRecord<>("fo", 0, "k", "after-" + i));
            }
            p.flush(Duration.ofSeconds(15));
            assertThat(direct2.admin().offsets(new TopicPartition("fo", 0)).get().end()).isEqualTo(50);
            assertThat(client.admin().health().get()).isNotEmpty();
            assertThat(ClientInternals.activeBroker(client)).isEqualTo(b2.address());
        }
    }
}
