package io.streambus.broker.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.protocol.share.AcknowledgeType;
import io.streambus.protocol.share.Acknowledgement;
import io.streambus.protocol.share.OffsetRange;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Staged state of B.13.15 in the share-partition state machine: staging, completion, persistence. */
class SharePartitionStagingTest {
    private static final ShareGroupSettings SETTINGS = new ShareGroupSettings(3, 1000, "", 0, 100);
    private static final ShareGroupSettings WITH_DLQ = new ShareGroupSettings(3, 1000, "dlq", 0, 100);

    private static SharePartition acquired(int n, String member, long lockEnd) {
        SharePartition p = new SharePartition("t", 0, 0);
        for (int i = 0; i < n; i++) {
            p.extend();
            p.acquire(i, member, lockEnd);
        }
        return p;
    }

    private static List<Acknowledgement> ack(long first, long last, AcknowledgeType type) {
        return List.of(new Acknowledgement(first, last, type));
    }

    @Test
    void stagedTransitionsAreChecked() {
        assertThat(RecordState.ACQUIRED.moveTo(RecordState.STAGED)).isEqualTo(RecordState.STAGED);
        for (RecordState to : List.of(RecordState.STAGED, RecordState.ACKNOWLEDGED, RecordState.ARCHIVING,
                RecordState.ARCHIVED, RecordState.AVAILABLE)) {
            assertThat(RecordState.STAGED.moveTo(to)).isEqualTo(to);
        }
        assertThatThrownBy(() -> RecordState.STAGED.moveTo(RecordState.ACQUIRED))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("STAGED")
                .hasMessageContaining("ACQUIRED");
        assertThatThrownBy(() -> RecordState.AVAILABLE.moveTo(RecordState.STAGED))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("AVAILABLE");
        assertThatThrownBy(() -> RecordState.ACKNOWLEDGED.moveTo(RecordState.STAGED))
                .isInstanceOf(IllegalStateException.class);
        assertThat(RecordState.STAGED.isTerminal()).isFalse();
        assertThat(RecordState.forCode(RecordState.STAGED.code())).isEqualTo(RecordState.STAGED);
    }

    @Test
    void stagingFollowsTheRulesOfB1315() {
        SharePartition p = acquired(6, "m", 1_000);
        SharePartition q = acquired(4, "m", 1_000);
        q.extend();
        q.acquire(4, "other", 1_000);
        q.extend(); // offset 5: Available
        q.acknowledge("m", ack(3, 3, AcknowledgeType.ACCEPT), 0, SETTINGS, 100); // offset 3: Acknowledged
        SharePartition.AckOutcome out = q.stage("m", List.of(new Acknowledgement(0, 1, AcknowledgeType.ACCEPT),
                new Acknowledgement(2, 2, AcknowledgeType.REJECT), new Acknowledgement(3, 9, AcknowledgeType.ACCEPT)),
                0, "tx", 100);
        // 0-2 Staged; 3 finished (no error); 4 another member's, 5 Available, 6-9 at or above SPEO: unapplied.
        assertThat(out.unapplied()).containsExactly(new OffsetRange(4, 9));
        for (long o = 0; o <= 2; o++) {
            assertThat(q.get(o).state).isEqualTo(RecordState.STAGED);
            assertThat(q.get(o).holder).isNull();
            assertThat(q.get(o).count).isEqualTo(1);
        }
        // Staged again by the same transaction: the type changes; by another transaction: unapplied.
        assertThat(q.stage("m", ack(0, 0, AcknowledgeType.RELEASE), 0, "tx", 100).unapplied()).isEmpty();
        assertThat(q.get(0).stage.type()).isEqualTo(AcknowledgeType.RELEASE);
        assertThat(q.stage("m", ack(1, 1, AcknowledgeType.ACCEPT), 0, "tx2", 100).unapplied())
                .containsExactly(new OffsetRange(1, 1));
        // An ended lock cannot be staged.
        assertThat(p.stage("m", ack(0, 0, AcknowledgeType.ACCEPT), 1_000, "tx", 100).unapplied())
                .containsExactly(new OffsetRange(0, 0));
    }

    @Test
    void stagedRecordsIgnoreAcknowledgementsLocksAndMembers() {
        SharePartition p = acquired(2, "m", 1_000);
        p.stage("m", ack(0, 1, AcknowledgeType.ACCEPT), 0, "tx", 100);
        // Acknowledgements without the flag do not apply to Staged records, from any member.
        assertThat(p.acknowledge("m", ack(0, 1, AcknowledgeType.REJECT), 0, SETTINGS, 100).unapplied())
                .containsExactly(new OffsetRange(0, 1));
        // Lock expiry and the member leaving leave them alone; SPSO cannot pass them.
        assertThat(p.expire(5_000, "m", SETTINGS)).isFalse();
        assertThat(p.get(0).state).isEqualTo(RecordState.STAGED);
        assertThat(p.spso()).isZero();
        assertThat(p.hasStaged()).isTrue();
        assertThat(p.stagingTransactions()).containsExactly("tx");
    }

    @Test
    void commitAppliesTheStagedTypes() {
        SharePartition p = acquired(3, "m", 1_000);
        p.stage("m", ack(0, 0, AcknowledgeType.ACCEPT), 0, "tx", 100);
        p.stage("m", ack(1, 1, AcknowledgeType.REJECT), 0, "tx", 100);
        p.stage("m", ack(2, 2, AcknowledgeType.RELEASE), 0, "tx", 100);
        assertThat(p.completeTransaction("other", true, ArchiveReason.TXN_ABORTED, WITH_DLQ)).isFalse();
        assertThat(p.completeTransaction("tx", true, ArchiveReason.TXN_ABORTED, WITH_DLQ)).isTrue();
        assertThat(p.spso()).isEqualTo(1); // 0 Acknowledged and forgotten
        assertThat(p.get(1).state).isEqualTo(RecordState.ARCHIVING);
        assertThat(p.get(1).reason).isEqualTo(ArchiveReason.REJECT);
        assertThat(p.get(2).state).isEqualTo(RecordState.AVAILABLE);
        assertThat(p.get(2).count).isEqualTo(1);
        assertThat(p.takeCopies()).containsExactly(1L);
        assertThat(p.hasStaged()).isFalse();
    }

    @Test
    void abortMakesThemAvailableOrArchivesThemAtTheLimit() {
        SharePartition p = acquired(2, "m", 1_000);
        p.stage("m", ack(0, 1, AcknowledgeType.ACCEPT), 0, "tx", 100);
        p.completeTransaction("tx", false, ArchiveReason.TXN_ABORTED, SETTINGS);
        assertThat(p.get(0).state).isEqualTo(RecordState.AVAILABLE);
        assertThat(p.get(0).count).isEqualTo(1);
        // At the limit (3 deliveries): archived with reason TXN_ABORTED.
        p.acquire(0, "m", 2_000);
        p.expire(5_000, null, SETTINGS);
        assertThat(p.get(0).count).isEqualTo(2);
        p.acquire(0, "m", 3_000); // delivery 3
        p.stage("m", ack(0, 0, AcknowledgeType.ACCEPT), 0, "tx2", 100);
        p.completeTransaction("tx2", false, ArchiveReason.TXN_ABORTED, SETTINGS);
        assertThat(p.get(0)).isNull(); // archived: terminal, SPSO moved past it
        assertThat(p.spso()).isEqualTo(1);
    }

    @Test
    void stagingIsDurableOnlyOnceMadeSo() {
        SharePartition p = acquired(2, "m", 1_000);
        p.drainChanges("g");
        p.stage("m", ack(0, 1, AcknowledgeType.REJECT), 0, "tx", 100);
        // Not durable: stored as the Acquired record it was (a restart aborts the transaction).
        assertThat(p.snapshot("g").entries()).extracting(ShareStateStore.Entry::state)
                .containsOnly(RecordState.ACQUIRED);
        assertThat(p.durableStaged()).isEmpty();
        assertThat(p.stagedEntries("tx")).containsExactly(
                new ShareStateStore.StagedEntry(0, 1, AcknowledgeType.REJECT),
                new ShareStateStore.StagedEntry(1, 1, AcknowledgeType.REJECT));
        assertThat(p.snapshot("g").entries()).isEmpty();
        assertThat(p.durableStaged()).containsOnlyKeys("tx");
        // Restored from the log, the records are Staged by the transaction again.
        SharePartition r = new SharePartition("t", 0, 0);
        r.restoreStaged(0, 1, "tx", AcknowledgeType.REJECT);
        r.restoreStaged(1, 1, "tx", AcknowledgeType.REJECT);
        r.afterRestart(SETTINGS);
        assertThat(r.get(1).state).isEqualTo(RecordState.STAGED);
        assertThat(r.completeTransaction("tx", false, ArchiveReason.BROKER_RESTART, SETTINGS)).isTrue();
        assertThat(r.get(1).reason).isEqualTo(ArchiveReason.BROKER_RESTART);
        assertThat(r.get(1).state).isEqualTo(RecordState.AVAILABLE);
    }
}
