package io.streambus.client.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.client.StreamBusClient;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.admin.ShareGroupDescription;
import io.streambus.client.admin.ShareGroupSettings;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Serdes;
import io.streambus.common.TopicPartition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Producer.sendAcknowledgementsToTransaction} (spec B.13.15) against the embedded broker over real sockets:
 * consume from a share group, produce, and commit both in one transaction. Committed acknowledgements are never
 * delivered again and the outputs become visible; an abort hides the outputs and delivers the records again with
 * their delivery count raised; a broker without TXN_SHARE_ACKS is refused clearly, leaving the transaction usable.
 */
@ExtendWith(LeakCheck.class)
class TransactionalAcknowledgementTest {
    private static final int COUNT = 20;

    @TempDir
    Path dir;

    private static StreamBusClient client(EmbeddedBroker b) {
        return ShareConsumerTest.client(b.address());
    }

    private static EmbeddedBroker start(EmbeddedBroker.Builder builder) throws Exception {
        EmbeddedBroker b = builder.build();
        b.start();
        return b;
    }

    private static ShareConsumer<String, String> consumer(StreamBusClient c, String group) {
        return c.newShareConsumer(group, Serdes.stringDeserializer(), Serdes.stringDeserializer(),
                Map.of("share.fetch.max.wait.ms", 100, "share.acknowledgement.mode", "explicit"));
    }

    private static Producer<String, String> transactional(StreamBusClient c, String id) {
        Producer<String, String> p = c.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer(),
                Map.of("transactional.id", id));
        p.initTransactions();
        return p;
    }

    private static void produceInputs(StreamBusClient c, String topic) throws Exception {
        c.admin().createTopic(topic, 1).get(10, TimeUnit.SECONDS);
        try (Producer<String, String> p = c.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer())) {
            for (int i = 0; i < COUNT; i++) {
                p.send(new ProducerRecord<>(topic, 0, "k", "in-" + i));
            }
            p.flush(Duration.ofSeconds(30));
        }
    }

    /** One poll's records: polls until some arrive; empty if none did within {@code max}. */
    private static List<ShareRecord<String, String>> pollBatch(ShareConsumer<String, String> c, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            List<ShareRecord<String, String>> got = c.poll(Duration.ofMillis(100));
            if (!got.isEmpty()) {
                return got;
            }
        }
        return List.of();
    }

    private static List<String> readCommitted(StreamBusClient c, String topic) {
        List<String> out = new ArrayList<>();
        try (Consumer<String, String> r = c.newConsumer(Serdes.stringDeserializer(), Serdes.stringDeserializer(),
                Map.of("isolation.level", "read_committed", "auto.offset.reset", "earliest"))) {
            r.assign(topic, List.of(0));
            for (int i = 0; i < 5; i++) {
                r.poll(Duration.ofMillis(100)).forEach((ConsumerRecord<String, String> rec) -> out.add(rec.value()));
            }
        }
        return out;
    }

    private static Map<ShareRecord<String, String>, AcknowledgeType> accept(List<ShareRecord<String, String>> rs) {
        Map<ShareRecord<String, String>, AcknowledgeType> m = new LinkedHashMap<>();
        rs.forEach(r -> m.put(r, AcknowledgeType.ACCEPT));
        return m;
    }

    @Test
    void committedAcknowledgementsAreNeverDeliveredAgainAndAbortedOnesComeBackCounted() throws Exception {
        try (EmbeddedBroker b = start(EmbeddedBroker.builder().port(0).dataDir(dir.resolve("b")));
             StreamBusClient client = client(b)) {
            produceInputs(client, "in");
            client.admin().createTopic("out", 1).get(10, TimeUnit.SECONDS);
            try (ShareConsumer<String, String> c = consumer(client, "workers");
                 Producer<String, String> txp = transactional(client, "ctp")) {
                c.subscribe(List.of("in"));
                // Consume-transform-produce, one transaction per poll; the first transaction aborts.
                Map<Long, Integer> committedCount = new java.util.TreeMap<>();
                List<Long> aborted = new ArrayList<>();
                List<ShareRecord<String, String>> redelivered = new ArrayList<>();
                boolean first = true;
                while (committedCount.size() < COUNT) {
                    List<ShareRecord<String, String>> batch = pollBatch(c, Duration.ofSeconds(30));
                    assertThat(batch).as("records still to deliver").isNotEmpty();
                    txp.beginTransaction();
                    for (ShareRecord<String, String> r : batch) {
                        assertThat(committedCount).doesNotContainKey(r.offset()); // committed: never again
                        if (aborted.contains(r.offset())) {
                            redelivered.add(r);
                        }
                        txp.send(new ProducerRecord<>("out", 0, "k", (first ? "aborted-" : "done-") + r.value()));
                    }
                    txp.sendAcknowledgementsToTransaction(accept(batch), c);
                    if (first) {
                        txp.abortTransaction();
                        batch.forEach(r -> aborted.add(r.offset()));
                        first = false;
                    } else {
                        txp.commitTransaction();
                        batch.forEach(r -> committedCount.merge(r.offset(), 1, Integer::sum));
                    }
                }
                // The aborted records came back, each with the delivery the transaction consumed counted.
                assertThat(redelivered).extracting(ShareRecord::offset).containsExactlyInAnyOrderElementsOf(aborted);
                assertThat(redelivered).allMatch(r -> r.deliveryCount() == 2);
                // Nothing is delivered again, and every input has exactly one committed output.
                assertThat(pollBatch(c, Duration.ofMillis(1500))).isEmpty();
                List<String> outputs = readCommitted(client, "out");
                assertThat(outputs).hasSize(COUNT).allMatch(v -> v.startsWith("done-")).doesNotHaveDuplicates();
                ShareGroupDescription d = client.admin().describeShareGroup("workers").get(10, TimeUnit.SECONDS);
                assertThat(d.partitions().get(new TopicPartition("in", 0)).startOffset()).isEqualTo(COUNT);
            }
        }
    }

    @Test
    void aRecordThatCannotBeStagedMakesTheTransactionAbortable() throws Exception {
        try (EmbeddedBroker b = start(EmbeddedBroker.builder().port(0).dataDir(dir.resolve("b")));
             StreamBusClient client = client(b)) {
            produceInputs(client, "in");
            client.admin().configureShareGroup("slow", ShareGroupSettings.builder().acquisitionLockMs(1000)
                    .build()).get(10, TimeUnit.SECONDS);
            try (ShareConsumer<String, String> c = client.newShareConsumer("slow", Serdes.stringDeserializer(),
                    Serdes.stringDeserializer(), Map.of("share.fetch.max.wait.ms", 100,
                            "share.acknowledgement.mode", "explicit", "share.lock.auto.renew", false,
                            // one record buffered fills c's prefetch: its fetcher then stops, so it cannot win
                            // back the record whose lock ended (and burn its deliveries) while other polls
                            "share.prefetch.max.records", 1));
                 ShareConsumer<String, String> other = consumer(client, "slow");
                 Producer<String, String> txp = transactional(client, "late")) {
                c.subscribe(List.of("in"));
                List<ShareRecord<String, String>> got = pollBatch(c, Duration.ofSeconds(30));
                assertThat(got).isNotEmpty();
                // c does not renew: its locks end and another member gets the records.
                other.subscribe(List.of("in"));
                List<ShareRecord<String, String>> taken = new ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (taken.stream().noneMatch(r -> r.offset() == got.get(0).offset())
                        && System.nanoTime() < deadline) {
                    List<ShareRecord<String, String>> batch = other.poll(Duration.ofMillis(100));
                    taken.addAll(batch);
                    batch.forEach(r -> other.acknowledge(r, AcknowledgeType.RELEASE));
                }
                assertThat(taken).extracting(ShareRecord::offset).contains(got.get(0).offset());
                other.commitSync(Duration.ofSeconds(10));
                txp.beginTransaction();
                txp.send(new ProducerRecord<>("in", 0, "k", "never-visible"));
                assertThatThrownBy(() -> txp.sendAcknowledgementsToTransaction(accept(got), c))
                        .isInstanceOf(InvalidRecordStateException.class);
                // Client rule 4: the transaction cannot commit any more; it is aborted.
                assertThatThrownBy(txp::commitTransaction).hasMessageContaining("abort");
                txp.abortTransaction();
                assertThat(readCommitted(client, "in")).doesNotContain("never-visible");
            }
        }
    }

    @Test
    void aBrokerWithoutTxnShareAcksIsRefusedClearly() throws Exception {
        try (EmbeddedBroker b = start(EmbeddedBroker.builder().port(0).dataDir(dir.resolve("b"))
                .txnShareAcks(false));
             StreamBusClient client = client(b)) {
            produceInputs(client, "in");
            try (ShareConsumer<String, String> c = consumer(client, "workers");
                 Producer<String, String> txp = transactional(client, "plain")) {
                c.subscribe(List.of("in"));
                List<ShareRecord<String, String>> got = pollBatch(c, Duration.ofSeconds(30));
                assertThat(got).isNotEmpty();
                txp.beginTransaction();
                txp.send(new ProducerRecord<>("in", 0, "k", "still-fine"));
                assertThatThrownBy(() -> txp.sendAcknowledgementsToTransaction(accept(got.subList(0, 1)), c))
                        .isInstanceOfSatisfying(UnsupportedFeatureException.class, e -> assertThat(e.capability())
                                .isEqualTo(BrokerCapabilities.CAP_TXN_SHARE_ACKS));
                // Nothing was sent: the transaction is unaffected and the record is still the consumer's.
                txp.commitTransaction();
                c.acknowledge(got.get(0));
                assertThat(c.commitSync(Duration.ofSeconds(10)).values()).allMatch(java.util.Optional::isEmpty);
            }
        }
    }
}
