package io.streambus.client.itest;

import io.streambus.broker.testing.LeakCheck;
import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.client.StreamBusClient;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.producer.RecordMetadata;
import io.streambus.client.serialization.Serdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LeakCheck.class)
class SmokeTest {

    @Test
    void produceAndConsume(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = Brokers.start(dir); StreamBusClient client = Brokers.client(broker)) {
            BrokerCapabilities caps = client.capabilities();
            assertThat(caps.coreOnly()).isFalse();
            client.admin().createTopic("smoke", 2).get();
            Producer<String, String> p = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer());
            RecordMetadata md = p.sendAndWait(new ProducerRecord<>("smoke", 1, "k", "v0"));
            assertThat(md.partition()).isEqualTo(1);
            assertThat(md.offset()).isZero();
            for (int i = 1; i < 100; i++) {
                p.send(new ProducerRecord<>("smoke", 1, "k", "v" + i));
            }
            p.flush(Duration.ofSeconds(5));
            Consumer<String, String> c = client.newConsumer(Serdes.stringDeserializer(), Serdes.stringDeserializer(),
                    Map.of("auto.offset.reset", "earliest"));
            c.assign("smoke", List.of(1));
            List<ConsumerRecord<String, String>> got = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (got.size() < 100 && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(got::add);
            }
            assertThat(got).hasSize(100);
            for (int i = 0; i < 100; i++) {
                assertThat(got.get(i).value()).isEqualTo("v" + i);
                assertThat(got.get(i).offset()).isEqualTo(i);
                assertThat(got.get(i).key()).isEqualTo("k");
            }
        }
    }
}
