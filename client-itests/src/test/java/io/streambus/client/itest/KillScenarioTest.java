package io.streambus.client.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.testing.ChildBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.client.StreamBusClient;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Serdes;
import io.streambus.common.TopicPartition;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scenario (a) of the fault-tolerance work: a broker in a child JVM is killed with SIGKILL again and again and
 * restarted on the same port and data directory while one producer sends synchronously (send, wait) and another
 * asynchronously (callbacks, up to 1,000 in flight). Every record whose send was acknowledged must be stored after
 * the last restart; duplicates (resends of batches whose reply the kill swallowed, A.6.1) are counted, not failed.
 * Short: 3 kills about 1.5 s apart; {@code -Dstreambus.slow=true}: 30 kills 10 s apart. Prints one SCENARIO-A line.
 */
@ExtendWith(LeakCheck.class)
class KillScenarioTest {
    private static final boolean SLOW = Boolean.getBoolean("streambus.slow");
    private static final int KILLS = SLOW ? 30 : 3;
    private static final long INTERVAL_MS = SLOW ? 10_000 : 1_500;
    private static final int PARTITIONS = 3;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "flush {0}")
    @ValueSource(strings = {"os", "every-write"})
    void acknowledgedRecordsSurviveRepeatedKills(String flush) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = dir.resolve("data-" + flush);
        ChildBroker broker = ChildBroker.start(data, "--port", Integer.toString(port), "--flush", flush);
        Set<Long> acked = ConcurrentHashMap.newKeySet();
        AtomicLong nextId = new AtomicLong();
        AtomicInteger failedSends = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Long> resumeMs = new ArrayList<>();
        try (StreamBusClient client = Brokers.client("127.0.0.1:" + port, Map.of("request.timeout.ms", 2000))) {
            client.admin().createTopic("kills", PARTITIONS).get(10, TimeUnit.SECONDS);
            Producer<Long, Long> sync = client.newProducer(Serdes.longSerializer(), Serdes.longSerializer(),
                    Map.of("linger.ms", 0, "delivery.timeout.ms", 60_000));
            Producer<Long, Long> async = client.newProducer(Serdes.longSerializer(), Serdes.longSerializer(),
                    Map.of("linger.ms", 2, "delivery.timeout.ms", 60_000));
            Thread syncSender = new Thread(() -> {
                while (running.get()) {
                    long id = nextId.getAndIncrement();
                    try {
                        sync.send(new ProducerRecord<>("kills", id, id)).get(90, TimeUnit.SECONDS);
                        acked.add(id);
                    } catch (ExecutionException | TimeoutException e) {
                        failedSends.incrementAndGet();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "sync-sender");
            Semaphore inFlight = new Semaphore(1000);
            Thread asyncSender = new Thread(() -> {
                while (running.get()) {
                    try {
                        if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                            continue;
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                    long id = nextId.getAndIncrement();
                    async.send(new ProducerRecord<>("kills", id, id), (md, e) -> {
                        if (e == null) {
                            acked.add(id);
                        } else {
                            failedSends.incrementAndGet();
                        }
                        inFlight.release();
                    });
                }
            }, "async-sender");
            syncSender.start();
            asyncSender.start();
            for (int k = 0; k < KILLS; k++) {
                int before = acked.size();
                await().pollDelay(Duration.ofMillis(INTERVAL_MS)).atMost(Duration.ofSeconds(120))
                        .until(() -> acked.size() > before + 50);
                assertThat(broker.kill()).isEqualTo(137);
                broker = ChildBroker.start(data, "--port", Integer.toString(port), "--flush", flush);
                long restarted = System.nanoTime();
                int atRestart = acked.size();
                try {
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                            .until(() -> acked.size() > atRestart);
                } catch (ConditionTimeoutException e) {
                    dumpStall(k + 1, broker, failedSends.get(), 1000 - inFlight.availablePermits());
                    throw e;
                }
                resumeMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted));
            }
            running.set(false);
            syncSender.join(120_000);
            asyncSender.join(120_000);
            async.flush(Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(90)).until(() -> inFlight.availablePermits() == 1000);
            sync.close();
            async.close();

            // Every acknowledged id must be in the log; ids are unique per send, so a second copy is a resend.
            long total = 0;
            List<TopicPartition> parts = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                parts.add(new TopicPartition("kills", p));
                total += client.admin().offsets(parts.get(p)).get(10, TimeUnit.SECONDS).end();
            }
            // The check reads with default timeouts (the producers' 2 s request timeout is for fast failover, and
            // a loaded machine can take longer to serve a large fetch), and gets 60 s plus 1 s per 5,000 records:
            // this JVM decodes under the leak detector (each pooled buffer tracked), 25-100k records/s when loaded.
            BitSet stored = new BitSet();
            long readStart = System.nanoTime();
            long read = 0;
            long duplicates = 0;
            try (StreamBusClient reader = Brokers.client("127.0.0.1:" + port, Map.of("request.timeout.ms", 30_000));
                 Consumer<Long, Long> c = reader.newConsumer(Serdes.longDeserializer(), Serdes.longDeserializer(),
                         Map.of("auto.offset.reset", "earliest", "max.poll.records", 5000))) {
                c.assign(parts);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60 + total / 5_000);
                while (read < total && System.nanoTime() < deadline) {
                    for (ConsumerRecord<Long, Long> r : c.poll(Duration.ofMillis(200))) {
                        read++;
                        int id = (int) (long) r.value();
                        if (stored.get(id)) {
                            duplicates++;
                        }
                        stored.set(id);
                    }
                }
            }
            long lost = acked.stream().filter(id -> !stored.get((int) (long) id)).count();
            System.out.printf("SCENARIO-A flush=%s kills=%d acked=%d stored=%d duplicates=%d failedSends=%d "
                    + "lostAcked=%d resume-after-restart-ms=%s check-read-s=%.1f%n", flush, KILLS, acked.size(), read,
                    duplicates, failedSends.get(), lost, resumeMs, (System.nanoTime() - readStart) / 1e9);
            assertThat(read).isEqualTo(total);
            assertThat(lost).as("acknowledged records lost").isZero();
        } finally {
            running.set(false);
            broker.close();
        }
    }

    /** What a stalled run looked like: the broker's log tail and the client's threads. */
    private static void dumpStall(int restart, ChildBroker broker, int failedSends, int inFlight) {
        String log = broker.log();
        StringBuilder out = new StringBuilder();
        out.append("no acknowledgement within 60 s after restart ").append(restart).append(" (failedSends=")
                .append(failedSends).append(", async in flight=").append(inFlight).append(")\n");
        out.append("broker log tail:\n").append(log, Math.max(0, log.length() - 4000), log.length()).append('\n');
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (t.getName().contains("sender") || t.getName().startsWith("streambus")) {
                out.append(t.getName()).append(' ').append(t.getState()).append('\n');
                for (StackTraceElement el : stack) {
                    out.append("    at ").append(el).append('\n');
                }
            }
        });
        System.out.println(out);
    }
}
