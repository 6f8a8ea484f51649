package io.streambus.client.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.testing.ChildBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.client.StreamBusClient;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.client.consumer.GroupConsumer;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Serdes;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Duplicates seen by a group consumer across broker SIGKILLs (issue 16): a broker in a child JVM holds a topic; one
 * group consumer processes its records at a steady pace, committing after each poll, while the broker is killed and
 * restarted on the same port and data directory. With durable membership the consumer heartbeats within its
 * session timeout after each restart, keeps its member id and partitions, and its next commit succeeds, so nothing it
 * processed is delivered again; without it ({@code --no-durable-membership}, the baseline) every restart costs a
 * rejoin and a re-delivery of what was processed since the last commit. Every record must be processed at least
 * once in both cases. Short: 20,000 records and 2 kills; {@code -Dstreambus.slow=true}: 200,000 records and 5 kills.
 * The baseline runs with the slow profile or {@code -Dstreambus.groupKillBaseline=true}. Prints one GROUP-KILL line.
 */
@ExtendWith(LeakCheck.class)
class GroupKillTest {
    private static final boolean SLOW = Boolean.getBoolean("streambus.slow");
    private static final int RECORDS = SLOW ? 200_000 : 20_000;
    private static final int KILLS = SLOW ? 5 : 2;
    private static final int PARTITIONS = 3;
    private static final int BATCH = 200;
    /** Simulated processing time per poll, so that the kills fall in the middle of the stream. */
    private static final long WORK_NANOS_PER_POLL = TimeUnit.MILLISECONDS.toNanos(SLOW ? 4 : 20);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "durable membership {0}")
    @ValueSource(booleans = {true, false})
    void groupConsumerAcrossBrokerKills(boolean durable) throws Exception {
        Assumptions.assumeTrue(durable || SLOW || Boolean.getBoolean("streambus.groupKillBaseline"),
                "the baseline without durable membership runs with -Pslow or -Dstreambus.groupKillBaseline=true");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = dir.resolve("data");
        String[] args = durable ? new String[] {"--port", Integer.toString(port)}
                : new String[] {"--port", Integer.toString(port), "--no-durable-membership"};
        ChildBroker broker = ChildBroker.start(data, args);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger processed = new AtomicInteger();
        AtomicInteger failedCommits = new AtomicInteger();
        AtomicReference<Throwable> consumerFailure = new AtomicReference<>();
        BitSet seen = new BitSet(RECORDS);
        AtomicInteger duplicates = new AtomicInteger();
        GroupTests.Recorder rebalances = new GroupTests.Recorder();
        List<String> memberIds = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (StreamBusClient client = GroupTests.client("127.0.0.1:" + port, Map.of("request.timeout.ms", 2000))) {
            client.admin().createTopic("gk", PARTITIONS).get(10, TimeUnit.SECONDS);
            Producer<Integer, Integer> p = client.newProducer(Serdes.integerSerializer(), Serdes.integerSerializer(),
                    Map.of("linger.ms", 5));
            for (int i = 0; i < RECORDS; i++) {
                p.send(new ProducerRecord<>("gk", i % PARTITIONS, i, i));
            }
            p.flush(Duration.ofSeconds(60));
            p.close(Duration.ofSeconds(10));

            Thread consumer = new Thread(() -> {
                try (GroupConsumer<Integer, Integer> c = client.newGroupConsumer("gk-group",
                        Serdes.integerDeserializer(), Serdes.integerDeserializer(), GroupTests.groupConfig(Map.of(
                                "session.timeout.ms", 10_000, "heartbeat.interval.ms", 500,
                                "max.poll.records", BATCH)))) {
                    c.subscribe(List.of("gk"), rebalances);
                    while (running.get()) {
                        ConsumerRecords<Integer, Integer> batch = c.poll(Duration.ofMillis(200));
                        if (batch.isEmpty()) {
                            continue;
                        }
                        synchronized (seen) {
                            for (ConsumerRecord<Integer, Integer> r : batch) {
                                if (seen.get(r.value())) {
                                    duplicates.incrementAndGet();
                                }
                                seen.set(r.value());
                            }
                        }
                        processed.addAndGet(batch.count());
                        LockSupport.parkNanos(WORK_NANOS_PER_POLL); // the application's work on the batch
                        try {
                            c.commitSync(Duration.ofSeconds(3));
                        } catch (RuntimeException e) {
                            failedCommits.incrementAndGet(); // broker down, or (baseline) the member is gone
                        }
                        String id = c.memberId();
                        if (id != null && !id.isEmpty() && (memberIds.isEmpty()
                                || !memberIds.get(memberIds.size() - 1).equals(id))) {
                            memberIds.add(id);
                        }
                    }
                } catch (Throwable t) {
                    consumerFailure.set(t);
                }
            }, "group-kill-consumer");
            long started = System.nanoTime();
            StringBuilder phases = new StringBuilder();
            consumer.start();
            for (int k = 1; k <= KILLS; k++) {
                int threshold = RECORDS * k / (KILLS + 1);
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(5))
                        .until(() -> processed.get() >= threshold || consumerFailure.get() != null);
                assertThat(consumerFailure.get()).isNull();
                phases.append(" kill").append(k).append('@').append(ms(started));
                assertThat(broker.kill()).isEqualTo(137);
                broker = ChildBroker.start(data, args);
                phases.append(" up").append(k).append('@').append(ms(started));
            }
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(20)).until(() -> {
                synchronized (seen) {
                    return seen.cardinality() == RECORDS || consumerFailure.get() != null;
                }
            });
            phases.append(" done@").append(ms(started));
            running.set(false);
            consumer.join(30_000);
            assertThat(consumer.isAlive()).isFalse();
            assertThat(consumerFailure.get()).isNull();
            System.out.printf("GROUP-KILL durable=%s records=%d kills=%d processed=%d duplicates=%d "
                            + "failedCommits=%d memberIds=%d rebalanceEvents=%s ms:%s%n", durable, RECORDS, KILLS,
                    processed.get(), duplicates.get(), failedCommits.get(), memberIds.size(), rebalances.events,
                    phases);
            synchronized (seen) {
                assertThat(seen.cardinality()).as("every record processed").isEqualTo(RECORDS);
            }
            if (durable) {
                assertThat(memberIds).as("one member id across the kills").hasSize(1);
                // The last event may be the revocation of closing the consumer.
                assertThat(rebalances.events).as("partitions kept").startsWith("assigned " + PARTITIONS)
                        .filteredOn(e -> e.startsWith("assigned") || e.startsWith("lost")).hasSize(1);
                assertThat(duplicates.get()).as("nothing processed twice").isZero();
            }
        } finally {
            running.set(false);
            broker.close();
        }
    }

    private static long ms(long since) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }
}
