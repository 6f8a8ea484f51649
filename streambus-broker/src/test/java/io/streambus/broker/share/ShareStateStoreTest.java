package io.streambus.broker.share;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.log.FlushPolicy;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The share state log: replay, torn tails, compaction on open and while running, and the cost per record. */
class ShareStateStoreTest {
    @TempDir
    Path dir;

    private static ShareStateStore.Delta delta(long spso, long... acked) {
        List<ShareStateStore.Entry> entries = new ArrayList<>();
        for (long o : acked) {
            entries.add(new ShareStateStore.Entry(o, RecordState.ACKNOWLEDGED, 1, ArchiveReason.REJECT));
        }
        return new ShareStateStore.Delta("group", "topic", 0, spso, entries);
    }

    @Test
    void replaysSettingsDeltasAndDeletionsAndCutsATornTail() throws Exception {
        ShareGroupSettings s = new ShareGroupSettings(7, 2000, "dlq", 1, 50);
        try (ShareStateStore store = ShareStateStore.open(dir, FlushPolicy.EVERY_WRITE)) {
            CompletableFuture.allOf(store.appendSettings("group", s), store.appendDelta(delta(0)),
                    store.appendDelta(new ShareStateStore.Delta("group", "topic", 0, 0, List.of(
                            new ShareStateStore.Entry(3, RecordState.ACQUIRED, 2, ArchiveReason.REJECT),
                            new ShareStateStore.Entry(4, RecordState.ARCHIVING, 5, ArchiveReason.LOCK_TIMEOUT)))),
                    store.appendDelta(new ShareStateStore.Delta("group", "other", 1, 0, List.of())),
                    store.appendDeleteTopic("other"), store.appendSettings("gone", s), store.appendDeleteGroup("gone"))
                    .get(10, TimeUnit.SECONDS);
        }
        // A torn record at the end (a crash in the middle of a write).
        try (FileChannel ch = FileChannel.open(dir.resolve("__share_groups/state.log"), StandardOpenOption.APPEND)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {0, 0, 0, 50, 1, 2, 3}));
        }
        try (ShareStateStore store = ShareStateStore.open(dir, FlushPolicy.OS)) {
            assertThat(store.restored()).containsOnlyKeys("group");
            ShareStateStore.GroupImage g = store.restored().get("group");
            assertThat(g.settings).isEqualTo(s);
            assertThat(g.partitions).hasSize(1);
            SharePartition p = g.partitions.values().iterator().next();
            assertThat(p.get(3).state).isEqualTo(RecordState.ACQUIRED);
            assertThat(p.get(3).count).isEqualTo(2);
            assertThat(p.get(4).reason).isEqualTo(ArchiveReason.LOCK_TIMEOUT);
            assertThat(p.speo()).isEqualTo(5);
        }
    }

    @Test
    void compactsWhileRunningAndCostsAFewBytesPerAcknowledgedRecord() throws Exception {
        try (ShareStateStore store = ShareStateStore.open(dir, FlushPolicy.OS)) {
            long before = store.bytesWritten();
            store.appendDelta(delta(0, 0)).get(10, TimeUnit.SECONDS);
            long one = store.bytesWritten() - before;
            store.appendDelta(delta(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)).get(10, TimeUnit.SECONDS);
            long eleven = store.bytesWritten() - before - one;
            // Header (length, CRC, type), group and topic names, partition, SPSO, count, then 16 bytes per run.
            assertThat(one).isEqualTo(4 + 4 + 1 + 2 + 5 + 2 + 5 + 4 + 8 + 4 + ShareStateStore.ENTRY_BYTES);
            assertThat(eleven - one).isEqualTo(9L * ShareStateStore.ENTRY_BYTES);
            // One run covers any number of consecutive offsets with the same state and count.
            store.appendDelta(new ShareStateStore.Delta("group", "topic", 0, 0, List.of(new ShareStateStore.Entry(
                    0, 500, RecordState.ACQUIRED, 1, ArchiveReason.REJECT)))).get(10, TimeUnit.SECONDS);
            assertThat(store.bytesWritten() - before - one - eleven).isEqualTo(one);

            store.compactWith(out -> {
                out.settings("group", ShareGroupSettings.DEFAULTS);
                out.partition(delta(1000));
            }, 4096);
            List<CompletableFuture<Void>> fs = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                fs.add(store.appendDelta(delta(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)));
            }
            CompletableFuture.allOf(fs.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
            assertThat(store.compactions()).isPositive();
        }
        // Compaction starts once the log holds more than the threshold: it may end at exactly the threshold.
        assertThat(Files.size(dir.resolve("__share_groups/state.log"))).isLessThanOrEqualTo(4096);
        try (ShareStateStore store = ShareStateStore.open(dir, FlushPolicy.OS)) {
            assertThat(store.restored().get("group").partitions.values().iterator().next().spso()).isEqualTo(1000);
        }
    }
}
