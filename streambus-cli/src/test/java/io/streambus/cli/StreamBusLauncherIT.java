package io.streambus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real thing: {@code bin/streambus} running {@code target/streambus.jar} in a child JVM (after {@code package};
 * run by Failsafe), against a broker in this JVM.
 */
@ExtendWith(LeakCheck.class)
class StreamBusLauncherIT {
    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() throws IOException {
        broker = EmbeddedBroker.builder().temporary().build();
        broker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run launcher(String stdin, String... args) throws Exception {
        Path launcher = Path.of(System.getProperty("streambus.launcher"));
        Path jar = Path.of(System.getProperty("streambus.jar"));
        assertThat(jar).exists();
        List<String> cmd = new ArrayList<>(List.of("sh", launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("STREAMBUS_JAR", jar.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("streambus " + String.join(" ", args) + " did not finish within 60 s");
        }
        return new Run(p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void produceAndConsumeThroughTheLauncher() throws Exception {
        String b = broker.address();
        Run created = launcher("", "topics", "create", "jar-topic", "--partitions", "2", "--bootstrap", b);
        assertThat(created.exit()).as(created.err()).isZero();
        Run produced = launcher("a=1\nb=2\n", "produce", "jar-topic", "--key-separator", "=", "--partition", "1",
                "-H", "via=jar", "--bootstrap", b);
        assertThat(produced.exit()).as(produced.err()).isZero();
        assertThat(produced.err()).contains("Produced 2 records to jar-topic.");
        Run consumed = launcher("", "--bootstrap", b, "consume", "jar-topic", "--from-beginning", "--max", "2",
                "--print-key", "--print-headers");
        assertThat(consumed.exit()).as(consumed.err()).isZero();
        assertThat(consumed.out().lines()).containsExactly("via:jar\ta\t1", "via:jar\tb\t2");
        Run described = launcher("", "topics", "describe", "jar-topic", "-o", "json", "-b", b);
        Map<String, Object> json = JsonParser.object(described.out().trim());
        assertThat(json).containsEntry("records", 2L);
    }

    @Test
    void exitCodesOfTheProcess() throws Exception {
        Run usage = launcher("", "topics", "list", "--nope");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("Unknown option: '--nope'");
        Run down = launcher("", "health", "--bootstrap", "127.0.0.1:1");
        assertThat(down.exit()).isEqualTo(1);
        assertThat(down.err()).contains("cannot reach 127.0.0.1:1: is a broker running there?");
        Run version = launcher("", "--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).startsWith("streambus 0.");
    }

    @Test
    void sigtermStopsAGroupConsumerThatCommitsWhatItPrinted() throws Exception {
        String b = broker.address();
        assertThat(launcher("", "topics", "create", "term", "--partitions", "1", "-b", b).exit()).isZero();
        assertThat(launcher("r1\nr2\nr3\n", "produce", "term", "-b", b).exit()).isZero();

        Path launcher = Path.of(System.getProperty("streambus.launcher"));
        ProcessBuilder pb = new ProcessBuilder("sh", launcher.toString(), "consume", "term", "--group", "terminators",
                "--from-beginning", "-b", b);
        pb.environment().put("STREAMBUS_JAR", System.getProperty("streambus.jar"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        reader.start();
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> lines.size() == 3);
        } finally {
            p.destroy(); // SIGTERM: the launcher exec'd java, so this reaches the JVM and its shutdown hook
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        reader.join(10_000);
        assertThat(lines).containsExactly("r1", "r2", "r3");
        try (io.streambus.client.StreamBusClient client = io.streambus.client.StreamBusClient.builder()
                .bootstrap(b).build()) {
            assertThat(client.admin().committedOffsets("terminators", List.of()).get(10, TimeUnit.SECONDS))
                    .containsEntry(new io.streambus.common.TopicPartition("term", 0),
                            new io.streambus.client.consumer.OffsetAndMetadata(3));
        }
    }

    @Test
    void theLauncherSaysHowToBuildAMissingJar() throws Exception {
        Path launcher = Path.of(System.getProperty("streambus.launcher"));
        ProcessBuilder pb = new ProcessBuilder("sh", launcher.toString(), "health");
        pb.environment().put("STREAMBUS_JAR", Files.createTempDirectory("no-jar").resolve("x.jar").toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(read(p.getInputStream())).contains("not found: build it with");
    }
}
