package io.streambus.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {
    private static final int BIG = 1 << 20;

    @TempDir
    Path dir;

    private static void fill(PartitionLog log, int batches) {
        for (int i = 0; i < batches; i++) {
            Msg.append(log, List.of(Msg.sized(10, 90), Msg.sized(10, 90))); // 29 + 2 * 128 = 285 bytes
        }
    }

    private long segmentFiles(PartitionLog log) throws Exception {
        try (Stream<Path> s = Files.list(log.directory())) {
            return s.filter(p -> p.toString().endsWith(".log")).count();
        }
    }

    @Test
    void retentionBySizeDeletesOldestSegmentsAndAdvancesTheStart() throws Exception {
        LogConfig config = LogConfig.builder().segmentBytes(1000).retentionBytes(2000).build();
        try (LogManager m = LogManager.open(dir, config)) {
            m.createTopic("t", 1);
            PartitionLog log = m.partition("t", 0);
            fill(log, 40); // 3 batches (855 bytes) per segment, 14 segments
            long before = log.sizeInBytes();
            assertThat(before).isEqualTo(40 * 285);
            int deleted = m.enforceRetention(System.currentTimeMillis());
            assertThat(deleted).isPositive();
            assertThat(log.sizeInBytes()).isBetween(2000L, 2000L + 855);
            assertThat(segmentFiles(log)).isEqualTo(log.segmentCount());
            long start = log.startOffset();
            assertThat(start).isEqualTo(2L * 3 * deleted);
            assertThat(Msg.read(log, start - 1, BIG, BIG)).as("below start: nothing").isEmpty();
            assertThat(Msg.read(log, 0, BIG, BIG)).isEmpty();
            assertThat(Msg.read(log, start, 1, BIG)).extracting(Msg::offset).containsExactly(start);
            assertThat(Msg.readAll(log, start, 500)).hasSize((int) (80 - start));
            assertThat(m.enforceRetention(System.currentTimeMillis())).as("nothing more to do").isZero();
        }
        try (LogManager m = LogManager.open(dir, config)) {
            PartitionLog log = m.partition("t", 0);
            assertThat(log.startOffset()).isPositive();
            assertThat(log.endOffset()).isEqualTo(80);
            assertThat(Msg.read(log, log.startOffset(), 1, BIG)).hasSize(1);
        }
    }

    @Test
    void retentionByAgeDeletesSegmentsWhoseNewestBatchIsTooOld() {
        LogConfig config = LogConfig.builder().segmentBytes(1000).retentionTime(Duration.ofHours(1)).build();
        try (LogManager m = LogManager.open(dir, config)) {
            m.createTopic("t", 1);
            PartitionLog log = m.partition("t", 0);
            fill(log, 10);
            int segments = log.segmentCount();
            long now = System.currentTimeMillis();
            assertThat(m.enforceRetention(now)).isZero();
            assertThat(m.enforceRetention(now + Duration.ofMinutes(59).toMillis())).isZero();
            assertThat(m.enforceRetention(now + Duration.ofHours(2).toMillis()))
                    .as("the idle active segment is rolled and deleted too").isEqualTo(segments);
            assertThat(log.segmentCount()).as("a new, empty active segment").isEqualTo(1);
            assertThat(log.startOffset()).isEqualTo(20);
            assertThat(log.endOffset()).isEqualTo(20);
            assertThat(Msg.read(log, 18, BIG, BIG)).isEmpty();
            assertThat(Msg.append(log, List.of(Msg.of("a", "b"))).baseOffset()).isEqualTo(20);
        }
    }

    @Test
    void retentionBytesZeroKeepsOnlyTheActiveSegment() {
        // 0 is a limit like any other (not "unlimited", which is -1): every closed segment goes.
        LogConfig config = LogConfig.builder().segmentBytes(600).retentionBytes(0).build();
        try (LogManager m = LogManager.open(dir, config)) {
            m.createTopic("t", 1);
            PartitionLog log = m.partition("t", 0);
            fill(log, 6); // 2 batches (570 bytes) per segment: 3 segments, the last one active
            assertThat(log.segmentCount()).isEqualTo(3);
            assertThat(m.enforceRetention(System.currentTimeMillis())).isEqualTo(2);
            assertThat(log.segmentCount()).isEqualTo(1);
            assertThat(log.startOffset()).isEqualTo(8);
            assertThat(Msg.readAll(log, 8, 500)).hasSize(4);
        }
    }

    @Test
    void retentionNeverDeletesTheActiveSegment() {
        LogConfig config = LogConfig.builder().segmentBytes(1 << 20).retentionBytes(0).build();
        try (LogManager m = LogManager.open(dir, config)) {
            m.createTopic("t", 1);
            PartitionLog log = m.partition("t", 0);
            fill(log, 5);
            assertThat(m.enforceRetention(Long.MAX_VALUE)).isZero();
            assertThat(log.startOffset()).isZero();
            assertThat(Msg.read(log, 0, BIG, BIG)).hasSize(10);
        }
    }

    @Test
    void theBackgroundTaskAppliesRetention() {
        LogConfig config = LogConfig.builder().segmentBytes(600).retentionTime(Duration.ofMillis(1))
                .retentionCheckInterval(Duration.ofMillis(20)).build();
        try (LogManager m = LogManager.open(dir, config)) {
            m.createTopic("t", 1);
            PartitionLog log = m.partition("t", 0);
            fill(log, 6);
            // Everything expires within a few ms, the idle active segment included.
            await().atMost(Duration.ofSeconds(5)).until(() -> log.startOffset() == 12);
            assertThat(log.endOffset()).isEqualTo(12);
            assertThat(log.segmentCount()).isEqualTo(1);
        }
    }

    @Test
    void withoutRetentionNothingIsDeleted() {
        try (LogManager m = LogManager.open(dir, LogConfig.builder().segmentBytes(600).build())) {
            m.createTopic("t", 1);
            fill(m.partition("t", 0), 6);
            assertThat(m.enforceRetention(Long.MAX_VALUE)).isZero();
            assertThat(m.partition("t", 0).startOffset()).isZero();
        }
    }
}
