package io.streambus.client.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.client.StreamBusClient;
import io.streambus.client.admin.ShareGroupSettings;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Serdes;
import io.streambus.common.Header;
import io.streambus.common.TopicPartition;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Share-consumer processes killed with SIGKILL while they hold acquired records (B.13.8, B.13.10): every 100th
 * record is marked {@code kind=held}; two in-process share consumers (filter {@code kind = 'work'}) work through the
 * others while a child JVM ({@link ShareHolderMain}, filter {@code kind = 'held'}) acquires the held ones and
 * acknowledges nothing. It is killed; once the locks end, a second child gets the same records with delivery count
 * 2, and is killed too. At the limit (2 attempts) every held record goes to the dead-letter topic with its origin
 * headers and is never delivered again; every other record is accepted exactly once. Short: 5,000 records;
 * {@code -Pslow}: 20,000. Prints one SHARE-CLIENT-KILL line.
 */
@ExtendWith(LeakCheck.class)
class ShareConsumerKillTest {
    private static final boolean SLOW = Boolean.getBoolean("streambus.slow");
    private static final int COUNT = SLOW ? 20_000 : 5_000;
    private static final int HELD = COUNT / 100;
    private static final int LOCK_MS = 4000;
    private static final String TOPIC = ShareBrokerKillTest.TOPIC;
    private static final String DLT = "work-dlt";
    private static final String GROUP = "holders";

    @TempDir
    Path dir;

    @Test
    void recordsOfKilledConsumerProcessesComeBackWithTheirCountPlusOneThenGoToTheDeadLetterTopic()
            throws Exception {
        ShareLedger ledger = new ShareLedger(COUNT);
        List<ShareWorker> workers = new ArrayList<>();
        List<Long> redeliveredAfterMs = new ArrayList<>();
        try (EmbeddedBroker broker = EmbeddedBroker.builder().port(0).dataDir(dir.resolve("data")).build()) {
            broker.start();
            String bootstrap = broker.address();
            try (StreamBusClient client = ShareBrokerKillTest.client(bootstrap)) {
                client.admin().createTopic(TOPIC, 1).get(10, TimeUnit.SECONDS);
                // The in-flight limit covers the topic: held records at the SPSO must not stall the workers.
                client.admin().configureShareGroup(GROUP, ShareGroupSettings.builder().autoOffsetReset("earliest")
                        .acquisitionLockMs(LOCK_MS).maxDeliveryAttempts(2).deadLetterTopic(DLT)
                        .maxInFlightRecords(COUNT).build()).get(10, TimeUnit.SECONDS);
                produce(client);
                long started = System.nanoTime();
                try {
                    Map<Long, Integer> first = holdAndKill(bootstrap, 0, ledger, () -> {
                        for (int i = 0; i < 2; i++) {
                            workers.add(new ShareWorker(client, GROUP, TOPIC, ledger, "share-worker-" + i,
                                    Map.of("share.prefetch.max.records", 300, "max.poll.records", 100,
                                            "share.filter", "kind = 'work'")));
                        }
                        await("records accepted by the workers while the child holds").atMost(Duration.ofSeconds(60))
                                .until(() -> ledger.acceptedTotal() >= COUNT / 10);
                    }, redeliveredAfterMs);
                    assertThat(first).as("the first child holds every held record").hasSize(HELD)
                            .allSatisfy((o, n) -> assertThat(n).isEqualTo(1));
                    Map<Long, Integer> second = holdAndKill(bootstrap, 1, ledger, () -> { }, redeliveredAfterMs);
                    assertThat(second).as("the killed child's records come back with count + 1")
                            .containsOnlyKeys(first.keySet()).allSatisfy((o, n) -> assertThat(n).isEqualTo(2));

                    List<ConsumerRecord<String, String>> copies = deadLetters(client);
                    await("every other record accepted and the SPSO at the end").atMost(Duration.ofSeconds(120))
                            .pollInterval(Duration.ofMillis(200))
                            .until(() -> ledger.acceptedTotal() == COUNT - HELD && spso(client) == COUNT);
                    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                    System.out.printf("SHARE-CLIENT-KILL records=%d held=%d kills=2 redelivered-after-kill-ms=%s "
                                    + "dead-letters=%d total-ms=%d per-worker=%s%n", COUNT, HELD, redeliveredAfterMs,
                            copies.size(), elapsedMs, workers.stream().map(ShareWorker::received).toList());

                    Set<Long> origins = new TreeSet<>();
                    for (ConsumerRecord<String, String> c : copies) {
                        long offset = Long.parseLong(text(c.header("sb_dlq_offset")));
                        origins.add(offset);
                        assertThat(c.value()).isEqualTo("v" + offset);
                        assertThat(text(c.header("kind"))).isEqualTo("held");
                        assertThat(text(c.header("sb_dlq_group"))).isEqualTo(GROUP);
                        assertThat(text(c.header("sb_dlq_topic"))).isEqualTo(TOPIC);
                        assertThat(text(c.header("sb_dlq_partition"))).isEqualTo("0");
                        assertThat(text(c.header("sb_dlq_delivery_count"))).isEqualTo("2");
                        // The lock ends first unless the broker drops the dead member before it does.
                        assertThat(text(c.header("sb_dlq_reason"))).isIn("LOCK_TIMEOUT", "MEMBER_GONE");
                    }
                    assertThat(origins).isEqualTo(first.keySet());

                    // Archived records are never delivered again, even to a consumer whose filter matches them.
                    ShareLedger late = new ShareLedger(COUNT);
                    try (ShareWorker lateWorker = new ShareWorker(client, GROUP, TOPIC, late, "share-worker-late",
                            Map.of("share.filter", "kind = 'held'"))) {
                        await("nothing delivered after the run").during(Duration.ofSeconds(2))
                                .atMost(Duration.ofSeconds(5)).until(() -> late.distinctDelivered() == 0);
                        assertThat(lateWorker.errors()).isEmpty();
                    }
                    for (ShareWorker w : workers) {
                        w.stop();
                    }
                } finally {
                    for (ShareWorker w : workers) {
                        w.close();
                    }
                }
            }
        }
        assertThat(ledger.violations()).isEmpty();
        assertThat(ledger.inDoubtTotal()).as("no acknowledgement in doubt without a broker crash").isZero();
        for (int o = 0; o < COUNT; o++) {
            assertThat(ledger.acceptedCount(o)).as("acceptances of offset " + o).isEqualTo(o % 100 == 0 ? 0 : 1);
        }
        for (ShareWorker w : workers) {
            assertThat(w.errors()).isEmpty();
            assertThat(w.received()).as("records of each worker").isPositive();
        }
    }

    /**
     * Starts holder child {@code k}, books what it holds, runs {@code meanwhile}, checks that nobody else had those
     * records, kills the child and returns offset → delivery count of what it held. For {@code k > 0} it also books
     * how long after the previous kill the child got its records.
     */
    private Map<Long, Integer> holdAndKill(String bootstrap, int k, ShareLedger ledger, Runnable meanwhile,
                                           List<Long> redeliveredAfterMs) throws Exception {
        long start = System.nanoTime();
        Process child = startHolder(bootstrap, k);
        Map<Long, Integer> held;
        try {
            held = awaitHolding(child, k);
            if (k > 0) {
                redeliveredAfterMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            }
            held.forEach(ledger::delivered);
            meanwhile.run();
            held.forEach((o, n) -> assertThat(ledger.lastCount(o)).as("offset " + o + " still held by child " + k
                    + "; its log:\n" + holderLog(k)).isEqualTo(n));
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        return held;
    }

    private static void produce(StreamBusClient client) {
        try (Producer<String, String> p = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer(),
                Map.of("linger.ms", 5))) {
            for (int i = 0; i < COUNT; i++) {
                String kind = i % 100 == 0 ? "held" : "work";
                p.send(new ProducerRecord<>(TOPIC, 0, null, "k" + i, "v" + i,
                        List.of(new Header("kind", kind.getBytes(StandardCharsets.UTF_8)))));
            }
            p.flush(Duration.ofSeconds(60));
        }
    }

    private static List<ConsumerRecord<String, String>> deadLetters(StreamBusClient client) {
        Map<String, ConsumerRecord<String, String>> byOffset = new TreeMap<>();
        try (Consumer<String, String> dlt = client.newConsumer(Serdes.stringDeserializer(),
                Serdes.stringDeserializer(), Map.of("auto.offset.reset", "earliest"))) {
            dlt.assign(DLT, List.of(0));
            await("dead-letter copies of the held records").atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> r : dlt.poll(Duration.ofMillis(100))) {
                    // A copy repeated after a broker restart would carry the same origin (B.13.10); none here.
                    assertThat(byOffset.put(text(r.header("sb_dlq_offset")), r)).as("repeated copy").isNull();
                }
                return byOffset.size() == HELD;
            });
        }
        return new ArrayList<>(byOffset.values());
    }

    private static String text(Header h) {
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private Process startHolder(String bootstrap, int k) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx96m", "-cp", System.getProperty("java.class.path"),
                ShareHolderMain.class.getName(), bootstrap, GROUP, TOPIC, Integer.toString(HELD), "kind = 'held'")
                .redirectError(dir.resolve("holder-" + k + ".log").toFile()).start();
    }

    private String holderLog(int k) {
        try {
            return Files.readString(dir.resolve("holder-" + k + ".log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Reads the child's HOLDING line (at most 60 s): offset to delivery count. */
    private Map<Long, Integer> awaitHolding(Process child, int k) throws Exception {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            // Not closed: the child keeps its stdout until it dies.
            BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            try {
                String l = r.readLine();
                return l == null ? "EOF" : l;
            } catch (IOException e) {
                return "EOF " + e;
            }
        });
        String got;
        try {
            got = line.get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            got = "TIMEOUT";
        }
        assertThat(got).as("the holder's first line; its log:\n" + holderLog(k)).startsWith("HOLDING ");
        Map<Long, Integer> out = new LinkedHashMap<>();
        for (String item : got.substring("HOLDING ".length()).split(" ")) {
            String[] p = item.split(":");
            out.put(Long.parseLong(p[0]), Integer.parseInt(p[1]));
        }
        return out;
    }

    private static long spso(StreamBusClient admin) throws Exception {
        var p = admin.admin().describeShareGroup(GROUP).get(5, TimeUnit.SECONDS).partitions()
                .get(new TopicPartition(TOPIC, 0));
        return p == null ? -1 : p.startOffset();
    }
}
