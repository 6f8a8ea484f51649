package io.streambus.broker.share;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.log.FlushPolicy;
import io.streambus.protocol.share.AcknowledgeType;
import io.streambus.protocol.share.Acknowledgement;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The share-partition's ring layout: skipping held records, growth and wrap-around, runs in the share state log
 * (split where records diverge), the lock-expiry bound, and recovery of runs (and of the older per-offset format)
 * from the log.
 */
class SharePartitionRingTest {
    private static final ShareGroupSettings SETTINGS = new ShareGroupSettings(3, 1000, "", 0, 100_000);

    @TempDir
    Path dir;

    /** A partition starting at {@code start} with {@code n} offsets examined and acquired by {@code member}. */
    private static SharePartition acquired(long start, int n, String member, long lockEnd) {
        SharePartition p = new SharePartition("t", 0, start);
        for (int i = 0; i < n; i++) {
            p.extend();
            assertThat(p.acquire(start + i, member, lockEnd)).isEqualTo(1);
        }
        return p;
    }

    private static List<Acknowledgement> ack(long first, long last, AcknowledgeType type) {
        return List.of(new Acknowledgement(first, last, type));
    }

    /**
     * The deltas drained after random acquisitions, acknowledgements and expiries, replayed in order as the share
     * state log is, give every stored state and count of the partition (runs split wherever records differ, across
     * bitset words and ring laps).
     */
    @Test
    void drainedDeltasReplayToTheSameStoredState() {
        java.util.Random rnd = new java.util.Random(11);
        long s = 1_000_000_000_037L;
        SharePartition p = new SharePartition("t", 0, s);
        SharePartition replica = new SharePartition("t", 0, s);
        AcknowledgeType[] types = {AcknowledgeType.ACCEPT, AcknowledgeType.RELEASE, AcknowledgeType.REJECT,
            AcknowledgeType.RENEW, AcknowledgeType.RETURN};
        long now = 0;
        for (int step = 0; step < 400; step++) {
            now += 10;
            String member = rnd.nextBoolean() ? "m" : "n";
            for (int k = rnd.nextInt(150); k > 0; k--) {
                long o = p.nextAvailable(p.spso());
                if (o == p.speo()) {
                    if (p.speo() - p.spso() >= 1_000) {
                        break; // the in-flight limit
                    }
                    p.extend();
                }
                p.acquire(o, member, now + 1 + rnd.nextInt(200));
            }
            long first = p.spso() + rnd.nextInt(200) - 20;
            p.acknowledge(member, ack(first, first + rnd.nextInt(130), types[rnd.nextInt(types.length)]), now,
                    SETTINGS, 100);
            if (rnd.nextInt(4) == 0) {
                p.expire(now, null, SETTINGS);
            }
            ShareStateStore.Delta d = p.drainChanges("g");
            if (d != null) {
                replica.restoreSpso(d.spso());
                for (ShareStateStore.Entry e : d.entries()) {
                    for (long o = e.offset(); o < e.offset() + e.length(); o++) {
                        replica.restore(o, e.state(), e.count(), e.reason());
                    }
                }
            }
            assertThat(replica.spso()).isEqualTo(p.spso());
            for (long o = p.spso(); o < p.speo(); o++) {
                SharePartition.Rec r = p.get(o);
                if (r.state == RecordState.AVAILABLE && r.count == 0) {
                    continue; // not stored
                }
                SharePartition.Rec got = replica.get(o);
                assertThat(got).as("offset %d at step %d", o, step).isNotNull();
                assertThat(got.state).as("offset %d at step %d", o, step).isEqualTo(r.state);
                assertThat(got.count).as("offset %d at step %d", o, step).isEqualTo(r.count);
            }
        }
        assertThat(p.spso()).as("the random walk finished records").isGreaterThan(s + 1_000);
    }

    @Test
    void nextAvailableSkipsHeldRecordsAcrossBitsetWords() {
        long s = 1_000_000_000_037L; // not aligned to a bitset word
        SharePartition p = new SharePartition("t", 0, s);
        for (int i = 0; i < 300; i++) {
            p.extend();
            if (i != 70 && i != 199 && i != 250) {
                p.acquire(s + i, "m", 10_000);
            }
        }
        assertThat(p.nextAvailable(s)).isEqualTo(s + 70);
        assertThat(p.nextAvailable(s - 5)).isEqualTo(s + 70); // below SPSO: from SPSO
        assertThat(p.nextAvailable(s + 71)).isEqualTo(s + 199);
        assertThat(p.nextAvailable(s + 200)).isEqualTo(s + 250);
        assertThat(p.nextAvailable(s + 251)).isEqualTo(p.speo());
        assertThat(p.speo()).isEqualTo(s + 300);
    }

    @Test
    void ringWrapsWithoutGrowingAndGrowsKeepingEveryState() {
        SharePartition p = new SharePartition("t", 0, 5);
        // 10,000 offsets pass through a window of at most 40: the ring wraps many times and stays at 64 slots.
        for (long base = 5; base < 10_005; base += 40) {
            for (int i = 0; i < 40; i++) {
                p.extend();
                p.acquire(base + i, "m", 10_000);
            }
            assertThat(p.nextAvailable(base)).isEqualTo(p.speo());
            assertThat(p.acknowledge("m", ack(base, base + 39, AcknowledgeType.ACCEPT), 0, SETTINGS, 100)
                    .unapplied()).isEmpty();
            assertThat(p.spso()).isEqualTo(base + 40);
        }
        assertThat(p.capacity()).isEqualTo(64);
        // Now a window that outgrows the ring while its start sits in the middle of it: states and counts survive.
        long s = p.spso();
        for (int i = 0; i < 1_000; i++) {
            p.extend();
            p.acquire(s + i, "m", 10_000);
        }
        p.acknowledge("m", ack(s + 1, s + 499, AcknowledgeType.RELEASE), 0, SETTINGS, 100);
        for (int i = 1; i < 500; i += 2) {
            p.acquire(s + i, "n", 20_000); // second delivery of the odd ones
        }
        for (int i = 0; i < 3_000; i++) {
            p.extend(); // grows again, to 4096 slots
        }
        assertThat(p.capacity()).isEqualTo(4096);
        assertThat(p.state(s)).isEqualTo(RecordState.ACQUIRED);
        for (int i = 1; i < 500; i++) {
            assertThat(p.state(s + i)).as("offset +" + i).isEqualTo(i % 2 == 1 ? RecordState.ACQUIRED
                    : RecordState.AVAILABLE);
            assertThat(p.count(s + i)).as("offset +" + i).isEqualTo(i % 2 == 1 ? 2 : 1);
        }
        assertThat(p.get(s + 1).holder).isEqualTo("n");
        assertThat(p.get(s + 1).lockEnd).isEqualTo(20_000);
        assertThat(p.get(s + 600).holder).isEqualTo("m");
        assertThat(p.nextAvailable(s)).isEqualTo(s + 2);
        assertThat(p.nextAvailable(s + 499)).isEqualTo(s + 1_000); // past the acquired ones: never examined
        assertThat(p.count(s + 3_999)).isZero();
    }

    @Test
    void aFetchedBatchIsOneRunAndDivergingRecordsSplitIt() {
        long s = 200;
        SharePartition p = acquired(s, 500, "m", 10_000);
        ShareStateStore.Delta d = p.drainChanges("g");
        assertThat(d.spso()).isEqualTo(s);
        assertThat(d.entries()).containsExactly(new ShareStateStore.Entry(s, 500, RecordState.ACQUIRED, 1,
                ArchiveReason.REJECT));
        assertThat(p.drainChanges("g")).isNull();

        p.acknowledge("m", List.of(new Acknowledgement(s, s + 99, AcknowledgeType.ACCEPT),
                new Acknowledgement(s + 100, s + 199, AcknowledgeType.RELEASE),
                new Acknowledgement(s + 200, s + 209, AcknowledgeType.RETURN)), 0, SETTINGS, 100);
        d = p.drainChanges("g");
        assertThat(d.spso()).isEqualTo(s + 100); // the accepted ones are below SPSO: no entry needed
        assertThat(d.entries()).containsExactly(
                new ShareStateStore.Entry(s + 100, 100, RecordState.AVAILABLE, 1, ArchiveReason.RELEASE),
                new ShareStateStore.Entry(s + 200, 10, RecordState.AVAILABLE, 0, ArchiveReason.REJECT));

        // Taken again by another member: the delivery counts stay per record.
        for (long o = p.nextAvailable(s); o < s + 210; o = p.nextAvailable(o + 1)) {
            p.acquire(o, "n", 10_000);
        }
        assertThat(p.count(s + 150)).isEqualTo(2);
        assertThat(p.count(s + 205)).isEqualTo(1);
        assertThat(p.count(s + 300)).isEqualTo(1);
        assertThat(p.drainChanges("g").entries()).containsExactly(
                new ShareStateStore.Entry(s + 100, 100, RecordState.ACQUIRED, 2, ArchiveReason.RELEASE),
                new ShareStateStore.Entry(s + 200, 10, RecordState.ACQUIRED, 1, ArchiveReason.REJECT));
        // The snapshot merges what is equal again: the returned ones now look like the rest of the batch.
        assertThat(p.snapshot("g").entries()).containsExactly(
                new ShareStateStore.Entry(s + 100, 100, RecordState.ACQUIRED, 2, ArchiveReason.RELEASE),
                new ShareStateStore.Entry(s + 200, 300, RecordState.ACQUIRED, 1, ArchiveReason.REJECT));
    }

    @Test
    void locksAreVisitedOnlyOnceTheEarliestCanHaveEnded() {
        SharePartition p = new SharePartition("t", 0, 0);
        for (int i = 0; i < 20; i++) {
            p.extend();
            p.acquire(i, i < 10 ? "m" : "n", i < 10 ? 1_000 : 2_000);
        }
        assertThat(p.expire(999, null, SETTINGS)).isFalse();
        // Renewed at 900: the lock of 0..9 now ends at 1900; the bound of 1000 is passed, nothing ends.
        p.acknowledge("m", ack(0, 9, AcknowledgeType.RENEW), 900, SETTINGS, 100);
        assertThat(p.expire(1_000, null, SETTINGS)).isFalse();
        assertThat(p.state(0)).isEqualTo(RecordState.ACQUIRED);
        assertThat(p.expire(1_900, null, SETTINGS)).isTrue();
        assertThat(p.state(9)).isEqualTo(RecordState.AVAILABLE);
        assertThat(p.get(9).reason).isEqualTo(ArchiveReason.LOCK_TIMEOUT);
        assertThat(p.state(10)).isEqualTo(RecordState.ACQUIRED);
        // A member that goes releases its records whatever their locks.
        assertThat(p.expire(0, "n", SETTINGS)).isTrue();
        assertThat(p.state(19)).isEqualTo(RecordState.AVAILABLE);
        assertThat(p.get(19).reason).isEqualTo(ArchiveReason.MEMBER_GONE);
        assertThat(p.count(19)).isEqualTo(1);
        // Acquired again after the scans: the bound follows the new locks.
        p.acquire(3, "m", 5_000);
        assertThat(p.expire(4_999, null, SETTINGS)).isFalse();
        assertThat(p.expire(5_000, null, SETTINGS)).isTrue();
        assertThat(p.count(3)).isEqualTo(2);
    }

    @Test
    void runsAreRecoveredFromTheLogAndAcquiredRecordsComeBackAvailable() throws Exception {
        long s = 70;
        SharePartition p = acquired(s, 300, "m", 10_000);
        try (ShareStateStore store = ShareStateStore.open(dir, FlushPolicy.OS)) {
            store.appendSettings("g", SETTINGS).get(10, TimeUnit.SECONDS);
            store.appendDelta(p.drainChanges("g")).get(10, TimeUnit.SECONDS);
            p.acknowledge("m", List.of(new Acknowledgement(s, s + 49, AcknowledgeType.ACCEPT),
                    new Acknowledgement(s + 50, s + 59, AcknowledgeType.RELEASE),
                    new Acknowledgement(s + 60, s + 64, AcknowledgeType.REJECT)), 0, SETTINGS, 100);
            p.acquire(s + 55, "n", 10_000);
            store.appendDelta(p.drainChanges("g")).get(10, TimeUnit.SECONDS);
        }
        try (ShareStateStore store = ShareStateStore.open(dir, FlushPolicy.OS)) {
            SharePartition r = store.restored().get("g").partitions.get(ShareStateStore.key("t", 0));
            r.afterRestart(SETTINGS);
            assertThat(r.spso()).isEqualTo(s + 50);
            assertThat(r.speo()).isEqualTo(s + 300);
            for (long o = s + 50; o < s + 60; o++) {
                assertThat(r.state(o)).as("offset " + o).isEqualTo(RecordState.AVAILABLE);
                assertThat(r.count(o)).as("offset " + o).isEqualTo(o == s + 55 ? 2 : 1);
            }
            assertThat(r.state(s + 62)).isEqualTo(RecordState.ARCHIVED);
            assertThat(r.state(s + 65)).isEqualTo(RecordState.AVAILABLE); // was Acquired: as on lock expiry
            assertThat(r.get(s + 65).reason).isEqualTo(ArchiveReason.BROKER_RESTART);
            assertThat(r.count(s + 299)).isEqualTo(1);
            assertThat(r.nextAvailable(0)).isEqualTo(s + 50);
        }
    }

    @Test
    void aLogWrittenOneEntryPerOffsetStillReplays() throws Exception {
        // The delta format of earlier versions (type 2): offset, state, count, reason for every offset.
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(body);
        out.writeByte(2);
        for (String str : List.of("g", "t")) {
            byte[] b = str.getBytes(StandardCharsets.UTF_8);
            out.writeShort(b.length);
            out.write(b);
        }
        out.writeInt(0);
        out.writeLong(10);
        out.writeInt(2);
        out.writeLong(11);
        out.writeByte(RecordState.ACQUIRED.code());
        out.writeShort(2);
        out.writeByte(ArchiveReason.REJECT.ordinal());
        out.writeLong(12);
        out.writeByte(RecordState.ACKNOWLEDGED.code());
        out.writeShort(1);
        out.writeByte(ArchiveReason.REJECT.ordinal());
        byte[] b = body.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(b);
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        DataOutputStream f = new DataOutputStream(framed);
        f.writeInt(b.length);
        f.writeInt((int) crc.getValue());
        f.write(b);
        Files.createDirectories(dir.resolve("__share_groups"));
        Files.write(dir.resolve("__share_groups/state.log"), framed.toByteArray());
        try (ShareStateStore store = ShareStateStore.open(dir, FlushPolicy.OS)) {
            SharePartition r = store.restored().get("g").partitions.get(ShareStateStore.key("t", 0));
            assertThat(r.spso()).isEqualTo(10);
            assertThat(r.speo()).isEqualTo(13);
            assertThat(r.state(10)).isEqualTo(RecordState.AVAILABLE);
            assertThat(r.count(10)).isZero();
            assertThat(r.state(11)).isEqualTo(RecordState.ACQUIRED);
            assertThat(r.count(11)).isEqualTo(2);
            assertThat(r.state(12)).isEqualTo(RecordState.ACKNOWLEDGED);
        }
    }
}
