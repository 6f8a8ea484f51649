package io.streambus.client.share;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.client.StreamBusClient;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Serdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Share groups deliver committed data only (spec B.13.1): records of an aborted transaction are never delivered,
 * and nothing at or above the last stable offset is delivered until the open transaction there completes, neither
 * its own records nor the later non-transactional ones. Embedded broker, real sockets.
 */
@ExtendWith(LeakCheck.class)
class ShareReadCommittedTest {
    @TempDir
    Path dir;

    private static Producer<String, String> transactional(StreamBusClient c, String id) {
        Producer<String, String> p = c.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer(),
                Map.of("transactional.id", id));
        p.initTransactions();
        return p;
    }

    /** Everything the consumer gets (accepted at once) within {@code window}. */
    private static List<String> drain(ShareConsumer<String, String> c, Duration window) {
        List<String> got = new ArrayList<>();
        long deadline = System.nanoTime() + window.toNanos();
        while (System.nanoTime() < deadline) {
            for (ShareRecord<String, String> r : c.poll(Duration.ofMillis(100))) {
                got.add(r.value());
                c.acknowledge(r, AcknowledgeType.ACCEPT);
            }
            c.commitSync(Duration.ofSeconds(10));
        }
        return got;
    }

    /** Polls until {@code expected} records arrived (or 30 s passed); returns them all. */
    private static List<String> receive(ShareConsumer<String, String> c, int expected) {
        List<String> got = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (got.size() < expected && System.nanoTime() < deadline) {
            for (ShareRecord<String, String> r : c.poll(Duration.ofMillis(100))) {
                got.add(r.value());
                c.acknowledge(r, AcknowledgeType.ACCEPT);
            }
            c.commitSync(Duration.ofSeconds(10));
        }
        return got;
    }

    @Test
    void abortedRecordsAreNeverDeliveredAndOpenTransactionsHoldBackWhatFollows() throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.builder().port(0).dataDir(dir.resolve("b")).build()) {
            b.start();
            try (StreamBusClient client = ShareConsumerTest.client(b.address())) {
                client.admin().createTopic("q", 1).get(10, TimeUnit.SECONDS);
                try (Producer<String, String> plain = client.newProducer(Serdes.stringSerializer(),
                        Serdes.stringSerializer());
                     Producer<String, String> aborting = transactional(client, "aborting");
                     Producer<String, String> open = transactional(client, "open");
                     ShareConsumer<String, String> consumer = client.newShareConsumer("workers",
                             Serdes.stringDeserializer(), Serdes.stringDeserializer(),
                             Map.of("share.fetch.max.wait.ms", 100, "share.acknowledgement.mode", "explicit"))) {
                    plain.send(new ProducerRecord<>("q", 0, "k", "committed-0")).get(10, TimeUnit.SECONDS);
                    aborting.beginTransaction();
                    aborting.send(new ProducerRecord<>("q", 0, "k", "aborted-1"));
                    aborting.send(new ProducerRecord<>("q", 0, "k", "aborted-2"));
                    aborting.flush(Duration.ofSeconds(10));
                    aborting.abortTransaction();
                    plain.send(new ProducerRecord<>("q", 0, "k", "committed-1")).get(10, TimeUnit.SECONDS);
                    open.beginTransaction();
                    open.send(new ProducerRecord<>("q", 0, "k", "pending-1"));
                    open.flush(Duration.ofSeconds(10));
                    plain.send(new ProducerRecord<>("q", 0, "k", "after-pending")).get(10, TimeUnit.SECONDS);

                    consumer.subscribe(List.of("q"));
                    List<String> first = receive(consumer, 2);
                    // The open transaction holds back its record and the later one; give them a real chance.
                    first.addAll(drain(consumer, Duration.ofSeconds(1)));
                    assertThat(first).containsExactly("committed-0", "committed-1");

                    open.commitTransaction();
                    assertThat(receive(consumer, 2)).containsExactly("pending-1", "after-pending");
                    assertThat(drain(consumer, Duration.ofMillis(500))).as("aborted records").isEmpty();
                }
            }
        }
    }
}
