package io.streambus.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.share.ShareCoordinatorConfig;
import io.streambus.broker.share.ShareGroupSettings;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.client.ClientConfig;
import io.streambus.client.StreamBusClient;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.serialization.Serdes;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transacted JMS consume-transform-produce loop (queue in, topic out; {@link JmsTransformChild} in a child JVM)
 * killed with SIGKILL and started again: the output read with read_committed holds each input exactly once (spec B.7
 * for the sends, B.13.15 for the queue's acknowledgements, B.7.2 fencing of the killed instance's transaction).
 * Default build: 2,000 messages and 1 kill; {@code -Pslow}: 50,000 messages and 3 kills. Prints one JMS-CTP-KILL line.
 */
@ExtendWith(LeakCheck.class)
class TransactedKillTest {
    private static final boolean SLOW = Boolean.getBoolean("streambus.slow");
    private static final int MESSAGES = SLOW ? 50_000 : 2_000;
    private static final int KILLS = SLOW ? 3 : 1;
    private static final int PARTITIONS = 2;
    private static final Duration PHASE_LIMIT = Duration.ofSeconds(SLOW ? 1800 : 180);
    private static final String QUEUE = "jms-ctp-in";
    private static final String TOPIC = "jms-ctp-out";

    @TempDir
    Path dir;

    private static Process startApp(String url) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                JmsTransformChild.class.getName(), url, QUEUE, TOPIC)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.appendTo(Path.of("target", "jms-ctp-app.log").toFile()))
                .start();
    }

    private static void kill(Process app) throws InterruptedException {
        app.destroyForcibly();
        assertThat(app.waitFor(30, TimeUnit.SECONDS)).as("the application exited").isTrue();
    }

    /** Adds what the read_committed reader has now; true once {@code at least} values were read. */
    private static boolean readUpTo(Consumer<String, String> reader, List<String> out, int atLeast) {
        Set<String> seen = new java.util.HashSet<>(out);
        reader.poll(Duration.ofMillis(100)).forEach(r -> {
            if (!seen.add(r.value())) {
                System.out.printf("duplicate %s at %d@%d%n", r.value(), r.partition(), r.offset());
            }
            out.add(r.value());
        });
        return out.size() >= atLeast;
    }

    /** Every committed value of {@code topic}, read with read_committed until nothing more comes. */
    private static List<String> readAll(StreamBusClient client, String topic) {
        List<String> out = new ArrayList<>();
        try (Consumer<String, String> c = client.newConsumer(Serdes.stringDeserializer(),
                Serdes.stringDeserializer(), Map.of("isolation.level", "read_committed",
                        "auto.offset.reset", "earliest"))) {
            c.assign(topic, IntStream.range(0, PARTITIONS).boxed().toList());
            await().atMost(PHASE_LIMIT).pollInterval(Duration.ofMillis(1)).until(() -> readUpTo(c, out, MESSAGES));
            for (int idle = 0; idle < 3; idle++) {
                readUpTo(c, out, MESSAGES); // more than expected would show now
            }
        }
        return out;
    }

    @Test
    void eachInputAppearsExactlyOnceThroughApplicationKills() throws Exception {
        // A session timeout short enough that what a killed instance held comes back within seconds; enough delivery
        // attempts that no message is dead-lettered by the kills.
        ShareCoordinatorConfig share = new ShareCoordinatorConfig(Duration.ofSeconds(6), Duration.ofSeconds(1),
                new ShareGroupSettings(100, 30_000, "", 0, 2000));
        try (EmbeddedBroker broker = EmbeddedBroker.builder().port(0).dataDir(dir).shareGroups(share).build()) {
            int port = broker.start();
            String base = "streambus://127.0.0.1:" + port + "?requestTimeout=5000&closeTimeout=5000"
                    + "&sendTimeout=10000";
            long started = System.nanoTime();
            try (StreamBusClient client = StreamBusClient.create(Map.of(ClientConfig.BOOTSTRAP_SERVERS,
                    "127.0.0.1:" + port))) {
                client.admin().createTopic(QUEUE, PARTITIONS).get(10, TimeUnit.SECONDS);
                client.admin().createTopic(TOPIC, PARTITIONS).get(10, TimeUnit.SECONDS);
                try (Connection c = new StreamBusConnectionFactory(base).createConnection()) {
                    // The inputs through a transacted session too: batches of sends committed at once.
                    Session s = c.createSession(true, Session.SESSION_TRANSACTED);
                    MessageProducer p = s.createProducer(s.createQueue(QUEUE));
                    for (int i = 0; i < MESSAGES; i++) {
                        p.send(s.createTextMessage(Integer.toString(i)));
                        if (i % 500 == 499) {
                            s.commit();
                        }
                    }
                    s.commit();
                }
                long inputDone = System.nanoTime();
                assertThat(readAll(client, QUEUE)).as("each input stored once").hasSize(MESSAGES)
                        .doesNotHaveDuplicates();
                List<String> output = new ArrayList<>();
                Process app = startApp(base + "&clientID=jms-ctp-app");
                try (Consumer<String, String> reader = client.newConsumer(Serdes.stringDeserializer(),
                        Serdes.stringDeserializer(), Map.of("isolation.level", "read_committed",
                                "auto.offset.reset", "earliest"))) {
                    reader.assign(TOPIC, IntStream.range(0, PARTITIONS).boxed().toList());
                    List<Integer> killedAt = new ArrayList<>();
                    for (int k = 0; k < KILLS; k++) {
                        int threshold = MESSAGES * (k + 1) / (KILLS + 1);
                        await().atMost(PHASE_LIMIT).pollInterval(Duration.ofMillis(1))
                                .until(() -> readUpTo(reader, output, threshold));
                        kill(app);
                        killedAt.add(output.size());
                        app = startApp(base + "&clientID=jms-ctp-app");
                    }
                    await().atMost(PHASE_LIMIT).pollInterval(Duration.ofMillis(1))
                            .until(() -> readUpTo(reader, output, MESSAGES));
                    long loopMs = (System.nanoTime() - inputDone) / 1_000_000;
                    // A little longer: duplicates committed late would show now.
                    long quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                    while (System.nanoTime() < quietUntil) {
                        readUpTo(reader, output, MESSAGES);
                    }
                    kill(app);
                    app = null;
                    assertThat(killedAt).as("every kill hit the middle of the run").allMatch(n -> n < MESSAGES);
                    assertThat(output).as("read_committed: each input exactly once").hasSize(MESSAGES)
                            .doesNotHaveDuplicates();
                    Set<String> expected = IntStream.range(0, MESSAGES).mapToObj(i -> "out-" + i)
                            .collect(Collectors.toSet());
                    assertThat(Set.copyOf(output)).isEqualTo(expected);
                    System.out.printf("JMS-CTP-KILL messages=%d kills=%d output-at-kill=%s input-ms=%d loop-ms=%d%n",
                            MESSAGES, KILLS, killedAt, (inputDone - started) / 1_000_000, loopMs);
                } finally {
                    if (app != null) {
                        app.destroyForcibly();
                    }
                }
            }
        }
    }
}
