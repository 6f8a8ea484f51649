package io.streambus.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.protocol.message.MessageBlock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rolling the active segment by time, and retention by age reaching an idle partition. */
class SegmentRollTest {
    private static final int BIG = 1 << 20;
    private static final long MIN = 60_000;
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    /** Appends one batch of two messages with the given append time. */
    private static AppendResult appendAt(PartitionLog log, long nowMs) {
        MessageBlock b = Msg.block(List.of(Msg.of("k", "v1"), Msg.of("k", "v2")));
        try {
            return log.append(b, nowMs);
        } finally {
            b.release();
        }
    }

    private static List<String> logFiles(PartitionLog log) throws Exception {
        try (Stream<Path> s = Files.list(log.directory())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log")).sorted()
                    .collect(Collectors.toList());
        }
    }

    @Test
    void defaultsAndValidation() {
        assertThat(LogConfig.defaults().segmentTime()).isEqualTo(Duration.ofDays(7));
        assertThat(LogConfig.builder().segmentTime(null).build().segmentTime()).isNull();
        assertThat(LogConfig.builder().segmentTime(Duration.ofHours(1)).build().toBuilder().build().segmentTime())
                .isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> LogConfig.builder().segmentTime(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("segmentTime");
        assertThatThrownBy(() -> LogConfig.builder().segmentTime(Duration.ofMillis(-5)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void appendRollsTheActiveSegmentOnceItsFirstBatchIsOlderThanSegmentTime() throws Exception {
        LogConfig config = LogConfig.builder().segmentTime(Duration.ofHours(1)).build();
        try (LogManager m = LogManager.open(dir, config)) {
            m.createTopic("t", 1);
            PartitionLog log = m.partition("t", 0);
            appendAt(log, T0);
            appendAt(log, T0 + 30 * MIN);
            appendAt(log, T0 + 60 * MIN); // exactly segmentTime old: not yet
            assertThat(log.segmentCount()).isEqualTo(1);
            assertThat(appendAt(log, T0 + 61 * MIN).baseOffset()).isEqualTo(6);
            assertThat(log.segmentCount()).as("rolled by age of the first batch").isEqualTo(2);
            appendAt(log, T0 + 120 * MIN); // the new segment's first batch is 59 minutes old
            assertThat(log.segmentCount()).isEqualTo(2);
            assertThat(logFiles(log)).containsExactly("00000000000000000000.log", "00000000000000000006.log");
            assertThat(Msg.readAll(log, 0, BIG)).extracting(Msg::offset)
                    .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        }
    }

    @Test
    void withoutSegmentTimeNothingRollsByTime() {
        LogConfig config = LogConfig.builder().segmentTime(null).build();
        try (LogManager m = LogManager.open(dir, config)) {
            m.createTopic("t", 1);
            PartitionLog log = m.partition("t", 0);
            appendAt(log, T0);
            appendAt(log, T0 + Duration.ofDays(1000).toMillis());
            assertThat(log.segmentCount()).isEqualTo(1);
        }
    }

    @Test
    void theFirstAppendTimeSurvivesARestart() {
        LogConfig config = LogConfig.builder().segmentTime(Duration.ofHours(1)).build();
        try (LogManager m = LogManager.open(dir, config)) {
            m.createTopic("t", 1);
            PartitionLog log = m.partition("t", 0);
            appendAt(log, T0);
            appendAt(log, T0 + 50 * MIN);
        }
        try (LogManager m = LogManager.open(dir, config)) {
            PartitionLog log = m.partition("t", 0);
            appendAt(log, T0 + 55 * MIN);
            assertThat(log.segmentCount()).isEqualTo(1);
            // 70 minutes after the first batch, 15 after the newest: only the first batch's time triggers the roll.
            assertThat(appendAt(log, T0 + 70 * MIN).baseOffset()).isEqualTo(6);
            assertThat(log.segmentCount()).isEqualTo(2);
        }
    }

    @Test
    void retentionRollsAndDeletesAnIdleActiveSegmentOnceWhollyTooOld() throws Exception {
        // segmentTime null: only the retention task may roll here.
        LogConfig config = LogConfig.builder().segmentTime(null).retentionTime(Duration.ofHours(1)).build();
        try (LogManager m = LogManager.open(dir, config)) {
            m.createTopic("t", 1);
            PartitionLog log = m.partition("t", 0);
            appendAt(log, T0);
            appendAt(log, T0 + 30 * MIN);
            appendAt(log, T0 + 40 * MIN);
            assertThat(m.enforceRetention(T0 + 90 * MIN)).as("newest batch only 50 minutes old").isZero();
            assertThat(log.segmentCount()).isEqualTo(1);
            assertThat(Msg.readAll(log, 0, BIG)).hasSize(6);

            assertThat(m.enforceRetention(T0 + 101 * MIN)).isEqualTo(1);
            assertThat(log.segmentCount()).isEqualTo(1);
            assertThat(log.startOffset()).isEqualTo(6);
            assertThat(log.endOffset()).isEqualTo(6);
            assertThat(log.sizeInBytes()).isZero();
            assertThat(logFiles(log)).containsExactly("00000000000000000006.log");
            assertThat(Msg.read(log, 0, BIG, BIG)).as("below start").isEmpty();
            assertThat(Msg.read(log, 5, BIG, BIG)).isEmpty();
            assertThat(Msg.read(log, 6, BIG, BIG)).isEmpty();

            assertThat(m.enforceRetention(Long.MAX_VALUE)).as("an empty active segment is left alone").isZero();
            assertThat(log.segmentCount()).isEqualTo(1);
            assertThat(log.endOffset()).isEqualTo(6);
        }
    }

    @Test
    void afterTheIdleSegmentIsDeletedRestartsKeepTheNextOffset() throws Exception {
        LogConfig config = LogConfig.builder().retentionTime(Duration.ofHours(1)).build();
        try (LogManager m = LogManager.open(dir, config)) {
            m.createTopic("t", 1);
            PartitionLog log = m.partition("t", 0);
            appendAt(log, T0);
            appendAt(log, T0 + MIN);
            assertThat(m.enforceRetention(T0 + 2 * 60 * MIN)).isEqualTo(1);
            assertThat(log.endOffset()).isEqualTo(4);
        }
        try (LogManager m = LogManager.open(dir, config)) {
            PartitionLog log = m.partition("t", 0);
            assertThat(log.startOffset()).isEqualTo(4);
            assertThat(log.endOffset()).isEqualTo(4);
            assertThat(logFiles(log)).containsExactly("00000000000000000004.log");
        }
        // A crash image (no clean-shutdown marker) of the empty active segment recovers the same way.
        Path partition = dir.resolve("topics/t/partition-0");
        assertThat(Files.deleteIfExists(partition.resolve(BatchFormat.CLEAN_MARKER))).isTrue();
        try (LogManager m = LogManager.open(dir, config)) {
            PartitionLog log = m.partition("t", 0);
            assertThat(log.startOffset()).isEqualTo(4);
            assertThat(log.endOffset()).isEqualTo(4);
            assertThat(Msg.append(log, List.of(Msg.of("a", "b"))).baseOffset()).isEqualTo(4);
            assertThat(Msg.read(log, 4, BIG, BIG)).extracting(Msg::offset).containsExactly(4L);
            assertThat(Msg.read(log, 3, BIG, BIG)).isEmpty();
        }
        try (LogManager m = LogManager.open(dir, config)) {
            PartitionLog log = m.partition("t", 0);
            assertThat(log.startOffset()).isEqualTo(4);
            assertThat(log.endOffset()).isEqualTo(5);
            assertThat(Msg.append(log, List.of(Msg.of("c", "d"))).baseOffset()).isEqualTo(5);
            assertThat(Msg.readAll(log, 4, BIG)).extracting(Msg::offset).containsExactly(4L, 5L);
        }
    }

    @Test
    void sizeRetentionIsUnaffectedByTheIdleRoll() {
        // Age retention configured but nothing is old yet: size retention deletes exactly as before, the active
        // segment keeps its data.
        LogConfig config = LogConfig.builder().segmentBytes(1000).retentionBytes(2000)
                .retentionTime(Duration.ofHours(1)).build();
        try (LogManager m = LogManager.open(dir, config)) {
            m.createTopic("t", 1);
            PartitionLog log = m.partition("t", 0);
            for (int i = 0; i < 40; i++) {
                Msg.append(log, List.of(Msg.sized(10, 90), Msg.sized(10, 90))); // 285 bytes, 3 per segment
            }
            int segments = log.segmentCount();
            int deleted = m.enforceRetention(System.currentTimeMillis() + MIN);
            assertThat(deleted).isPositive().isLessThan(segments);
            assertThat(log.sizeInBytes()).isBetween(2000L, 2000L + 855);
            assertThat(log.startOffset()).isEqualTo(2L * 3 * deleted);
            assertThat(log.endOffset()).isEqualTo(80);
            assertThat(Msg.read(log, 79, BIG, BIG)).extracting(Msg::offset).containsExactly(79L);
        }
    }
}
