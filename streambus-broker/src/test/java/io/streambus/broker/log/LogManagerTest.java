package io.streambus.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogManagerTest {
    @TempDir
    Path dir;

    @Test
    void createListAndDeleteTopics() {
        try (LogManager m = LogManager.open(dir, LogConfig.defaults())) {
            assertThat(m.topics()).isEmpty();
            assertThat(m.createTopic("orders", 3)).isEqualTo(CreateTopicResult.CREATED);
            assertThat(m.createTopic("orders", 3)).isEqualTo(CreateTopicResult.ALREADY_EXISTS);
            assertThat(m.createTopic("a.b-c_D9", 1).created()).isTrue();
            assertThatThrownBy(() -> m.createTopic("orders", 2)).isInstanceOfSatisfying(TopicExistsException.class,
                    e -> {
                        assertThat(e.getMessage()).isEqualTo(
                                "topic orders already exists with 3 partitions, cannot recreate with 2 partitions");
                        assertThat(e.errorCode()).isEqualTo(9);
                        assertThat(e.existingPartitions()).isEqualTo(3);
                    });
            assertThat(m.topics()).containsExactly(Map.entry("a.b-c_D9", 1), Map.entry("orders", 3));
            assertThat(m.partitionCount("orders")).isEqualTo(3);
            assertThat(m.partitionCount("nope")).isEqualTo(-1);
            assertThat(Files.isDirectory(dir.resolve("topics/orders/partition-2"))).isTrue();

            m.deleteTopic("orders");
            assertThat(m.topics()).containsOnlyKeys("a.b-c_D9");
            assertThat(dir.resolve("topics/orders")).doesNotExist();
            assertThat(dir.resolve("staging")).satisfiesAnyOf(p -> assertThat(p).doesNotExist(),
                    p -> assertThat(p).isEmptyDirectory());
            assertThatThrownBy(() -> m.deleteTopic("orders")).isInstanceOfSatisfying(UnknownTopicException.class,
                    e -> {
                        assertThat(e.getMessage()).isEqualTo("topic orders does not exist");
                        assertThat(e.errorCode()).isEqualTo(8);
                    });
            assertThat(m.createTopic("orders", 2)).as("recreated with another count").isEqualTo(
                    CreateTopicResult.CREATED);
        }
    }

    @Test
    void unknownTopicsAndPartitionsGetTypedErrors() {
        try (LogManager m = LogManager.open(dir, LogConfig.defaults())) {
            m.createTopic("t", 2);
            assertThatThrownBy(() -> m.partition("x", 0)).isInstanceOf(UnknownTopicException.class);
            assertThatThrownBy(() -> m.partition(null, 0)).isInstanceOf(UnknownTopicException.class);
            assertThatThrownBy(() -> m.partition("t", 2)).isInstanceOfSatisfying(UnknownPartitionException.class,
                    e -> {
                        assertThat(e.getMessage()).isEqualTo("partition 2 does not exist in topic t");
                        assertThat(e.errorCode()).isEqualTo(8);
                        assertThat(e.partition()).isEqualTo(2);
                    });
            assertThatThrownBy(() -> m.partition("t", -1)).isInstanceOfSatisfying(UnknownPartitionException.class,
                    e -> assertThat(e.getMessage()).contains("partition 4294967295"));
            assertThat(m.partition("t", 1).partition()).isEqualTo(1);
            assertThat(m.partition("t", 1).topic()).isEqualTo("t");
        }
    }

    @Test
    void invalidNamesAndCountsAreRefused() {
        try (LogManager m = LogManager.open(dir, LogConfig.defaults())) {
            for (String bad : new String[] {"", ".", "..", "a/b", "../x", "a\\b", "x".repeat(250), "ä", "a b",
                    "a\0"}) {
                assertThatThrownBy(() -> m.createTopic(bad, 1)).as(bad).isInstanceOfSatisfying(
                        InvalidTopicException.class, e -> assertThat(e.errorCode()).isEqualTo(2));
            }
            assertThatThrownBy(() -> m.createTopic(null, 1)).isInstanceOf(InvalidTopicException.class);
            assertThat(m.createTopic("x".repeat(249), 1).created()).isTrue();
            assertThat(m.createTopic("...", 1).created()).isTrue();
            for (int count : new int[] {0, -1, LogManager.MAX_PARTITIONS + 1}) {
                assertThatThrownBy(() -> m.createTopic("c", count)).isInstanceOf(InvalidTopicException.class);
            }
            assertThat(m.topics()).doesNotContainKey("c");
            assertThat(dir.resolve("x")).doesNotExist();
        }
    }

    @Test
    void topicsAndDataSurviveAReopen() {
        try (LogManager m = LogManager.open(dir, LogConfig.defaults())) {
            m.createTopic("a", 2);
            m.createTopic("b", 1);
            Msg.append(m.partition("a", 1), List.of(Msg.of("k", "v1"), Msg.of("k", "v2")));
            Msg.append(m.partition("b", 0), List.of(Msg.of("k", "b")));
            m.deleteTopic("b");
            m.createTopic("c", 1);
        }
        try (LogManager m = LogManager.open(dir, LogConfig.defaults())) {
            assertThat(m.topics()).containsExactly(Map.entry("a", 2), Map.entry("c", 1));
            assertThat(m.partition("a", 0).endOffset()).isZero();
            assertThat(Msg.read(m.partition("a", 1), 0, 100, 1000)).extracting(Msg::valueString)
                    .containsExactly("v1", "v2");
            assertThat(Msg.append(m.partition("a", 1), List.of(Msg.of("k", "v3"))).baseOffset()).isEqualTo(2);
        }
    }

    @Test
    void leftoversOfInterruptedCreateAndDeleteAreCleanedAtOpen() throws Exception {
        Files.createDirectories(dir.resolve("staging/123/half/partition-0"));
        Files.createDirectories(dir.resolve("deleted/456/old/partition-0"));
        Files.write(dir.resolve("deleted/456/old/partition-0/00000000000000000000.log"), new byte[10]);
        Files.createDirectories(dir.resolve("topics/empty"));
        Files.createDirectories(dir.resolve("topics/gap/partition-2"));
        try (LogManager m = LogManager.open(dir, LogConfig.defaults())) {
            assertThat(dir.resolve("staging/123")).doesNotExist();
            assertThat(dir.resolve("deleted/456")).doesNotExist();
            assertThat(m.topics()).as("a topic without partitions is ignored; a gap is filled")
                    .containsExactly(Map.entry("gap", 3));
            assertThatThrownBy(() -> m.createTopic("empty", 1)).isInstanceOf(StorageException.class);
        }
    }

    @Test
    void aDataDirectoryServesOneManagerAtATime() {
        LogManager first = LogManager.open(dir, LogConfig.defaults());
        try {
            assertThatThrownBy(() -> LogManager.open(dir, LogConfig.defaults()))
                    .isInstanceOfSatisfying(StorageException.class, e -> {
                        assertThat(e.getMessage()).contains("in use");
                        assertThat(e.errorCode()).isEqualTo(7);
                    });
        } finally {
            first.close();
        }
        LogManager.open(dir, LogConfig.defaults()).close();
    }

    @Test
    void stalePartitionsFailWithTypedErrors() {
        LogManager m = LogManager.open(dir, LogConfig.defaults());
        m.createTopic("t", 1);
        m.createTopic("u", 1);
        PartitionLog t = m.partition("t", 0);
        PartitionLog u = m.partition("u", 0);
        m.deleteTopic("t");
        assertThatThrownBy(() -> Msg.append(t, List.of(Msg.of("k", "v")))).isInstanceOf(UnknownTopicException.class);
        assertThatThrownBy(() -> t.read(0, 1, 100)).isInstanceOf(UnknownTopicException.class);
        m.close();
        m.close();
        assertThatThrownBy(() -> Msg.append(u, List.of(Msg.of("k", "v")))).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> u.read(0, 1, 100)).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> m.partition("u", 0)).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> m.createTopic("v", 1)).isInstanceOf(StorageException.class);
        assertThatThrownBy(m::topics).isInstanceOf(StorageException.class);
    }

    @Test
    void closeLeavesACleanShutdownMarkerThatOpenRemoves() {
        Path marker = dir.resolve("topics/t/partition-0").resolve(BatchFormat.CLEAN_MARKER);
        try (LogManager m = LogManager.open(dir, LogConfig.defaults())) {
            m.createTopic("t", 1);
            assertThat(marker).doesNotExist();
        }
        assertThat(marker).exists();
        try (LogManager m = LogManager.open(dir, LogConfig.defaults())) {
            assertThat(marker).doesNotExist();
            assertThat(m.topics()).containsOnlyKeys("t");
        }
    }

    @Test
    void configValidationAndFlushPolicyParsing() {
        assertThat(FlushPolicy.parse("every-write")).isEqualTo(FlushPolicy.EVERY_WRITE);
        assertThat(FlushPolicy.parse("OS")).isEqualTo(FlushPolicy.OS);
        assertThat(FlushPolicy.parse("250ms")).isEqualTo(FlushPolicy.interval(java.time.Duration.ofMillis(250)));
        assertThat(FlushPolicy.parse("2s").interval()).isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(FlushPolicy.parse("1000").toString()).isEqualTo("1000ms");
        assertThatThrownBy(() -> FlushPolicy.parse("sometimes")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sometimes");
        assertThatThrownBy(() -> FlushPolicy.parse("0ms")).isInstanceOf(IllegalArgumentException.class);
        LogConfig d = LogConfig.defaults();
        assertThat(d.flushPolicy()).isEqualTo(FlushPolicy.EVERY_WRITE);
        assertThat(d.segmentBytes()).isEqualTo(64 * 1024 * 1024);
        assertThat(d.indexIntervalBytes()).isEqualTo(4096);
        assertThat(d.retentionBytes()).isEqualTo(-1);
        assertThat(d.retentionTime()).isNull();
        assertThat(d.toBuilder().segmentBytes(100).build().segmentBytes()).isEqualTo(100);
        assertThatThrownBy(() -> LogConfig.builder().segmentBytes(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogConfig.builder().retentionBytes(-2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogConfig.builder().retentionTime(java.time.Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
