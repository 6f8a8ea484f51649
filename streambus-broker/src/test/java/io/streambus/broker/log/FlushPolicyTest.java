package io.streambus.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlushPolicyTest {
    @TempDir
    Path dir;

    private static LogManager open(Path dir, FlushPolicy policy) {
        LogManager m = LogManager.open(dir, LogConfig.builder().flushPolicy(policy).build());
        m.createTopic("t", 1);
        return m;
    }

    @Test
    void everyWriteLeavesNothingUnflushed() {
        try (LogManager m = open(dir, FlushPolicy.EVERY_WRITE)) {
            Msg.append(m.partition("t", 0), List.of(Msg.of("k", "v")));
            assertThat(m.partition("t", 0).hasUnflushedData()).isFalse();
        }
    }

    @Test
    void intervalPolicyFlushesInTheBackground() {
        try (LogManager m = open(dir, FlushPolicy.interval(Duration.ofMillis(10)))) {
            PartitionLog log = m.partition("t", 0);
            for (int i = 0; i < 3; i++) {
                Msg.append(log, List.of(Msg.of("k", "v" + i)));
                await().atMost(Duration.ofSeconds(5)).until(() -> !log.hasUnflushedData());
            }
        }
    }

    @Test
    void osPolicyFlushesOnlyWhenAsked() {
        try (LogManager m = open(dir, FlushPolicy.OS)) {
            PartitionLog log = m.partition("t", 0);
            Msg.append(log, List.of(Msg.of("k", "v")));
            // Showing that no background flush happens takes a window of time: the manager's scheduler has no clock
            // to inject. Ten times the interval the interval-policy test flushes at.
            await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(log::hasUnflushedData);
            m.flushAll();
            assertThat(log.hasUnflushedData()).isFalse();
        }
    }
}
