package io.streambus.client.itest;

import static io.streambus.client.itest.ExactlyOnceTest.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.testing.ChildBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.client.StreamBusClient;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Serdes;
import io.streambus.common.TopicPartition;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consume-transform-produce with transactions while the broker (a child JVM) is killed with SIGKILL and restarted,
 * and the application (a {@link TransformChild} JVM) is killed with SIGKILL and started again (spec B.7, B.7.7,
 * B.7.8.6 second row): the output topic read with read_committed holds each input exactly once. Default build:
 * 3,000 records, 1 broker kill and 1 client kill; {@code -Pslow}: 100,000 records, 5 broker kills and 2 client
 * kills. The kills are spread over the run by progress (the group's committed offsets). Prints one CTP-KILL line.
 */
@ExtendWith(LeakCheck.class)
class TransactionalKillTest {
    private static final boolean SLOW = Boolean.getBoolean("streambus.slow");
    private static final int RECORDS = SLOW ? 100_000 : 3_000;
    private static final int PARTITIONS = 4;
    /** The kills in order: B = broker, C = client (application). */
    private static final String KILLS = SLOW ? "BCBBCBB" : "BC";
    private static final Duration PHASE_LIMIT = Duration.ofSeconds(SLOW ? 600 : 120);

    @TempDir
    Path dir;

    private static Process startApp(int port) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                TransformChild.class.getName(), "127.0.0.1:" + port, Integer.toString(PARTITIONS))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** The inputs whose outputs are committed (the sum of the group's committed offsets), or -1 when unknown. */
    private static long progress(StreamBusClient client) {
        try {
            return client.admin().committedOffsets(TransformChild.GROUP, List.of()).get(5, TimeUnit.SECONDS)
                    .values().stream().mapToLong(OffsetAndMetadata::offset).sum();
        } catch (Exception e) {
            return -1; // the broker is down or restarting
        }
    }

    private static void kill(Process app) throws InterruptedException {
        app.destroyForcibly();
        assertThat(app.waitFor(30, TimeUnit.SECONDS)).as("the application exited").isTrue();
    }

    @Test
    void eachInputIsCommittedExactlyOnceThroughBrokerAndClientKills() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = dir.resolve("data");
        ChildBroker broker = ChildBroker.start(data, "--port", Integer.toString(port));
        Process app = null;
        long started = System.nanoTime();
        List<Long> progressAtKill = new ArrayList<>();
        try (StreamBusClient client = Brokers.client("127.0.0.1:" + port, Map.of("request.timeout.ms", 2000))) {
            client.admin().createTopic(TransformChild.IN, PARTITIONS).get(10, TimeUnit.SECONDS);
            client.admin().createTopic(TransformChild.OUT, PARTITIONS).get(10, TimeUnit.SECONDS);
            try (Producer<String, String> input = client.newProducer(Serdes.stringSerializer(),
                    Serdes.stringSerializer())) {
                for (int i = 0; i < RECORDS; i++) {
                    input.send(new ProducerRecord<>(TransformChild.IN, i % PARTITIONS, "k", Integer.toString(i)));
                }
                input.flush(Duration.ofSeconds(120));
            }
            long stored = 0;
            for (int p = 0; p < PARTITIONS; p++) {
                stored += client.admin().offsets(new TopicPartition(TransformChild.IN, p)).get(10, TimeUnit.SECONDS)
                        .end();
            }
            assertThat(stored).as("each input stored once").isEqualTo(RECORDS);

            app = startApp(port);
            for (int k = 0; k < KILLS.length(); k++) {
                long threshold = (long) RECORDS * (k + 1) / (KILLS.length() + 1);
                await().atMost(PHASE_LIMIT).pollInterval(Duration.ofMillis(20))
                        .until(() -> progress(client) >= threshold);
                if (KILLS.charAt(k) == 'B') {
                    progressAtKill.add(progress(client));
                    assertThat(broker.kill()).isEqualTo(137);
                    broker = ChildBroker.start(data, "--port", Integer.toString(port));
                } else {
                    kill(app);
                    progressAtKill.add(progress(client));
                    app = startApp(port);
                }
            }
            await().atMost(PHASE_LIMIT).pollInterval(Duration.ofMillis(50))
                    .until(() -> progress(client) == RECORDS);
            kill(app);
            app = null;
            assertThat(progressAtKill).as("every kill hit the middle of the run").allMatch(p -> p < RECORDS);

            List<String> committed = readAll(client, TransformChild.OUT, PARTITIONS, "read_committed", RECORDS)
                    .stream().map(ConsumerRecord::value).toList();
            assertThat(committed).as("read_committed: each input exactly once").hasSize(RECORDS)
                    .doesNotHaveDuplicates();
            assertThat(committed.stream().collect(Collectors.toSet())).isEqualTo(IntStream.range(0, RECORDS)
                    .mapToObj(i -> "out-" + i).collect(Collectors.toSet()));
            long written = 0;
            for (int p = 0; p < PARTITIONS; p++) {
                written += client.admin().offsets(new TopicPartition(TransformChild.OUT, p))
                        .get(10, TimeUnit.SECONDS).end();
            }
            System.out.printf("CTP-KILL records=%d kills=%s progress-at-kill=%s output-offsets=%d "
                    + "(aborted or zombie writes: %d) seconds=%d%n", RECORDS, KILLS, progressAtKill, written,
                    written - RECORDS, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
            assertThat(written).as("read_uncommitted may show aborted writes too").isGreaterThanOrEqualTo(RECORDS);
        } finally {
            if (app != null) {
                app.destroyForcibly();
            }
            broker.close();
        }
    }
}
