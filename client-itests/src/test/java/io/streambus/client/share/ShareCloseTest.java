package io.streambus.client.share;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.client.StreamBusClient;
import io.streambus.client.admin.ShareGroupSettings;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Serdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Close and unsubscribe with a ShareFetch held on the broker, over real sockets (spec B.13.8, B.13.12 rule 6): the
 * record the consumer releases is acquired again at once into its own held fetch (the broker retries held fetches
 * on acknowledgements), and the consumer must RETURN it from that reply, so that each round counts exactly one
 * delivery. A consumer that closed its fetch connection instead left the record acquired into a reply nobody read,
 * and it came back with a delivery counted for nothing.
 */
@ExtendWith(LeakCheck.class)
class ShareCloseTest {
    private static final int ROUNDS = 6;

    @TempDir
    static Path dir;
    static EmbeddedBroker broker;
    static StreamBusClient client;

    @BeforeAll
    static void start() throws Exception {
        broker = ShareConsumerTest.startBroker(dir);
        client = ShareConsumerTest.client(broker.address());
    }

    @AfterAll
    static void stop() {
        client.close();
        broker.close();
    }

    /** An explicit-mode consumer whose fetches the broker holds long enough for close to meet one. */
    private static ShareConsumer<String, String> consumer(String topic, String group) {
        ShareConsumer<String, String> c = client.newShareConsumer(group, Serdes.stringDeserializer(),
                Serdes.stringDeserializer(), Map.of("share.fetch.max.wait.ms", 1000,
                        "share.acknowledgement.mode", "explicit", "max.poll.records", 1));
        c.subscribe(List.of(topic));
        return c;
    }

    private static ShareRecord<String, String> pollOne(ShareConsumer<String, String> c) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            List<ShareRecord<String, String>> got = c.poll(Duration.ofMillis(100));
            if (!got.isEmpty()) {
                return got.get(0);
            }
        }
        throw new AssertionError("no record within 20 s");
    }

    private static void produceOne(String topic) throws Exception {
        client.admin().createTopic(topic, 1).get();
        try (Producer<String, String> p = client.newProducer(Serdes.stringSerializer(),
                Serdes.stringSerializer())) {
            p.send(new ProducerRecord<>(topic, 0, null, "k", "job", List.of()));
            p.flush(Duration.ofSeconds(30));
        }
    }

    private static void configure(String group) throws Exception {
        client.admin().configureShareGroup(group, ShareGroupSettings.builder().maxDeliveryAttempts(100).build())
                .get();
    }

    @Test
    void eachCloseWithAHeldFetchCountsExactlyTheOneDeliveryTheApplicationSaw() throws Exception {
        produceOne("close-jobs");
        configure("closers");
        List<Integer> counts = new ArrayList<>();
        for (int round = 0; round <= ROUNDS; round++) {
            ShareConsumer<String, String> c = consumer("close-jobs", "closers");
            ShareRecord<String, String> r = pollOne(c); // the poll sent the next fetch: the broker holds it
            counts.add(r.deliveryCount());
            if (round == ROUNDS) {
                c.acknowledge(r, AcknowledgeType.ACCEPT);
            }
            c.close(Duration.ofSeconds(10)); // releases it, unless accepted
        }
        assertThat(counts).containsExactly(1, 2, 3, 4, 5, 6, 7);
        assertThat(client.admin().describeShareGroup("closers").get().partitions()
                .get(new io.streambus.common.TopicPartition("close-jobs", 0)).startOffset()).isEqualTo(1);
    }

    @Test
    void eachUnsubscribeWithAHeldFetchCountsExactlyTheOneDeliveryTheApplicationSaw() throws Exception {
        produceOne("unsub-jobs");
        configure("unsubscribers");
        List<Integer> counts = new ArrayList<>();
        ShareConsumer<String, String> c = consumer("unsub-jobs", "unsubscribers");
        try {
            for (int round = 0; round < ROUNDS; round++) {
                counts.add(pollOne(c).deliveryCount());
                c.unsubscribe(); // releases it
                c.subscribe(List.of("unsub-jobs"));
            }
            ShareRecord<String, String> last = pollOne(c);
            counts.add(last.deliveryCount());
            c.acknowledge(last, AcknowledgeType.ACCEPT);
        } finally {
            c.close(Duration.ofSeconds(10));
        }
        assertThat(counts).containsExactly(1, 2, 3, 4, 5, 6, 7);
    }
}
