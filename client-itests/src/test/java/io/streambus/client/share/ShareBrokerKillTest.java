package io.streambus.client.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.testing.ChildBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.client.ClientInternals;
import io.streambus.client.StreamBusClient;
import io.streambus.client.admin.ShareGroupSettings;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.itest.Brokers;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Serdes;
import io.streambus.common.Header;
import io.streambus.common.TopicPartition;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * B.13.11 with real share consumers: a broker in a child JVM is killed with SIGKILL and restarted on the same port
 * and data directory while several share consumers work through one partition. The consumers reconnect, get 20
 * UnknownMemberID and join again (B.13.12) by themselves. Nothing whose acceptance was answered is delivered
 * again, nothing is lost (the SPSO reaches the end, every record is accepted or its acceptance was in flight at a
 * kill), and each record's delivery count rises from one delivery to the next across the restarts. Short: 10,000
 * records, 3 consumers, 1 kill; {@code -Pslow}: 100,000 records, 4 consumers, 3 kills. Prints one SHARE-KILL line.
 *
 * <p>A second share group on the same topic ({@value #STUCK}, max delivery attempts 1, a dead-letter topic, a long
 * lock) has a member that acquires {@value #STUCK_HELD} records and then dies without a word before the first
 * kill: the restart ends those acquisitions (B.13.11, reason {@code BROKER_RESTART}) and, at the limit, they go to
 * the dead-letter topic and are never delivered again.
 */
@ExtendWith(LeakCheck.class)
class ShareBrokerKillTest {
    private static final boolean SLOW = Boolean.getBoolean("streambus.slow");
    private static final int COUNT = SLOW ? 100_000 : 10_000;
    private static final int CONSUMERS = SLOW ? 4 : 3;
    private static final int KILLS = SLOW ? 3 : 1;
    static final String TOPIC = "work";
    private static final String GROUP = "crash-run";
    private static final int MAX_ATTEMPTS = 10;
    private static final String STUCK = "stuck";
    private static final int STUCK_HELD = 50;
    private static final String DLT = "work-dlt";

    @TempDir
    Path dir;

    @Test
    void acceptedRecordsStayAcceptedAndCountsContinueAcrossBrokerKills() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = dir.resolve("data");
        String[] args = {"--port", Integer.toString(port), "--flush", "os"};
        ChildBroker broker = ChildBroker.start(data, args);
        String bootstrap = "127.0.0.1:" + port;
        ShareLedger ledger = new ShareLedger(COUNT);
        List<StreamBusClient> clients = new ArrayList<>();
        List<ShareWorker> workers = new ArrayList<>();
        List<Long> resumeMs = new ArrayList<>();
        long started = System.nanoTime();
        try (StreamBusClient admin = client(bootstrap)) {
            admin.admin().createTopic(TOPIC, 1).get(10, TimeUnit.SECONDS);
            admin.admin().configureShareGroup(GROUP, ShareGroupSettings.builder().autoOffsetReset("earliest")
                    .maxDeliveryAttempts(MAX_ATTEMPTS).maxInFlightRecords(5_000).build()).get(10, TimeUnit.SECONDS);
            admin.admin().configureShareGroup(STUCK, ShareGroupSettings.builder().autoOffsetReset("earliest")
                    .maxDeliveryAttempts(1).acquisitionLockMs(600_000).deadLetterTopic(DLT).build())
                    .get(10, TimeUnit.SECONDS);
            produce(admin, COUNT);
            Set<Long> stuck = holdAndCrash(bootstrap);
            for (int i = 0; i < CONSUMERS; i++) {
                StreamBusClient c = client(bootstrap);
                clients.add(c);
                workers.add(new ShareWorker(c, GROUP, TOPIC, ledger, "share-worker-" + i,
                        Map.of("share.prefetch.max.records", 300, "max.poll.records", 100)));
            }
            for (int k = 0; k < KILLS; k++) {
                int mark = COUNT / (KILLS + 1) * (k + 1);
                // Workers hold their next batch once the mark is reached, so the kill finds records acquired.
                workers.forEach(w -> w.holdFrom(mark));
                await("every worker holding records past kill mark " + (k + 1)).atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> workers.stream().allMatch(ShareWorker::holding));
                assertThat(broker.kill()).isEqualTo(137);
                int atKill = ledger.acceptedTotal();
                workers.forEach(ShareWorker::release);
                broker = ChildBroker.start(data, args);
                long restarted = System.nanoTime();
                await("acceptances after restart " + (k + 1)).atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(10)).until(() -> ledger.acceptedTotal() > atKill);
                resumeMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted));
            }
            await("every record settled and the SPSO at the end").atMost(Duration.ofSeconds(SLOW ? 300 : 90))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> ledger.allSettled() && spso(admin) == COUNT);
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            for (ShareWorker w : workers) {
                w.stop();
            }
            System.out.printf("SHARE-KILL records=%d consumers=%d kills=%d accepted=%d in-doubt=%d redeliveries=%d "
                            + "stale-acceptances=%d max-count=%d resume-after-restart-ms=%s total-ms=%d "
                            + "per-consumer=%s%n", COUNT, CONSUMERS, KILLS, ledger.acceptedTotal(),
                    ledger.inDoubtTotal(), ledger.redeliveries(), ledger.staleAcceptances(),
                    ledger.maxCount(), resumeMs, elapsedMs, workers.stream().map(ShareWorker::received).toList());

            assertThat(ledger.violations()).as("B.13.11 guarantees").isEmpty();
            assertThat(ledger.distinctDelivered()).as("records delivered at least once").isEqualTo(COUNT);
            for (int o = 0; o < COUNT; o++) {
                assertThat(ledger.acceptedCount(o) >= 1 || ledger.inDoubt(o))
                        .as("offset " + o + " accepted, or its acceptance was in flight at a kill").isTrue();
            }
            assertThat(ledger.inDoubtTotal()).as("acceptances lost with a kill: at most the in-flight ones")
                    .isLessThanOrEqualTo(KILLS * CONSUMERS * 300);
            assertThat(ledger.maxCount()).as("records acquired at a kill come back with a higher count")
                    .isBetween(2, MAX_ATTEMPTS - 1);
            // Archived at the restart: what the stuck member's poll returned, plus what it had prefetched.
            Set<Long> archived = deadLetterOrigins(admin, stuck);
            assertThat(archived).hasSizeLessThanOrEqualTo(3 * STUCK_HELD);
            System.out.printf("SHARE-KILL stuck-held=%d archived-at-restart=%d%n", stuck.size(), archived.size());
            // A late consumer finds nothing: every record stays accepted.
            StreamBusClient late = client(bootstrap);
            clients.add(late);
            ShareLedger after = new ShareLedger(COUNT);
            ShareWorker lateWorker = new ShareWorker(late, GROUP, TOPIC, after, "share-worker-late", Map.of());
            await("no record delivered after the run").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> after.distinctDelivered() == 0);
            lateWorker.stop();
            assertThat(lateWorker.errors()).isEmpty();
            ShareLedger afterStuck = new ShareLedger(COUNT);
            ShareWorker stuckWorker = new ShareWorker(late, STUCK, TOPIC, afterStuck, "share-worker-stuck",
                    Map.of("share.prefetch.max.records", COUNT, "max.poll.records", 1000));
            await("the stuck group delivers everything except its archived records")
                    .atMost(Duration.ofSeconds(SLOW ? 120 : 60))
                    .until(() -> afterStuck.distinctDelivered() >= COUNT - archived.size());
            stuckWorker.stop();
            assertThat(afterStuck.distinctDelivered()).isEqualTo(COUNT - archived.size());
            archived.forEach(o -> assertThat(afterStuck.lastCount(o)).as("archived offset " + o).isZero());
            assertThat(stuckWorker.errors()).isEmpty();
        } finally {
            for (ShareWorker w : workers) {
                w.close();
            }
            for (StreamBusClient c : clients) {
                c.close();
            }
            broker.close();
        }
    }

    /** A client with short timeouts and reconnect backoffs, so that a restarted broker is found again quickly. */
    static StreamBusClient client(String bootstrap) {
        return Brokers.client(bootstrap, Map.of());
    }

    static void produce(StreamBusClient client, int count) {
        try (Producer<String, String> p = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer(),
                Map.of("linger.ms", 5))) {
            for (int i = 0; i < count; i++) {
                p.send(new ProducerRecord<>(TOPIC, 0, "k" + i, "v" + i));
            }
            p.flush(Duration.ofSeconds(60));
        }
    }

    /**
     * A member of {@value #STUCK} acquires {@value #STUCK_HELD} records, then its client dies without leaving or
     * acknowledging; returns the offsets it held.
     */
    private static Set<Long> holdAndCrash(String bootstrap) {
        StreamBusClient doomed = client(bootstrap);
        ShareConsumer<String, String> c = doomed.newShareConsumer(STUCK, Serdes.stringDeserializer(),
                Serdes.stringDeserializer(), Map.of("share.acknowledgement.mode", "explicit",
                        "share.fetch.max.wait.ms", 200, "share.prefetch.max.records", STUCK_HELD,
                        "max.poll.records", STUCK_HELD));
        c.subscribe(List.of(TOPIC));
        Set<Long> held = new java.util.TreeSet<>();
        await("the stuck member's records").atMost(Duration.ofSeconds(30)).until(() -> {
            c.poll(Duration.ofMillis(100)).forEach(r -> {
                assertThat(r.deliveryCount()).isEqualTo(1);
                held.add(r.offset());
            });
            return !held.isEmpty();
        });
        ClientInternals.crash(doomed);
        return held;
    }

    /**
     * The origin offsets of the dead-letter copies, once they include {@code held} and no more arrive for a second
     * (a copy may repeat after a kill, B.13.10); each copy's headers are checked.
     */
    private static Set<Long> deadLetterOrigins(StreamBusClient client, Set<Long> held) {
        Map<Long, ConsumerRecord<String, String>> byOffset = new TreeMap<>();
        try (Consumer<String, String> dlt = client.newConsumer(Serdes.stringDeserializer(),
                Serdes.stringDeserializer(), Map.of("auto.offset.reset", "earliest"))) {
            dlt.assign(DLT, List.of(0));
            await("dead-letter copies").atMost(Duration.ofSeconds(30)).during(Duration.ofSeconds(1))
                    .until(() -> {
                        for (ConsumerRecord<String, String> r : dlt.poll(Duration.ofMillis(100))) {
                            assertThat(text(r.header("sb_dlq_group"))).isEqualTo(STUCK);
                            assertThat(text(r.header("sb_dlq_reason"))).isEqualTo("BROKER_RESTART");
                            assertThat(text(r.header("sb_dlq_delivery_count"))).isEqualTo("1");
                            long offset = Long.parseLong(text(r.header("sb_dlq_offset")));
                            assertThat(r.value()).isEqualTo("v" + offset);
                            byOffset.put(offset, r);
                        }
                        return byOffset.keySet().containsAll(held);
                    });
        }
        return byOffset.keySet();
    }

    private static String text(Header h) {
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The SPSO of the partition, or -1 while the broker cannot answer. */
    private static long spso(StreamBusClient admin) {
        try {
            var p = admin.admin().describeShareGroup(GROUP).get(5, TimeUnit.SECONDS).partitions()
                    .get(new TopicPartition(TOPIC, 0));
            return p == null ? -1 : p.startOffset();
        } catch (Exception e) {
            return -1;
        }
    }
}
