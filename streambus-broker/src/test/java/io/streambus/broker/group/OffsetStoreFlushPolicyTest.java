package io.streambus.broker.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.log.FlushPolicy;
import io.streambus.broker.log.Fsyncs;
import io.streambus.common.TopicPartition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed-offsets log follows the broker's flush policy like the data it points into. */
class OffsetStoreFlushPolicyTest {
    private static final int COMMITS = 200;

    @TempDir
    Path dataDir;

    private static List<CompletableFuture<Void>> commitAll(OffsetStore s) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < COMMITS; i++) {
            all.add(s.commit("g", Map.of(new TopicPartition("t", i % 4), new CommittedOffset(i, "", i))));
        }
        return all;
    }

    private static void join(List<CompletableFuture<Void>> all) throws Exception {
        CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
    }

    @Test
    void osPolicyCommitsWithoutAnyForce() throws Exception {
        try (OffsetStore s = OffsetStore.open(dataDir, OffsetStore.DEFAULT_COMPACTION_THRESHOLD_BYTES,
                FlushPolicy.OS)) {
            long before = Fsyncs.total();
            for (CompletableFuture<Void> f : commitAll(s)) {
                f.get(10, TimeUnit.SECONDS); // one at a time, as a sync committer does
            }
            assertThat(Fsyncs.total() - before).as("fsyncs for %d commits", COMMITS).isZero();
        }
        try (OffsetStore s = OffsetStore.open(dataDir, OffsetStore.DEFAULT_COMPACTION_THRESHOLD_BYTES,
                FlushPolicy.OS)) {
            assertThat(s.offset("g", new TopicPartition("t", 3))).isEqualTo(new CommittedOffset(199, "", 199));
        }
    }

    @Test
    void everyWriteForcesOncePerBatchAtMostOncePerCommit() throws Exception {
        try (OffsetStore s = OffsetStore.open(dataDir, OffsetStore.DEFAULT_COMPACTION_THRESHOLD_BYTES,
                FlushPolicy.EVERY_WRITE)) {
            long before = Fsyncs.total();
            join(commitAll(s));
            assertThat(Fsyncs.total() - before).isBetween(1L, (long) COMMITS);
        }
    }

    @Test
    void intervalPolicyForcesWhenIdle() throws Exception {
        try (OffsetStore s = OffsetStore.open(dataDir, OffsetStore.DEFAULT_COMPACTION_THRESHOLD_BYTES,
                FlushPolicy.interval(Duration.ofMillis(20)))) {
            long before = Fsyncs.total();
            join(commitAll(s));
            await().atMost(Duration.ofSeconds(10)).until(() -> Fsyncs.total() > before);
        }
    }
}
