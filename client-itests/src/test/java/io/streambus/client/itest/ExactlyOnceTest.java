package io.streambus.client.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.client.StreamBusClient;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.client.consumer.GroupConsumer;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.client.consumer.RebalanceListener;
import io.streambus.client.internal.producer.ProducerImpl;
import io.streambus.testkit.FaultProxy;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerFencedException;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.producer.RecordMetadata;
import io.streambus.client.producer.XaProducer;
import io.streambus.client.serialization.Serdes;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.txn.Xid;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once end to end against the embedded broker (spec B.7, B.7.8, B.12): idempotent produce through a proxy
 * that loses replies and resets connections, consume-transform-produce with transactions, a fenced zombie, an XA
 * branch prepared before a broker restart and committed by Xid from a new client, and a core-only broker.
 * 50,000 records in the idempotence test; 1,000,000 with {@code -Pslow}.
 */
@ExtendWith(LeakCheck.class)
class ExactlyOnceTest {
    private static final boolean SLOW = Boolean.getBoolean("streambus.slow");

    static List<ConsumerRecord<String, String>> readAll(StreamBusClient client, String topic, int partitions,
                                                                String isolation, int expected) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (Consumer<String, String> c = client.newConsumer(Serdes.stringDeserializer(), Serdes.stringDeserializer(),
                Map.of("isolation.level", isolation, "auto.offset.reset", "earliest"))) {
            c.assign(topic, IntStream.range(0, partitions).boxed().toList());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int idle = 0;
            // until the expected count, then a few more polls so that extra records would show
            while (System.nanoTime() < deadline && (out.size() < expected || idle < 3)) {
                ConsumerRecords<String, String> rs = c.poll(Duration.ofMillis(200));
                if (rs.isEmpty() && out.size() >= expected) {
                    idle++;
                }
                rs.forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void idempotentProduceThroughLostRepliesAndResetsStoresEachRecordOnceInOrder(@TempDir Path dir) throws Exception {
        int total = SLOW ? 1_000_000 : 50_000;
        int partitions = 8;
        try (EmbeddedBroker broker = Brokers.start(dir);
             FaultProxy proxy = FaultProxy.start(broker.address());
             StreamBusClient direct = Brokers.client(broker);
             StreamBusClient client = Brokers.client(proxy.address(), Map.of(
                     "circuit.breaker.failure.threshold", 1_000_000, "batch.size", 2048))) {
            direct.admin().createTopic("idem", partitions).get();
            Producer<String, String> producer = client.newProducer(Serdes.stringSerializer(),
                    Serdes.stringSerializer());
            List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>(total);
            for (int i = 0; i < 2 * partitions; i++) {
                producer.send(new ProducerRecord<>("idem", i % partitions, "k", "warm-" + (i / partitions)))
                        .get(30, TimeUnit.SECONDS);
            }
            assertThat(((ProducerImpl<?, ?>) producer).idempotenceMode()).isEqualTo("SEQUENCED");
            proxy.dropReplyEvery(SLOW ? 97 : 23);
            for (int i = 0; i < total; i++) {
                futures.add(producer.send(new ProducerRecord<>("idem", i % partitions, "k",
                        Integer.toString(i / partitions))));
            }
            producer.flush(Duration.ofMinutes(SLOW ? 20 : 3));
            for (CompletableFuture<RecordMetadata> f : futures) {
                f.get(1, TimeUnit.SECONDS); // every record acknowledged, none failed
            }
            proxy.dropReplyEvery(0);
            producer.close(Duration.ofSeconds(10));
            assertThat(proxy.faults()).as("faults were injected").isGreaterThan(10);
            int perPartition = total / partitions;
            List<ConsumerRecord<String, String>> all = readAll(direct, "idem", partitions, "read_uncommitted",
                    total + 2 * partitions);
            assertThat(all).as("exactly N stored, no duplicate").hasSize(total + 2 * partitions);
            Map<Integer, List<Integer>> byPartition = new HashMap<>();
            for (ConsumerRecord<String, String> r : all) {
                if (!r.value().startsWith("warm-")) {
                    byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>())
                            .add(Integer.parseInt(r.value()));
                }
            }
            for (int p = 0; p < partitions; p++) {
                assertThat(byPartition.get(p)).as("partition %d in send order", p)
                        .isEqualTo(IntStream.range(0, perPartition).boxed().toList());
            }
        }
    }

    @Test
    void consumeTransformProduceCommitsEachInputExactlyOnce(@TempDir Path dir) throws Exception {
        int n = 2_000;
        int partitions = 4;
        try (EmbeddedBroker broker = Brokers.start(dir);
             StreamBusClient client = Brokers.client(broker)) {
            client.admin().createTopic("ctp-in", partitions).get();
            client.admin().createTopic("ctp-out", partitions).get();
            try (Producer<String, String> plain = client.newProducer(Serdes.stringSerializer(),
                    Serdes.stringSerializer())) {
                for (int i = 0; i < n; i++) {
                    plain.send(new ProducerRecord<>("ctp-in", i % partitions, "k", "in-" + i));
                }
                plain.flush(Duration.ofSeconds(30));
            }
            Producer<String, String> txp = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer(),
                    Map.of("transactional.id", "ctp-app"));
            txp.initTransactions();
            txp.beginTransaction();
            for (int i = 0; i < 10; i++) {
                txp.send(new ProducerRecord<>("ctp-out", i % partitions, "k", "aborted-" + i));
            }
            txp.flush(Duration.ofSeconds(10));
            txp.abortTransaction();

            int abortedLoopRecords = 0;
            Set<String> committedInputs = new HashSet<>();
            try (GroupConsumer<String, String> consumer = client.newGroupConsumer("ctp",
                    Serdes.stringDeserializer(), Serdes.stringDeserializer(), Map.of("enable.auto.commit", false,
                            "auto.offset.reset", "earliest", "isolation.level", "read_committed"))) {
                consumer.subscribe(List.of("ctp-in"), new RebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                    }
                });
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                int round = 0;
                while (committedInputs.size() < n && System.nanoTime() < deadline) {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                    if (records.isEmpty()) {
                        continue;
                    }
                    round++;
                    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                    Map<TopicPartition, Long> first = new HashMap<>();
                    txp.beginTransaction();
                    for (ConsumerRecord<String, String> r : records) {
                        txp.send(new ProducerRecord<>("ctp-out", r.partition(), r.key(), "out-" + r.value()));
                        offsets.put(r.topicPartition(), new OffsetAndMetadata(r.offset() + 1));
                        first.putIfAbsent(r.topicPartition(), r.offset());
                    }
                    txp.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                    if (round % 4 == 2) {
                        // an application failure: abort and process the same input again
                        txp.flush(Duration.ofSeconds(10));
                        txp.abortTransaction();
                        abortedLoopRecords += records.count();
                        first.forEach(consumer::seek);
                    } else {
                        txp.commitTransaction();
                        for (ConsumerRecord<String, String> r : records) {
                            assertThat(committedInputs.add(r.value())).as("input %s committed once", r.value())
                                    .isTrue();
                        }
                    }
                }
            }
            txp.close(Duration.ofSeconds(10));
            assertThat(committedInputs).hasSize(n);
            assertThat(abortedLoopRecords).isPositive();

            List<ConsumerRecord<String, String>> committed = readAll(client, "ctp-out", partitions, "read_committed",
                    n);
            List<String> values = committed.stream().map(ConsumerRecord::value).toList();
            assertThat(values).as("read_committed: each input exactly once, nothing aborted").hasSize(n)
                    .doesNotHaveDuplicates().allMatch(v -> v.startsWith("out-in-"));
            List<ConsumerRecord<String, String>> uncommitted = readAll(client, "ctp-out", partitions,
                    "read_uncommitted", n + 10 + abortedLoopRecords);
            assertThat(uncommitted).as("read_uncommitted shows the aborted records too")
                    .hasSize(n + 10 + abortedLoopRecords);
            assertThat(uncommitted).anyMatch(r -> r.value().startsWith("aborted-"));

            Map<TopicPartition, OffsetAndMetadata> groupOffsets = client.admin().committedOffsets("ctp", List.of())
                    .get(10, TimeUnit.SECONDS);
            long sum = groupOffsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
            assertThat(sum).as("the group's offsets committed with the transactions").isEqualTo(n);
        }
    }

    @Test
    void aZombieProducerIsFenced(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = Brokers.start(dir);
             StreamBusClient client = Brokers.client(broker)) {
            client.admin().createTopic("zombie", 1).get();
            Map<String, Object> txn = Map.of("transactional.id", "z-app");
            Producer<String, String> zombie = client.newProducer(Serdes.stringSerializer(),
                    Serdes.stringSerializer(), txn);
            zombie.initTransactions();
            zombie.beginTransaction();
            zombie.send(new ProducerRecord<>("zombie", 0, "k", "from-zombie")).get(10, TimeUnit.SECONDS);

            Producer<String, String> successor = client.newProducer(Serdes.stringSerializer(),
                    Serdes.stringSerializer(), txn);
            successor.initTransactions(); // fences the zombie and aborts its open transaction
            assertThatThrownBy(zombie::commitTransaction).isInstanceOf(ProducerFencedException.class);
            assertThat(((ProducerImpl<?, ?>) zombie).transactionState()).isEqualTo("FATAL_ERROR");
            zombie.close(Duration.ofSeconds(5));

            successor.beginTransaction();
            successor.send(new ProducerRecord<>("zombie", 0, "k", "from-successor"));
            successor.commitTransaction();
            successor.close(Duration.ofSeconds(5));
            assertThat(readAll(client, "zombie", 1, "read_committed", 1)).extracting(ConsumerRecord::value)
                    .containsExactly("from-successor");
        }
    }

    @Test
    void xaBranchPreparedBeforeARestartIsRecoveredAndCommittedByXidFromANewClient(@TempDir Path dir)
            throws Exception {
        String prefix = "jms.app1";
        Xid xid = new Xid(131077, "tm1.000042".getBytes(StandardCharsets.US_ASCII),
                "br1".getBytes(StandardCharsets.US_ASCII));
        Xid other = new Xid(131077, "tm1.000043".getBytes(StandardCharsets.US_ASCII), new byte[0]);
        try (EmbeddedBroker broker = Brokers.start(dir)) {
            try (StreamBusClient client = Brokers.client(broker)) {
                client.admin().createTopic("xa", 2).get();
                XaProducer<String, String> xa = client.newXaProducer(Serdes.stringSerializer(),
                        Serdes.stringSerializer(), Map.of());
                xa.startXaBranch(prefix, xid, Duration.ofSeconds(60));
                for (int i = 0; i < 3; i++) {
                    xa.send(new ProducerRecord<>("xa", i % 2, "k", "xa-" + i));
                }
                xa.prepareXaBranch();
                xa.startXaBranch(prefix, other, Duration.ZERO);
                xa.send(new ProducerRecord<>("xa", 0, "k", "rolled-back"));
                xa.prepareXaBranch();
                xa.close(Duration.ofSeconds(5));
            }
            broker.stop();
            Brokers.restart(broker);
            try (StreamBusClient client = Brokers.client(broker)) {
                assertThat(client.admin().recoverXaBranches(prefix).get(10, TimeUnit.SECONDS))
                        .containsExactlyInAnyOrder(xid, other);
                client.admin().commitXaBranch(prefix, xid).get(10, TimeUnit.SECONDS);
                client.admin().rollbackXaBranch(prefix, other).get(10, TimeUnit.SECONDS);
                client.admin().commitXaBranch(prefix, xid).get(10, TimeUnit.SECONDS); // a repeat is answered 0
                assertThat(client.admin().recoverXaBranches(prefix).get(10, TimeUnit.SECONDS)).isEmpty();
                assertThat(readAll(client, "xa", 2, "read_committed", 3)).extracting(ConsumerRecord::value)
                        .containsExactlyInAnyOrder("xa-0", "xa-1", "xa-2");
                client.admin().forgetXaBranch(prefix, xid).get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void coreOnlyBrokerIdempotenceOffAndTransactionsRefusedClearly(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = Brokers.startCoreOnly(dir);
             StreamBusClient client = Brokers.client(broker)) {
            client.admin().createTopic("core", 1).get();
            Producer<String, String> p = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer());
            p.send(new ProducerRecord<>("core", 0, "k", "v")).get(10, TimeUnit.SECONDS);
            assertThat(((ProducerImpl<?, ?>) p).idempotenceMode()).as("idempotence off, silently").isEqualTo("PLAIN");
            p.close(Duration.ofSeconds(5));

            Producer<String, String> explicit = client.newProducer(Serdes.stringSerializer(),
                    Serdes.stringSerializer(), Map.of("enable.idempotence", true));
            assertThatThrownBy(() -> explicit.send(new ProducerRecord<>("core", 0, "k", "v")).get(10,
                    TimeUnit.SECONDS)).hasCauseInstanceOf(UnsupportedFeatureException.class)
                    .hasMessageContaining("idempotent-produce");
            explicit.close(Duration.ofSeconds(5));

            Producer<String, String> txp = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer(),
                    Map.of("transactional.id", "t"));
            assertThatThrownBy(txp::initTransactions).isInstanceOf(UnsupportedFeatureException.class)
                    .satisfies(e -> assertThat(((UnsupportedFeatureException) e).capability())
                            .isEqualTo("transactions"));
            txp.close(Duration.ofSeconds(5));

            XaProducer<String, String> xa = client.newXaProducer(Serdes.stringSerializer(),
                    Serdes.stringSerializer(), Map.of());
            Xid xid = new Xid(1, new byte[] {1}, new byte[0]);
            assertThatThrownBy(() -> xa.startXaBranch("p", xid, Duration.ZERO))
                    .isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("two-phase-commit");
            xa.close(Duration.ofSeconds(5));
            assertThatThrownBy(() -> client.admin().recoverXaBranches("p").get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(UnsupportedFeatureException.class);

            try (Consumer<String, String> rc = client.newConsumer(Serdes.stringDeserializer(),
                    Serdes.stringDeserializer(), Map.of("isolation.level", "read_committed",
                            "auto.offset.reset", "earliest"))) {
                rc.assign("core", List.of(0));
                assertThatThrownBy(() -> {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (System.nanoTime() < deadline) {
                        rc.poll(Duration.ofMillis(100));
                    }
                }).isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("transactions");
            }
        }
    }
}
