package io.streambus.broker.share;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.protocol.share.AcknowledgeType;
import io.streambus.protocol.share.Acknowledgement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Undoing a request's changes to a share-partition when their write fails (B.13.8: acknowledgements that cannot be
 * made durable are not applied): every offset gets its previous values back, SPSO moves back, and the undo record
 * stays a few runs for a batch.
 */
class SharePartitionUndoTest {
    private static final ShareGroupSettings SETTINGS = new ShareGroupSettings(3, 1000, "", 0, 1000);
    private static final ShareGroupSettings WITH_DLQ = new ShareGroupSettings(3, 1000, "dlq", 0, 1000);

    private static void acquire(SharePartition p, long from, long to, String member, long lockEnd) {
        for (long o = from; o <= to; o++) {
            if (o >= p.speo()) {
                p.extend();
            }
            p.acquire(o, member, lockEnd);
        }
    }

    private static SharePartition.Undo ack(SharePartition p, long first, long last, AcknowledgeType type,
                                           ShareGroupSettings settings) {
        SharePartition.Undo u = p.recordUndo();
        try {
            assertThat(p.acknowledge("m", List.of(new Acknowledgement(first, last, type)), 0, settings, 100)
                    .unapplied()).isEmpty();
        } finally {
            p.stopUndo();
        }
        return u;
    }

    private static void assertAcquired(SharePartition p, long from, long to, String member, int count, long lockEnd) {
        for (long o = from; o <= to; o++) {
            SharePartition.Rec r = p.get(o);
            assertThat(r).as("offset " + o).isNotNull();
            assertThat(r.state).as("offset " + o).isEqualTo(RecordState.ACQUIRED);
            assertThat(r.holder).as("offset " + o).isEqualTo(member);
            assertThat(r.count).as("offset " + o).isEqualTo(count);
            assertThat(r.lockEnd).as("offset " + o).isEqualTo(lockEnd);
        }
    }

    @Test
    void anUndoneAcceptOfABatchBringsBackSpsoAndTheRecordsInOneRun() {
        SharePartition p = new SharePartition("t", 0, 0);
        acquire(p, 0, 99, "m", 1000);
        p.drainChanges("g");
        SharePartition.Undo u = ack(p, 0, 99, AcknowledgeType.ACCEPT, SETTINGS);
        assertThat(u.runs()).as("one run for 100 records acquired together").isEqualTo(1);
        assertThat(p.spso()).isEqualTo(100);
        p.drainChanges("g"); // the write that fails
        // Meanwhile another member acquires far enough that offsets 0-99 share ring slots with its records.
        acquire(p, 100, 399, "other", 2000);
        p.drainChanges("g");

        p.undo(u);

        assertThat(p.spso()).isZero();
        assertAcquired(p, 0, 99, "m", 1, 1000);
        assertAcquired(p, 100, 399, "other", 1, 2000);
        assertThat(p.capacity()).isGreaterThanOrEqualTo(400);
        assertThat(p.drainChanges("g")).as("back as last written: nothing to write").isNull();
    }

    @Test
    void anUndoneReleaseAndRejectGetTheirHolderLockAndCountBack() {
        SharePartition p = new SharePartition("t", 0, 0);
        acquire(p, 0, 3, "m", 1000);
        p.drainChanges("g");
        SharePartition.Undo release = ack(p, 0, 1, AcknowledgeType.RELEASE, WITH_DLQ);
        SharePartition.Undo reject = ack(p, 2, 3, AcknowledgeType.REJECT, WITH_DLQ);
        assertThat(p.get(2).state).isEqualTo(RecordState.ARCHIVING);
        p.drainChanges("g");

        p.undo(reject); // newest first
        p.undo(release);

        assertAcquired(p, 0, 3, "m", 1, 1000);
        assertThat(p.takeCopies()).as("no dead-letter copy of an undone reject").isEmpty();
        assertThat(p.availableCount()).isZero();
        // Back under the lock: the lock expires as usual and the records come back with their count.
        assertThat(p.expire(1000, null, SETTINGS)).isTrue();
        assertThat(p.get(0).state).isEqualTo(RecordState.AVAILABLE);
        assertThat(p.acquire(0, "m2", 5000)).as("the next delivery counts one more").isEqualTo(2);
    }

    @Test
    void undoingAnAcquisitionAfterTheReleaseItTookGivesTheReleasedRecordBackToItsHolder() {
        SharePartition p = new SharePartition("t", 0, 0);
        acquire(p, 0, 0, "m", 1000);
        p.drainChanges("g");
        SharePartition.Undo release = ack(p, 0, 0, AcknowledgeType.RELEASE, SETTINGS);
        p.drainChanges("g");
        SharePartition.Undo take = p.recordUndo();
        assertThat(p.acquire(0, "b", 3000)).isEqualTo(2);
        p.stopUndo();
        p.drainChanges("g");

        p.undo(take);
        p.undo(release);

        assertAcquired(p, 0, 0, "m", 1, 1000);
    }

    @Test
    void anOffsetFinishedMeanwhileByAnotherChangeStaysFinished() {
        SharePartition p = new SharePartition("t", 0, 0);
        acquire(p, 0, 4, "m", 1000);
        ack(p, 0, 0, AcknowledgeType.REJECT, WITH_DLQ); // durable: its copy is being made
        p.takeCopies();
        p.drainChanges("g");
        SharePartition.Undo u = ack(p, 1, 4, AcknowledgeType.ACCEPT, WITH_DLQ);
        assertThat(p.spso()).as("0 is still Archiving").isZero();
        p.drainChanges("g");
        p.copied(0); // the copy of 0 is durable: SPSO passes 0 and the accepted 1-4
        p.advance(0);
        assertThat(p.spso()).isEqualTo(5);

        p.undo(u);

        assertThat(p.spso()).isEqualTo(1);
        assertThat(p.get(0)).isNull();
        assertAcquired(p, 1, 4, "m", 1, 1000);
    }

    @Test
    void offsetsBelowTheLogStartAreNotBroughtBack() {
        SharePartition p = new SharePartition("t", 0, 0);
        acquire(p, 0, 4, "m", 1000);
        p.drainChanges("g");
        SharePartition.Undo u = ack(p, 0, 4, AcknowledgeType.ACCEPT, SETTINGS);
        p.advance(3); // retention deleted 0-2 meanwhile

        p.undo(u);

        assertThat(p.spso()).isEqualTo(3);
        assertAcquired(p, 3, 4, "m", 1, 1000);
    }

    @Test
    void anUndoneStagingIsAcquiredAgain() {
        SharePartition p = new SharePartition("t", 0, 0);
        acquire(p, 0, 1, "m", 1000);
        p.drainChanges("g");
        SharePartition.Undo u = p.recordUndo();
        p.stage("m", List.of(new Acknowledgement(0, 1, AcknowledgeType.ACCEPT)), 0, "tx", 100);
        p.stopUndo();
        assertThat(p.get(0).state).isEqualTo(RecordState.STAGED);

        p.undo(u);

        assertAcquired(p, 0, 1, "m", 1, 1000);
        assertThat(p.get(0).stage).isNull();
        assertThat(p.hasStaged()).isFalse();
    }

    /** A leave whose write fails (B.13.4): the member's records, released or archived by its removal, are its again. */
    @Test
    void anUndoneMemberRemovalGivesTheMemberItsRecordsBack() {
        SharePartition p = new SharePartition("t", 0, 0);
        acquire(p, 0, 0, "m", 1000);
        for (int i = 0; i < 2; i++) { // offset 1 reaches max delivery attempts (3)
            acquire(p, 1, 1, "x", 500);
            p.expire(500, null, WITH_DLQ);
        }
        acquire(p, 1, 1, "m", 1000);
        acquire(p, 2, 2, "other", 2000);
        p.drainChanges("g");
        SharePartition.Undo u = p.recordUndo();
        assertThat(p.expire(10, "m", WITH_DLQ)).isTrue();
        p.stopUndo();
        assertThat(p.get(0).state).isEqualTo(RecordState.AVAILABLE);
        assertThat(p.get(1).state).isEqualTo(RecordState.ARCHIVING);
        p.takeCopies();
        p.drainChanges("g"); // the write that fails

        p.undo(u);

        assertAcquired(p, 0, 0, "m", 1, 1000);
        assertAcquired(p, 1, 1, "m", 3, 1000);
        assertAcquired(p, 2, 2, "other", 1, 2000);
        assertThat(p.drainChanges("g")).as("back as last written: nothing to write").isNull();
    }
}
