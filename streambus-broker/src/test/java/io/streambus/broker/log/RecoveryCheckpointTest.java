package io.streambus.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recovery checkpoint: after an unclean stop only the tail after each partition's point is scanned (a torn tail
 * there is still cut), partitions recover in parallel, and a damaged checkpoint falls back to full scans.
 */
class RecoveryCheckpointTest {
    /** The checkpoint task is driven by hand: its interval is far longer than any test. */
    private static final LogConfig CONFIG = LogConfig.builder().flushPolicy(FlushPolicy.OS)
            .recoveryCheckpointInterval(Duration.ofHours(1)).recoveryThreads(3).build();

    @TempDir
    Path tmp;

    private static List<Msg> batch(int from, int count) {
        List<Msg> b = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            b.add(Msg.of("k" + i, "value-" + i + "-" + "x".repeat(200)));
        }
        return b;
    }

    /** What a SIGKILL leaves: the files as they are now, without clean-shutdown markers. */
    private static void crashImage(Path from, Path to) {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.collect(Collectors.toList())) {
                String name = p.getFileName().toString();
                if (name.equals(".lock") || name.equals(BatchFormat.CLEAN_MARKER)) {
                    continue;
                }
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path segment(Path dataDir, String topic, int partition) {
        return dataDir.resolve("topics").resolve(topic).resolve("partition-" + partition)
                .resolve(BatchFormat.fileName(0, BatchFormat.LOG_SUFFIX));
    }

    @Test
    void tornTailAfterTheCheckpointIsCutAndDataBeforeItIsNotRescanned() throws IOException {
        Path live = tmp.resolve("live");
        Path image = tmp.resolve("image");
        long checkpointed;
        try (LogManager m = LogManager.open(live, CONFIG)) {
            m.createTopic("t", 1);
            PartitionLog log = m.partition("t", 0);
            for (int i = 0; i < 200; i++) {
                Msg.append(log, batch(i * 5, 5));
            }
            m.writeRecoveryCheckpoint();
            checkpointed = Files.size(segment(live, "t", 0));
            for (int i = 200; i < 210; i++) {
                Msg.append(log, batch(i * 5, 5));
            }
            crashImage(live, image);
        }
        Path seg = segment(image, "t", 0);
        long complete = Files.size(seg);
        // A torn write: half of a further batch's bytes.
        byte[] torn = new byte[300];
        java.util.Arrays.fill(torn, (byte) 7);
        Files.write(seg, torn, StandardOpenOption.APPEND);
        assertThat(RecoveryCheckpoint.read(image)).containsEntry(RecoveryCheckpoint.key("t", 0),
                new RecoveryPoint(0, checkpointed, 1000));

        try (LogManager m = LogManager.open(image, CONFIG)) {
            assertThat(m.recoveryBytesScanned()).as("only the tail after the checkpoint")
                    .isEqualTo(complete + torn.length - checkpointed);
            assertThat(checkpointed).as("most of the log lies before the point").isGreaterThan(10 * (complete - checkpointed));
            PartitionLog log = m.partition("t", 0);
            assertThat(log.endOffset()).isEqualTo(1050);
            assertThat(Files.size(seg)).as("torn tail cut").isEqualTo(complete);
            List<Msg> all = Msg.readAll(log, 0, 1 << 22);
            assertThat(all).hasSize(1050);
            assertThat(all.get(1049).valueString()).startsWith("value-1049-");
            assertThat(Msg.append(log, batch(1050, 1)).baseOffset()).isEqualTo(1050);
        }
    }

    @Test
    void withoutACheckpointTheWholeActiveSegmentIsScanned() throws IOException {
        Path live = tmp.resolve("live");
        Path image = tmp.resolve("image");
        try (LogManager m = LogManager.open(live, CONFIG)) {
            m.createTopic("t", 1);
            for (int i = 0; i < 50; i++) {
                Msg.append(m.partition("t", 0), batch(i * 2, 2));
            }
            crashImage(live, image);
        }
        assertThat(Files.exists(image.resolve(RecoveryCheckpoint.FILE_NAME))).isFalse();
        try (LogManager m = LogManager.open(image, CONFIG)) {
            assertThat(m.recoveryBytesScanned()).isEqualTo(Files.size(segment(image, "t", 0)));
            assertThat(m.partition("t", 0).endOffset()).isEqualTo(100);
        }
    }

    @Test
    void aDamagedCheckpointFallsBackToFullScans() throws IOException {
        Path live = tmp.resolve("live");
        Path image = tmp.resolve("image");
        try (LogManager m = LogManager.open(live, CONFIG)) {
            m.createTopic("t", 1);
            for (int i = 0; i < 50; i++) {
                Msg.append(m.partition("t", 0), batch(i * 2, 2));
            }
            m.writeRecoveryCheckpoint();
            crashImage(live, image);
        }
        Files.writeString(image.resolve(RecoveryCheckpoint.FILE_NAME), "streambus-recovery-checkpoint 1\nt 0 x\n");
        try (LogManager m = LogManager.open(image, CONFIG)) {
            assertThat(m.recoveryBytesScanned()).isEqualTo(Files.size(segment(image, "t", 0)));
            assertThat(m.partition("t", 0).endOffset()).isEqualTo(100);
        }
    }

    @Test
    void manyPartitionsRecoverInParallelEachFromItsPoint() throws IOException {
        Path live = tmp.resolve("live");
        Path image = tmp.resolve("image");
        try (LogManager m = LogManager.open(live, CONFIG)) {
            m.createTopic("a", 7);
            m.createTopic("b", 5);
            for (String t : List.of("a", "b")) {
                for (int p = 0; p < m.partitionCount(t); p++) {
                    for (int i = 0; i <= p; i++) {
                        Msg.append(m.partition(t, p), batch(i, 1));
                    }
                }
            }
            m.writeRecoveryCheckpoint();
            Msg.append(m.partition("a", 3), batch(99, 1)); // one partition with a tail after its point
            crashImage(live, image);
        }
        try (LogManager m = LogManager.open(image, CONFIG)) {
            assertThat(m.recoveryBytesScanned()).as("one batch after a-3's point")
                    .isEqualTo(BatchFormat.HEADER_SIZE + batch(99, 1).get(0).encodedSize());
            for (String t : List.of("a", "b")) {
                for (int p = 0; p < m.partitionCount(t); p++) {
                    assertThat(m.partition(t, p).endOffset()).as(t + "-" + p)
                            .isEqualTo(p + 1 + (t.equals("a") && p == 3 ? 1 : 0));
                }
            }
        }
    }

    @Test
    void aCleanStopRecordsEveryPartitionsEnd() throws IOException {
        Path dir = tmp.resolve("d");
        try (LogManager m = LogManager.open(dir, CONFIG)) {
            m.createTopic("t", 2);
            Msg.append(m.partition("t", 1), batch(0, 3));
        }
        assertThat(RecoveryCheckpoint.read(dir)).containsEntry(RecoveryCheckpoint.key("t", 1),
                new RecoveryPoint(0, Files.size(segment(dir, "t", 1)), 3))
                .containsEntry(RecoveryCheckpoint.key("t", 0), new RecoveryPoint(0, 0, 0));
    }
}
