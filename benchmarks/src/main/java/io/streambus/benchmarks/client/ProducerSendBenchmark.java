package io.streambus.benchmarks.client;

import io.streambus.client.StreamBusClient;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.producer.RecordMetadata;
import io.streambus.client.serialization.Serdes;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Async {@code Producer.send} of 100-byte values (byte[] serializers, no key, idempotence at its default: on) over a
 * real connection, to 1 or 8 partitions in turn (issues 10 and 17). One operation is one record; the producer's
 * {@code buffer.memory} bound throttles the sender to what the broker acknowledges, so the time per operation is
 * the steady-state cost per record and, with {@code -prof gc}, {@code gc.alloc.rate.norm} is what the client
 * allocates per record on its whole send path: {@code send}, batching, encoding, the I/O thread, the reply and the
 * completion of the record's future (target: at most 64 B). The broker runs in a child JVM (same class path,
 * {@code --flush os}), so none of its allocation is counted.
 *
 * <p>Run: {@code java -cp benchmarks/target/streambus-perf.jar org.openjdk.jmh.Main ProducerSendBenchmark -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
public class ProducerSendBenchmark {
    @Param({"1", "8"})
    public int partitions;

    private Process broker;
    private Path dataDir;
    private StreamBusClient client;
    private Producer<byte[], byte[]> producer;
    private ProducerRecord<byte[], byte[]>[] records;
    private int next;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setup() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        dataDir = Files.createTempDirectory("streambus-jmh-");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        broker = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                "io.streambus.broker.BrokerMain", "--port", String.valueOf(port), "--data-dir", dataDir.toString(),
                "--flush", "os").redirectErrorStream(true).start();
        awaitListening(broker);
        client = StreamBusClient.builder().bootstrap("127.0.0.1:" + port).build();
        String topic = "jmh-send-" + partitions;
        client.admin().createTopic(topic, partitions).get(30, TimeUnit.SECONDS);
        producer = client.newProducer(Serdes.byteArraySerializer(), Serdes.byteArraySerializer(), Map.of());
        byte[] value = new byte[100];
        records = new ProducerRecord[partitions];
        for (int p = 0; p < partitions; p++) {
            // as the load tool: one partition leaves the choice to the partitioner, several are named in turn
            records[p] = partitions == 1 ? new ProducerRecord<>(topic, null, value)
                    : new ProducerRecord<>(topic, p, null, value);
        }
    }

    /** Waits (bounded) for the broker's "listening" line; its later output is drained by a daemon thread. */
    private static void awaitListening(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Void> up = new CompletableFuture<>();
        Thread drain = new Thread(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.contains("listening on")) {
                        up.complete(null);
                    }
                }
                up.completeExceptionally(new IOException("broker exited with " + p.waitFor()));
            } catch (IOException | InterruptedException e) {
                up.completeExceptionally(e);
            }
        }, "broker-output");
        drain.setDaemon(true);
        drain.start();
        up.get(60, TimeUnit.SECONDS);
    }

    @Benchmark
    public CompletableFuture<RecordMetadata> send() {
        ProducerRecord<byte[], byte[]> r = records[next];
        next = next + 1 == records.length ? 0 : next + 1;
        return producer.send(r);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            producer.flush(Duration.ofSeconds(60));
            producer.close(Duration.ofSeconds(30));
            client.close();
        } finally {
            broker.destroy();
            if (!broker.waitFor(30, TimeUnit.SECONDS)) {
                broker.destroyForcibly();
            }
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }
}
