package io.streambus.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Restart time after SIGKILL against log size: a child JVM fills the partitions, checkpoints, adds a tail and is
 * killed; the log is then opened twice from the same crash image, without the checkpoint (every active segment
 * scanned, as before the checkpoint existed) and with it (only the tails). Prints a RESTART-TIME row per size. The
 * default build runs one small image (40 MiB); {@code -Dstreambus.slow=true} runs 0.1 to 2 GiB over 100 partitions
 * and the 10 GiB when the disk has room for it; {@code -Dstreambus.restartTime=MiB,partitions,tailKiB} runs
 * one size of your choice.
 */
class RestartTimeTest {
    private static final boolean SLOW = Boolean.getBoolean("streambus.slow");

    @TempDir
    Path tmp;

    static Stream<Arguments> sizes() {
        String one = System.getProperty("streambus.restartTime"); // "MiB per partition,partitions,tail KiB"
        if (one != null && !one.isBlank()) {
            String[] f = one.split(",");
            return Stream.of(Arguments.of(Integer.parseInt(f[0].trim()), Integer.parseInt(f[1].trim()),
                    Integer.parseInt(f[2].trim())));
        }
        if (!SLOW) {
            return Stream.of(Arguments.of(2, 20, 64));
        }
        return Stream.of(Arguments.of(1, 100, 64), Arguments.of(5, 100, 64), Arguments.of(10, 100, 64),
                Arguments.of(20, 100, 256), Arguments.of(100, 100, 256));
    }

    @ParameterizedTest(name = "{0} MiB per partition x {1} partitions, tail {2} KiB")
    @MethodSource("sizes")
    void restartAfterKillScansOnlyTheTails(int mibPerPartition, int partitions, int tailKib) throws Exception {
        long needed = 2L * mibPerPartition * partitions << 20;
        Assumptions.assumeTrue(Files.getFileStore(tmp).getUsableSpace() > needed,
                "needs " + (needed >> 20) + " MiB of free disk");
        Path data = tmp.resolve("data");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                RestartTimeChild.class.getName(), data.toString(), Integer.toString(partitions),
                Long.toString(mibPerPartition * 1024L * 1024L), Long.toString(tailKib * 1024L))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return in.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).get(10, TimeUnit.MINUTES);
            assertThat(line).isEqualTo("READY");
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        long total = sizeOf(data.resolve("topics"));
        Path checkpoint = data.resolve(RecoveryCheckpoint.FILE_NAME);
        Path saved = tmp.resolve("saved-checkpoint");
        Files.move(checkpoint, saved);

        long fullNanos;
        long fullScanned;
        try (LogManager m = LogManager.open(data, LogConfig.builder().flushPolicy(FlushPolicy.OS).build())) {
            fullNanos = m.recoveryTime().toNanos();
            fullScanned = m.recoveryBytesScanned();
        }
        // The same crash image again, now with the checkpoint the child wrote.
        deleteCleanMarkers(data);
        Files.move(saved, checkpoint, StandardCopyOption.REPLACE_EXISTING);
        long tailNanos;
        long tailScanned;
        long end;
        try (LogManager m = LogManager.open(data, LogConfig.builder().flushPolicy(FlushPolicy.OS).build())) {
            tailNanos = m.recoveryTime().toNanos();
            tailScanned = m.recoveryBytesScanned();
            end = m.partition("r", partitions - 1).endOffset();
        }
        System.out.printf("RESTART-TIME total=%d MiB partitions=%d tail/partition=%d KiB | without checkpoint: "
                + "%d ms, %d MiB scanned | with checkpoint: %d ms, %d KiB scanned%n", total >> 20, partitions,
                tailKib, fullNanos / 1_000_000, fullScanned >> 20, tailNanos / 1_000_000, tailScanned >> 10);
        assertThat(end).isPositive();
        assertThat(tailScanned).isLessThan(fullScanned);
        assertThat(tailScanned).isLessThanOrEqualTo((long) partitions * (tailKib * 1024L + 20_000));
    }

    private static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void deleteCleanMarkers(Path data) throws IOException {
        List<Path> markers = new ArrayList<>();
        try (Stream<Path> s = Files.walk(data)) {
            s.filter(p -> p.getFileName().toString().equals(BatchFormat.CLEAN_MARKER)).forEach(markers::add);
        }
        for (Path p : markers) {
            Files.delete(p);
        }
    }
}
