package io.streambus.broker.group;

import io.streambus.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OffsetStoreTest {

    @TempDir
    Path dataDir;

    private static TopicPartition tp(String t, int p) {
        return new TopicPartition(t, p);
    }

    private static CommittedOffset off(long o, String meta) {
        return new CommittedOffset(o, meta, 1000 + o);
    }

    private static void await(CompletableFuture<?> f) throws Exception {
        f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void membershipRecordsAreReplacedClearedAndKeptByCompaction() throws Exception {
        try (OffsetStore s = OffsetStore.open(dataDir, 64)) { // tiny threshold: compacts while running
            for (int i = 1; i <= 20; i++) {
                await(s.putMembership("g1", new byte[] {1, (byte) i}));
            }
            await(s.putMembership("g2", new byte[] {2}));
            await(s.putMembership("g2", new byte[0]));
            assertThat(s.membership("g1")).containsExactly(1, 20);
            assertThat(s.membership("g2")).isNull();
            assertThat(s.groups()).containsExactly("g1");
            assertThat(s.compactions()).isPositive();
            // Too large for one record: refused alone, the commit queued with it is stored.
            CompletableFuture<Void> big = s.putMembership("g3", new byte[OffsetStore.MAX_RECORD_BYTES]);
            await(s.commit("g3", Map.of(tp("orders", 0), off(5, ""))));
            assertThat(big).isCompletedExceptionally();
            assertThat(s.membership("g3")).isNull();
        }
        try (OffsetStore s = OffsetStore.open(dataDir)) {
            assertThat(s.membership("g1")).containsExactly(1, 20);
            assertThat(s.offset("g3", tp("orders", 0))).isEqualTo(off(5, ""));
            await(s.deleteGroup("g1"));
            assertThat(s.membership("g1")).isNull();
        }
    }

    @Test
    void everythingSurvivesReopen() throws Exception {
        try (OffsetStore s = OffsetStore.open(dataDir)) {
            await(s.commit("g1", Map.of(tp("orders", 0), off(10, "a"), tp("orders", 1), off(20, "\u00e9t\u00e9"))));
            await(s.commit("g1", Map.of(tp("orders", 0), off(11, "b"))));
            await(s.commit("g2", Map.of(tp("payments", 3), off(7, ""))));
            await(s.putGroup("g1", new StoredGroup("consumer", 5555)));
            await(s.putGroup("g3", new StoredGroup("consumer", -1)));
            assertThat(s.offset("g1", tp("orders", 0))).isEqualTo(off(11, "b"));
        }
        try (OffsetStore s = OffsetStore.open(dataDir)) {
            assertThat(s.groups()).containsExactlyInAnyOrder("g1", "g2", "g3");
            assertThat(s.offsets("g1")).isEqualTo(Map.of(tp("orders", 0), off(11, "b"),
                    tp("orders", 1), off(20, "\u00e9t\u00e9")));
            assertThat(s.offsets("g2")).isEqualTo(Map.of(tp("payments", 3), off(7, "")));
            assertThat(s.storedGroup("g1")).isEqualTo(new StoredGroup("consumer", 5555));
            assertThat(s.storedGroup("g3")).isEqualTo(new StoredGroup("consumer", -1));
            assertThat(s.offsets("g3")).isEmpty();
            assertThat(s.offsets("nope")).isEmpty();
        }
    }

    @Test
    void tombstonesForPartitionsGroupsAndTopics() throws Exception {
        try (OffsetStore s = OffsetStore.open(dataDir)) {
            await(s.commit("g1", Map.of(tp("a", 0), off(1, ""), tp("b", 0), off(2, ""), tp("b", 1), off(3, ""))));
            await(s.commit("g2", Map.of(tp("b", 0), off(4, ""), tp("c", 0), off(5, ""))));
            await(s.commit("g3", Map.of(tp("b", 2), off(6, ""))));
            await(s.commit("g4", Map.of(tp("x", 0), off(6, ""))));
            await(s.putGroup("g4", new StoredGroup("consumer", 1)));
            await(s.deleteTopic("b"));
            await(s.deletePartitions("g1", List.of(tp("a", 0))));
            await(s.deleteGroup("g4"));
            assertThat(s.groups()).containsExactlyInAnyOrder("g2");
        }
        try (OffsetStore s = OffsetStore.open(dataDir)) {
            assertThat(s.groups()).containsExactly("g2");
            assertThat(s.offsets("g2")).isEqualTo(Map.of(tp("c", 0), off(5, "")));
        }
    }

    @Test
    void tornTailIsTruncatedAtAnyPosition() throws Exception {
        Path origin = dataDir.resolve("origin");
        List<Long> ends = new ArrayList<>();
        List<Map<TopicPartition, CommittedOffset>> states = new ArrayList<>();
        Map<TopicPartition, CommittedOffset> state = new HashMap<>();
        try (OffsetStore s = OffsetStore.open(origin)) {
            ends.add(s.fileSize());
            states.add(Map.copyOf(state));
            for (int i = 0; i < 40; i++) {
                Map<TopicPartition, CommittedOffset> commit = Map.of(tp("t", i % 3), off(i, "m" + i),
                        tp("u", i % 2), off(i * 2L, ""));
                await(s.commit("g", commit));
                state.putAll(commit);
                ends.add(s.fileSize());
                states.add(Map.copyOf(state));
            }
        }
        Path log = origin.resolve(OffsetStore.DIRECTORY).resolve(OffsetStore.FILE);
        byte[] full = Files.readAllBytes(log);
        assertThat((long) full.length).isEqualTo(ends.get(ends.size() - 1));
        Random random = new Random(11);
        for (int round = 0; round < 25; round++) {
            int cut = round == 0 ? full.length - 1 : OffsetStore.MAGIC.length + random.nextInt(
                    full.length - OffsetStore.MAGIC.length);
            Path copy = dataDir.resolve("cut-" + round);
            Path dir = copy.resolve(OffsetStore.DIRECTORY);
            Files.createDirectories(dir);
            Files.write(dir.resolve(OffsetStore.FILE), java.util.Arrays.copyOf(full, cut));
            int complete = 0;
            while (complete + 1 < ends.size() && ends.get(complete + 1) <= cut) {
                complete++;
            }
            try (OffsetStore s = OffsetStore.open(copy)) {
                assertThat(s.offsets("g")).as("cut at %d", cut).isEqualTo(states.get(complete));
                await(s.commit("g", Map.of(tp("after", 0), off(99, "x"))));
            }
            try (OffsetStore s = OffsetStore.open(copy)) {
                assertThat(s.offset("g", tp("after", 0))).isEqualTo(off(99, "x"));
                assertThat(s.offsets("g")).hasSize(states.get(complete).size() + 1);
            }
        }
    }

    @Test
    void corruptedRecordEndsRecovery() throws Exception {
        long secondRecordStart;
        try (OffsetStore s = OffsetStore.open(dataDir)) {
            await(s.commit("g", Map.of(tp("t", 0), off(1, ""))));
            secondRecordStart = s.fileSize();
            await(s.commit("g", Map.of(tp("t", 0), off(2, ""))));
            await(s.commit("g", Map.of(tp("t", 0), off(3, ""))));
        }
        Path log = dataDir.resolve(OffsetStore.DIRECTORY).resolve(OffsetStore.FILE);
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
            f.seek(secondRecordStart + 12);
            int b = f.read();
            f.seek(secondRecordStart + 12);
            f.write(b ^ 0xFF);
        }
        try (OffsetStore s = OffsetStore.open(dataDir)) {
            assertThat(s.offset("g", tp("t", 0))).isEqualTo(off(1, ""));
            assertThat(s.fileSize()).isEqualTo(secondRecordStart);
        }
    }

    @Test
    void compactionWhileRunningKeepsLatestValues() throws Exception {
        long threshold = 4096;
        try (OffsetStore s = OffsetStore.open(dataDir, threshold)) {
            for (int i = 0; i < 300; i++) {
                await(s.commit("g" + (i % 3), Map.of(tp("t", i % 5), off(i, "meta-" + i))));
                if (i == 150) {
                    await(s.putGroup("g1", new StoredGroup("consumer", 42)));
                    await(s.deleteGroup("g2"));
                }
            }
            assertThat(s.compactions()).isGreaterThan(0);
            assertThat(s.fileSize()).isLessThan(3 * threshold);
            // values as they are now
            assertThat(s.offset("g0", tp("t", 2))).isEqualTo(off(297, "meta-297"));
        }
        try (OffsetStore s = OffsetStore.open(dataDir, threshold)) {
            assertThat(s.offset("g0", tp("t", 2))).isEqualTo(off(297, "meta-297"));
            assertThat(s.offset("g1", tp("t", 3))).isEqualTo(off(298, "meta-298"));
            assertThat(s.offset("g2", tp("t", 4))).isEqualTo(off(299, "meta-299")); // recommitted after deletion
            assertThat(s.offset("g2", tp("t", 0))).isEqualTo(off(290, "meta-290"));
            assertThat(s.storedGroup("g1")).isEqualTo(new StoredGroup("consumer", 42));
            assertThat(s.offsets("g0")).hasSize(5);
            assertThat(s.offsets("g1")).hasSize(5);
            assertThat(s.offsets("g2")).hasSize(5);
        }
        assertThat(Files.exists(dataDir.resolve(OffsetStore.DIRECTORY).resolve(OffsetStore.COMPACT_FILE))).isFalse();
    }

    @Test
    void supersededRecordsAreCompactedAtOpen() throws Exception {
        long before;
        try (OffsetStore s = OffsetStore.open(dataDir)) {
            for (int i = 0; i < 100; i++) {
                await(s.commit("g", Map.of(tp("t", 0), off(i, ""))));
            }
            before = s.fileSize();
        }
        try (OffsetStore s = OffsetStore.open(dataDir)) {
            assertThat(s.compactions()).isEqualTo(1);
            assertThat(s.fileSize()).isLessThan(before / 10);
            assertThat(s.offset("g", tp("t", 0))).isEqualTo(off(99, ""));
        }
        try (OffsetStore s = OffsetStore.open(dataDir)) {
            assertThat(s.compactions()).as("nothing superseded any more").isZero();
            assertThat(s.offset("g", tp("t", 0))).isEqualTo(off(99, ""));
        }
    }

    @Test
    void secondOpenOfTheSameDirectoryIsRefused() throws Exception {
        try (OffsetStore s = OffsetStore.open(dataDir)) {
            assertThatThrownBy(() -> OffsetStore.open(dataDir)).isInstanceOf(IOException.class)
                    .hasMessageContaining("in use");
            assertThat(s.groups()).isEmpty();
        }
        OffsetStore.open(dataDir).close(); // released on close
    }

    @Test
    void foreignFileIsNotTouched() throws Exception {
        Path dir = dataDir.resolve(OffsetStore.DIRECTORY);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(OffsetStore.FILE), "something else entirely");
        assertThatThrownBy(() -> OffsetStore.open(dataDir)).isInstanceOf(IOException.class)
                .hasMessageContaining("not a StreamBus offsets log");
        assertThat(Files.readString(dir.resolve(OffsetStore.FILE))).isEqualTo("something else entirely");
    }

    @Test
    void unknownRecordTypeWithValidChecksumStopsTheStart() throws Exception {
        try (OffsetStore s = OffsetStore.open(dataDir)) {
            await(s.commit("g", Map.of(tp("t", 0), off(1, ""))));
        }
        Path log = dataDir.resolve(OffsetStore.DIRECTORY).resolve(OffsetStore.FILE);
        long size = Files.size(log);
        byte[] body = {99, 1, 2, 3};
        CRC32C crc = new CRC32C();
        crc.update(body);
        ByteBuffer rec = ByteBuffer.allocate(8 + body.length).putInt(body.length).putInt((int) crc.getValue())
                .put(body).flip();
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(rec);
        }
        assertThatThrownBy(() -> OffsetStore.open(dataDir)).isInstanceOf(IOException.class)
                .hasMessageContaining("unknown record type 99");
        assertThat(Files.size(log)).as("nothing truncated").isEqualTo(size + 8 + body.length);
    }

    @Test
    void writesAfterCloseFail() throws Exception {
        OffsetStore s = OffsetStore.open(dataDir);
        s.close();
        assertThat(s.commit("g", Map.of(tp("t", 0), off(1, "")))).isCompletedExceptionally();
    }
}
