package io.streambus.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crash images and damaged files: the log must open, keep every complete batch and continue after it. */
class RecoveryTest {
    private static final LogConfig CONFIG = LogConfig.builder().segmentBytes(4096).indexIntervalBytes(256).build();

    @TempDir
    Path tmp;

    /** Builds a log with batches of varied sizes; returns the messages per batch. */
    private static List<List<Msg>> build(Path dataDir, int batches, long seed) {
        Random rnd = new Random(seed);
        List<List<Msg>> all = new ArrayList<>();
        int n = 0;
        try (LogManager m = LogManager.open(dataDir, CONFIG)) {
            m.createTopic("t", 1);
            PartitionLog log = m.partition("t", 0);
            for (int b = 0; b < batches; b++) {
                List<Msg> batch = new ArrayList<>();
                int count = 1 + rnd.nextInt(5);
                for (int i = 0; i < count; i++) {
                    batch.add(new Msg(0, n, Msg.bytes("k" + n), Msg.bytes("v" + n + "-" + "x".repeat(rnd.nextInt(60))),
                            rnd.nextBoolean() ? List.of() : List.of(Map.entry("h", Msg.bytes("hv" + n)))));
                    n++;
                }
                Msg.append(log, batch);
                all.add(batch);
            }
        }
        return all;
    }

    private static Path partitionDir(Path dataDir) {
        return dataDir.resolve("topics/t/partition-0");
    }

    private static List<Path> segmentFiles(Path dataDir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(partitionDir(dataDir))) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().collect(Collectors.toList());
        }
    }

    private static int batchBytes(List<Msg> batch) {
        return BatchFormat.HEADER_SIZE + batch.stream().mapToInt(Msg::encodedSize).sum();
    }

    /** Batches of {@code all} stored in the last segment, as (first batch index, byte positions). */
    private static List<Integer> lastSegmentBatchStarts(List<List<Msg>> all, int firstIndexInLast) {
        List<Integer> starts = new ArrayList<>();
        int pos = 0;
        for (int b = firstIndexInLast; b < all.size(); b++) {
            starts.add(pos);
            pos += batchBytes(all.get(b));
        }
        starts.add(pos);
        return starts;
    }

    /** Index of the first batch whose messages start at the last segment's base offset. */
    private static int firstBatchOfLastSegment(List<List<Msg>> all, long lastBase) {
        long off = 0;
        for (int b = 0; b < all.size(); b++) {
            if (off == lastBase) {
                return b;
            }
            off += all.get(b).size();
        }
        throw new AssertionError("no batch starts at " + lastBase);
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.collect(Collectors.toList())) {
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

    private static void assertHolds(PartitionLog log, List<List<Msg>> all, int completeBatches) {
        List<Msg> expected = all.subList(0, completeBatches).stream().flatMap(List::stream)
                .collect(Collectors.toList());
        assertThat(log.endOffset()).isEqualTo(expected.size());
        List<Msg> got = Msg.readAll(log, 0, 1 << 20);
        assertThat(got).hasSize(expected.size());
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i).offset()).isEqualTo(i);
            assertThat(got.get(i).sameContent(expected.get(i))).as("message %d", i).isTrue();
        }
    }

    @Test
    void lastSegmentTruncatedAtRandomPositionsKeepsEveryCompleteBatch() throws IOException {
        Path pristine = tmp.resolve("pristine");
        List<List<Msg>> all = build(pristine, 120, 1);
        List<Path> logs = segmentFiles(pristine, ".log");
        assertThat(logs.size()).isGreaterThan(2);
        Path lastLog = logs.get(logs.size() - 1);
        long lastBase = Long.parseLong(lastLog.getFileName().toString().substring(0, 20));
        int firstInLast = firstBatchOfLastSegment(all, lastBase);
        List<Integer> starts = lastSegmentBatchStarts(all, firstInLast);
        long size = Files.size(lastLog);
        assertThat((long) starts.get(starts.size() - 1)).isEqualTo(size);

        Random rnd = new Random(2024);
        for (int round = 0; round < 50; round++) {
            long cut = round == 0 ? 0 : round == 1 ? size - 1 : rnd.nextInt((int) size);
            boolean keepMarker = round % 3 == 0;
            Path image = tmp.resolve("image-" + round);
            copyTree(pristine, image);
            Path log = partitionDir(image).resolve(lastLog.getFileName());
            try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
                ch.truncate(cut);
            }
            if (!keepMarker) {
                Files.delete(partitionDir(image).resolve(BatchFormat.CLEAN_MARKER));
            }
            int complete = 0;
            while (complete + 1 < starts.size() && starts.get(complete + 1) <= cut) {
                complete++;
            }
            try (LogManager m = LogManager.open(image, CONFIG)) {
                PartitionLog p = m.partition("t", 0);
                assertHolds(p, all, firstInLast + complete);
                assertThat(Files.size(log)).isEqualTo((long) starts.get(complete));
                long end = p.endOffset();
                assertThat(Msg.append(p, List.of(Msg.of("new", "after crash"))).baseOffset()).isEqualTo(end);
            }
            try (LogManager m = LogManager.open(image, CONFIG)) {
                List<Msg> tail = Msg.read(m.partition("t", 0), m.partition("t", 0).endOffset() - 1, 100, 1000);
                assertThat(tail).extracting(Msg::valueString).containsExactly("after crash");
            }
            deleteTree(image);
        }
    }

    @Test
    void aFlippedByteCutsTheLogAtThatBatch() throws IOException {
        Path pristine = tmp.resolve("pristine");
        List<List<Msg>> all = build(pristine, 60, 3);
        List<Path> logs = segmentFiles(pristine, ".log");
        Path lastLog = logs.get(logs.size() - 1);
        long lastBase = Long.parseLong(lastLog.getFileName().toString().substring(0, 20));
        int firstInLast = firstBatchOfLastSegment(all, lastBase);
        List<Integer> starts = lastSegmentBatchStarts(all, firstInLast);
        int batchesInLast = starts.size() - 1;
        assertThat(batchesInLast).isGreaterThan(3);

        Random rnd = new Random(99);
        for (int round = 0; round < 12; round++) {
            int victim = rnd.nextInt(batchesInLast);
            int from = starts.get(victim);
            int pos = from + rnd.nextInt(starts.get(victim + 1) - from);
            Path image = tmp.resolve("flip-" + round);
            copyTree(pristine, image);
            Files.delete(partitionDir(image).resolve(BatchFormat.CLEAN_MARKER));
            // The damage lies before the point the clean stop checkpointed, which recovery trusts: drop it too.
            Files.delete(image.resolve(RecoveryCheckpoint.FILE_NAME));
            flipByte(partitionDir(image).resolve(lastLog.getFileName()), pos);
            try (LogManager m = LogManager.open(image, CONFIG)) {
                assertHolds(m.partition("t", 0), all, firstInLast + victim);
            }
            deleteTree(image);
        }
    }

    @Test
    void garbageAfterTheLastBatchIsCutOff() throws IOException {
        Path data = tmp.resolve("d");
        List<List<Msg>> all = build(data, 10, 5);
        List<Path> logs = segmentFiles(data, ".log");
        Path last = logs.get(logs.size() - 1);
        Files.write(last, new byte[1000], StandardOpenOption.APPEND);
        Files.delete(partitionDir(data).resolve(BatchFormat.CLEAN_MARKER));
        try (LogManager m = LogManager.open(data, CONFIG)) {
            assertHolds(m.partition("t", 0), all, all.size());
        }
    }

    @Test
    void aCrashImageTakenWhileOpenHoldsEveryAcknowledgedAppend() throws IOException {
        Path live = tmp.resolve("live");
        Path image = tmp.resolve("image");
        List<List<Msg>> appended = new ArrayList<>();
        LogManager m = LogManager.open(live, CONFIG);
        try {
            m.createTopic("t", 1);
            for (int b = 0; b < 50; b++) {
                List<Msg> batch = List.of(Msg.of("k" + b, "v" + b), Msg.of("k" + b, "w" + b));
                Msg.append(m.partition("t", 0), batch);
                appended.add(batch);
            }
            // As after kill -9: files as they are, no clean-shutdown marker, the lock file left behind.
            copyTree(live, image);
        } finally {
            m.close();
        }
        assertThat(Files.exists(partitionDir(image).resolve(BatchFormat.CLEAN_MARKER))).isFalse();
        try (LogManager r = LogManager.open(image, CONFIG)) {
            assertHolds(r.partition("t", 0), appended, appended.size());
        }
    }

    @Test
    void missingIndexesAreRebuiltIdentically() throws IOException {
        Path data = tmp.resolve("d");
        List<List<Msg>> all = build(data, 80, 11);
        List<Path> indexes = segmentFiles(data, ".index");
        assertThat(indexes.size()).isGreaterThan(2);
        List<byte[]> before = new ArrayList<>();
        for (Path p : indexes) {
            before.add(Files.readAllBytes(p));
            Files.delete(p);
        }
        assertThat(before.stream().mapToInt(b -> b.length).sum()).as("the index is not empty").isPositive();
        try (LogManager m = LogManager.open(data, CONFIG)) {
            assertHolds(m.partition("t", 0), all, all.size());
        }
        for (int i = 0; i < indexes.size(); i++) {
            assertThat(Files.readAllBytes(indexes.get(i))).as("%s", indexes.get(i)).isEqualTo(before.get(i));
        }
    }

    @Test
    void corruptIndexesAreDetectedAndRebuilt() throws IOException {
        Path data = tmp.resolve("d");
        List<List<Msg>> all = build(data, 80, 13);
        List<Path> indexes = segmentFiles(data, ".index");
        byte[] good = Files.readAllBytes(indexes.get(0));
        assertThat(good.length).isGreaterThanOrEqualTo(16);
        // Entry pointing into the middle of a batch: structurally fine, wrong content.
        byte[] shifted = good.clone();
        shifted[shifted.length - 1] += 3;
        Files.write(indexes.get(0), shifted);
        Files.write(indexes.get(1), new byte[] {1, 2, 3}); // not whole entries
        try (LogManager m = LogManager.open(data, CONFIG)) {
            assertHolds(m.partition("t", 0), all, all.size());
        }
        assertThat(Files.readAllBytes(indexes.get(0))).isEqualTo(good);
    }

    @Test
    void aDamagedOlderSegmentIsCutAndLaterSegmentsAreMovedAsideNotDeleted() throws IOException {
        Path data = tmp.resolve("d");
        List<List<Msg>> all = build(data, 80, 17);
        List<Path> logs = segmentFiles(data, ".log");
        assertThat(logs.size()).isGreaterThan(2);
        // Damage the very last batch of the first segment: the index's tail scan finds it.
        long firstSegmentSize = Files.size(logs.get(0));
        flipByte(logs.get(0), (int) firstSegmentSize - 1);
        long secondBase = Long.parseLong(logs.get(1).getFileName().toString().substring(0, 20));
        int batchesInFirst = firstBatchOfLastSegment(all, secondBase);
        try (LogManager m = LogManager.open(data, CONFIG)) {
            assertHolds(m.partition("t", 0), all, batchesInFirst - 1);
        }
        for (int i = 1; i < logs.size(); i++) {
            assertThat(logs.get(i).resolveSibling(logs.get(i).getFileName() + ".orphaned")).exists();
            assertThat(logs.get(i)).doesNotExist();
        }
    }

    @Test
    void emptyAndTinyLastSegmentsRecover() throws IOException {
        Path data = tmp.resolve("d");
        try (LogManager m = LogManager.open(data, CONFIG)) {
            m.createTopic("t", 1);
        }
        Path seg0 = partitionDir(data).resolve(BatchFormat.fileName(0, BatchFormat.LOG_SUFFIX));
        Files.write(seg0, new byte[] {0, 0, 0});
        Files.deleteIfExists(partitionDir(data).resolve(BatchFormat.CLEAN_MARKER));
        try (LogManager m = LogManager.open(data, CONFIG)) {
            assertThat(m.partition("t", 0).endOffset()).isZero();
            assertThat(Files.size(seg0)).isZero();
            Msg.append(m.partition("t", 0), List.of(Msg.of("a", "b")));
        }
        // A partition directory whose segment files are all gone starts empty at 0.
        Files.delete(seg0);
        Files.deleteIfExists(partitionDir(data).resolve(BatchFormat.fileName(0, BatchFormat.INDEX_SUFFIX)));
        try (LogManager m = LogManager.open(data, CONFIG)) {
            assertThat(m.partition("t", 0).endOffset()).isZero();
        }
    }

    private static void flipByte(Path file, int pos) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, pos);
            b.put(0, (byte) (b.get(0) ^ 0x5A)).rewind();
            ch.write(b, pos);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(p);
            }
        }
    }
}
