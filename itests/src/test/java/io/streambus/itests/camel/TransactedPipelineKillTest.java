package io.streambus.itests.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.testing.ChildBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.client.StreamBusClient;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Serdes;
import io.streambus.common.TopicPartition;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exactly-once pipeline under crashes: {@link TransactedPipelineApp} (a transacted consume-transform-produce
 * route, consumed offsets in each exchange's transaction) runs in a child JVM against a broker in another child JVM.
 * While it works through the input, the route's JVM and the broker's are SIGKILLed in turn and restarted (the broker
 * on the same port and data directory). Afterwards every input must appear exactly once in the output as a
 * read_committed consumer sees it. Short: 3,000 records, one kill of each; {@code -Pslow}: 50,000 records, three
 * kills of each. Prints one PIPELINE-KILLS line.
 *
 * <p>An earlier short run failed once after a broker SIGKILL: the route's producer got OutOfOrderSequence (47) on
 * every retry, because an abort kept the sequences of a batch the restarted broker had refused. The transactional
 * producer now takes a new epoch after such an abort (TransactionalProducerTest).
 */
@ExtendWith(LeakCheck.class)
class TransactedPipelineKillTest {
    private static final boolean SLOW = Boolean.getBoolean("streambus.slow");
    private static final int RECORDS = SLOW ? 50_000 : 3_000;
    private static final int KILLS_EACH = SLOW ? 3 : 1;
    private static final int PARTITIONS = 4;
    private static final String IN = "pipeline-in";
    private static final String OUT = "pipeline-out";

    @TempDir
    Path dir;

    @Test
    void eachInputAppearsExactlyOnceInTheOutputThroughKillsOfTheRouteAndTheBroker() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String brokers = "127.0.0.1:" + port;
        Path data = dir.resolve("data");
        // Route logs stay in target/ (for a failure's analysis); the broker's log is printed on failure.
        Path logs = Files.createDirectories(Path.of("target", "pipeline-kill-logs", Long.toString(System.nanoTime())));
        ChildBroker broker = ChildBroker.start(data, "--port", Integer.toString(port));
        RouteJvm route = null;
        long started = System.nanoTime();
        List<String> kills = new ArrayList<>();
        try (StreamBusClient client = StreamBusClient.create(Map.of("bootstrap.servers", brokers,
                "client.id", "pipeline-check", "request.timeout.ms", 3000))) {
            client.admin().createTopic(IN, PARTITIONS).get(10, TimeUnit.SECONDS);
            client.admin().createTopic(OUT, PARTITIONS).get(10, TimeUnit.SECONDS);
            try (Producer<String, String> p = client.newProducer(Serdes.stringSerializer(),
                    Serdes.stringSerializer())) {
                for (int i = 0; i < RECORDS; i++) {
                    p.send(new ProducerRecord<>(IN, i % PARTITIONS, "k" + i, "in-" + i));
                }
                p.flush(Duration.ofSeconds(60));
            }
            route = RouteJvm.start(logs, brokers);
            int events = 2 * KILLS_EACH;
            for (int k = 0; k < events; k++) {
                long threshold = (long) RECORDS * (k + 1) / (events + 1);
                await().atMost(Duration.ofMinutes(SLOW ? 10 : 3)).pollInterval(Duration.ofMillis(100))
                        .until(() -> committedInputs(client) >= threshold);
                if (k % 2 == 0) {
                    assertThat(route.kill()).isEqualTo(137);
                    kills.add("route@" + committedInputs(client));
                    route = RouteJvm.start(logs, brokers);
                } else {
                    long at = committedInputs(client);
                    assertThat(broker.kill()).isEqualTo(137);
                    kills.add("broker@" + at);
                    broker = ChildBroker.start(data, "--port", Integer.toString(port));
                }
            }
            RouteJvm last = route;
            await().atMost(Duration.ofMinutes(SLOW ? 10 : 3)).pollInterval(Duration.ofMillis(200))
                    .failFast("the route JVM exited", () -> !last.alive())
                    .until(() -> committedInputs(client) == RECORDS);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            assertThat(route.kill()).isEqualTo(137);

            List<String> committed = read(client, "read_committed", RECORDS);
            if (committed.size() != RECORDS) {
                System.out.println("PIPELINE-KILLS duplicates: " + duplicates(client));
            }
            List<String> everything = read(client, "read_uncommitted", RECORDS);
            System.out.printf("PIPELINE-KILLS records=%d kills=%s output-committed=%d output-in-log=%d "
                    + "(aborted records in the log: %d) seconds=%d%n", RECORDS, kills, committed.size(),
                    everything.size(), everything.size() - committed.size(), seconds);
            assertThat(committed).as("each input exactly once, read_committed").hasSize(RECORDS)
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(0, RECORDS).mapToObj(i -> "out-in-" + i)
                            .toList());
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\nroute log tail:\n" + (route == null ? "" : route.logTail())
                    + "\nbroker log tail:\n" + tail(broker.log()), e);
        } finally {
            if (route != null) {
                route.close();
            }
            broker.close();
            try (var files = Files.list(dir)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                    Files.copy(f, logs.resolve(f.getFileName()));
                }
            }
        }
    }

    /** Sum over the input partitions of the route group's committed offsets; -1 while the broker is unreachable. */
    private static long committedInputs(StreamBusClient client) {
        try {
            Map<TopicPartition, OffsetAndMetadata> m = client.admin()
                    .committedOffsets(TransactedPipelineApp.GROUP, List.of()).get(5, TimeUnit.SECONDS);
            return m.entrySet().stream().filter(e -> e.getKey().topic().equals(IN))
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (Exception e) {
            return -1;
        }
    }

    /** The output's values with this isolation level: all of them, until three polls in a row bring nothing. */
    private static List<String> read(StreamBusClient client, String isolation, int atLeast) {
        List<String> out = new ArrayList<>();
        try (Consumer<String, String> c = client.newConsumer(Serdes.stringDeserializer(),
                Serdes.stringDeserializer(), Map.of("auto.offset.reset", "earliest", "isolation.level", isolation,
                        "max.poll.records", 5000))) {
            c.assign(OUT, IntStream.range(0, PARTITIONS).boxed().toList());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int idle = 0;
            while ((out.size() < atLeast || idle < 3) && System.nanoTime() < deadline) {
                ConsumerRecords<String, String> rs = c.poll(Duration.ofMillis(200));
                idle = rs.isEmpty() && out.size() >= atLeast ? idle + 1 : 0;
                for (ConsumerRecord<String, String> r : rs) {
                    out.add(r.value());
                }
            }
        }
        return out;
    }

    /** For a failure: up to 40 duplicated output values, each with the partition/offset of every copy. */
    private static String duplicates(StreamBusClient client) {
        Map<String, List<String>> where = new java.util.TreeMap<>();
        try (Consumer<String, String> c = client.newConsumer(Serdes.stringDeserializer(),
                Serdes.stringDeserializer(), Map.of("auto.offset.reset", "earliest",
                        "isolation.level", "read_committed", "max.poll.records", 5000))) {
            c.assign(OUT, IntStream.range(0, PARTITIONS).boxed().toList());
            int idle = 0;
            while (idle < 3) {
                ConsumerRecords<String, String> rs = c.poll(Duration.ofMillis(200));
                idle = rs.isEmpty() ? idle + 1 : 0;
                for (ConsumerRecord<String, String> r : rs) {
                    where.computeIfAbsent(r.value(), k -> new ArrayList<>()).add(r.partition() + "/" + r.offset());
                }
            }
        }
        StringBuilder b = new StringBuilder();
        where.entrySet().stream().filter(e -> e.getValue().size() > 1).limit(40)
                .forEach(e -> b.append(e.getKey()).append(e.getValue()).append(' '));
        return b.toString();
    }

    private static String tail(String log) {
        return log.length() <= 6000 ? log : log.substring(log.length() - 6000);
    }

    /** {@link TransactedPipelineApp} in a child JVM; its output goes to a log file. Not thread-safe. */
    private static final class RouteJvm implements AutoCloseable {
        private static final Map<Path, Integer> STARTS = new HashMap<>();
        private final Process process;
        private final Path log;

        private RouteJvm(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        static RouteJvm start(Path dir, String brokers) throws IOException {
            int n = STARTS.merge(dir, 1, Integer::sum);
            Path log = dir.resolve("route-" + n + ".log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-Xmx192m", "-cp", System.getProperty("java.class.path"),
                    TransactedPipelineApp.class.getName(), brokers, IN, OUT, Integer.toString(PARTITIONS))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            RouteJvm jvm = new RouteJvm(p, log);
            try {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                        .failFast("the route JVM exited", () -> !p.isAlive())
                        .until(() -> jvm.logTail().contains(TransactedPipelineApp.STARTED));
            } catch (RuntimeException | AssertionError e) {
                p.destroyForcibly();
                throw new IOException("the route JVM did not start; its log:\n" + jvm.logTail(), e);
            }
            return jvm;
        }

        boolean alive() {
            return process.isAlive();
        }

        /** SIGKILL; returns the exit code (137). */
        int kill() throws InterruptedException {
            process.destroyForcibly();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the route JVM did not exit within 30 s");
            }
            return process.exitValue();
        }

        String logTail() {
            try {
                return Files.exists(log) ? tail(Files.readString(log)) : "";
            } catch (IOException e) {
                return "(cannot read " + log + ": " + e + ")";
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
