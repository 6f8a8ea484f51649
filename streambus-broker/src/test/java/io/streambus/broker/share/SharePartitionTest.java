package io.streambus.broker.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.protocol.share.AcknowledgeType;
import io.streambus.protocol.share.Acknowledgement;
import io.streambus.protocol.share.OffsetRange;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The share-partition state machine and the arithmetic application of acknowledgement ranges (B.13.8). */
class SharePartitionTest {
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

    @Test
    void illegalTransitionsNameBothStates() {
        assertThatThrownBy(() -> RecordState.ACKNOWLEDGED.moveTo(RecordState.AVAILABLE))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ACKNOWLEDGED")
                .hasMessageContaining("AVAILABLE");
        assertThatThrownBy(() -> RecordState.ARCHIVING.moveTo(RecordState.ACQUIRED))
                .isInstanceOf(IllegalStateException.class);
        assertThat(RecordState.ACQUIRED.moveTo(RecordState.ARCHIVING)).isEqualTo(RecordState.ARCHIVING);
        for (RecordState s : RecordState.values()) {
            assertThat(RecordState.forCode(s.code())).isEqualTo(s);
        }
    }

    @Test
    void wholeRangeIsComputedNotLooped() {
        SharePartition p = acquired(3, "m", 10_000);
        long start = System.nanoTime();
        SharePartition.AckOutcome out = p.acknowledge("m", List.of(new Acknowledgement(0, Long.MAX_VALUE,
                AcknowledgeType.ACCEPT)), 0, SETTINGS, 100);
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
        assertThat(out.unapplied()).containsExactly(new OffsetRange(3, Long.MAX_VALUE));
        assertThat(p.spso()).isEqualTo(3);
        assertThat(p.entries()).isZero();
        // Below SPSO: finished, not an error.
        assertThat(p.acknowledge("m", List.of(new Acknowledgement(0, 2, AcknowledgeType.REJECT)), 0, SETTINGS, 100)
                .unapplied()).isEmpty();
    }

    @Test
    void unappliedRangesStayWithinTheBudget() {
        SharePartition p = acquired(10, "m", 10_000);
        List<Acknowledgement> acks = new ArrayList<>();
        for (long o = 0; o < 10; o += 2) {
            acks.add(new Acknowledgement(o, o, AcknowledgeType.ACCEPT));
        }
        for (long o = 1_000; acks.size() < 100_000; o += 2) {
            acks.add(new Acknowledgement(o, o, AcknowledgeType.ACCEPT));
        }
        SharePartition.AckOutcome out = p.acknowledge("other", acks, 0, SETTINGS, 7);
        // Another member's records 0, 2, 4, 6, 8 and the ranges 1000 and 1002 above SPEO are unapplied one by one;
        // then the budget of 7 is used up and the rest is one range, not applied.
        assertThat(out.unapplied()).hasSize(8);
        assertThat(out.unapplied().subList(0, 7)).containsExactly(new OffsetRange(0, 0), new OffsetRange(2, 2),
                new OffsetRange(4, 4), new OffsetRange(6, 6), new OffsetRange(8, 8), new OffsetRange(1000, 1000),
                new OffsetRange(1002, 1002));
        assertThat(out.unapplied().get(7)).isEqualTo(new OffsetRange(1004, 1_000 + 2L * (100_000 - 5 - 1)));
        assertThat(out.rangesLeft()).isZero();
    }

    @Test
    void transitionsOfTheTable() {
        SharePartition p = acquired(5, "m", 1_000);
        SharePartition.AckOutcome out = p.acknowledge("m", List.of(
                new Acknowledgement(0, 0, AcknowledgeType.ACCEPT),
                new Acknowledgement(1, 1, AcknowledgeType.REJECT),
                new Acknowledgement(2, 2, AcknowledgeType.RELEASE),
                new Acknowledgement(3, 3, AcknowledgeType.RETURN),
                new Acknowledgement(4, 4, AcknowledgeType.RENEW)), 500, WITH_DLQ, 100);
        assertThat(out.unapplied()).isEmpty();
        assertThat(p.get(1).state).isEqualTo(RecordState.ARCHIVING);
        assertThat(p.takeCopies()).containsExactly(1L);
        assertThat(p.get(2).state).isEqualTo(RecordState.AVAILABLE);
        assertThat(p.get(2).count).isEqualTo(1);
        assertThat(p.get(3).count).isZero();
        assertThat(p.get(4).lockEnd).isEqualTo(1_500);
        assertThat(p.spso()).isEqualTo(1); // 1 is Archiving: not terminal yet
        p.copied(1);
        p.advance(0);
        assertThat(p.spso()).isEqualTo(2);
        // Lock expiry of 4 at 1500 (renewed): Available with count kept.
        assertThat(p.expire(1_499, null, WITH_DLQ)).isFalse();
        assertThat(p.expire(1_500, null, WITH_DLQ)).isTrue();
        assertThat(p.get(4).state).isEqualTo(RecordState.AVAILABLE);
        assertThat(p.get(4).count).isEqualTo(1);
        // An ended lock is not the holder's any more: unapplied.
        assertThat(p.acknowledge("m", List.of(new Acknowledgement(4, 4, AcknowledgeType.ACCEPT)), 2_000, WITH_DLQ,
                100).unapplied()).containsExactly(new OffsetRange(4, 4));
    }

    @Test
    void deliveryLimitArchivesOnReleaseExpiryAndMemberGone() {
        SharePartition p = new SharePartition("t", 0, 0);
        p.extend();
        for (int i = 1; i <= 3; i++) {
            assertThat(p.acquire(0, "m", 10)).isEqualTo(i);
            p.expire(i < 3 ? 10 : 0, i < 3 ? null : "m", WITH_DLQ);
        }
        assertThat(p.get(0).state).isEqualTo(RecordState.ARCHIVING);
        assertThat(p.get(0).reason).isEqualTo(ArchiveReason.MEMBER_GONE);
        ShareStateStore.Delta d = p.drainChanges("g");
        assertThat(d.entries()).extracting(ShareStateStore.Entry::state).containsExactly(RecordState.ARCHIVING);
        assertThat(p.drainChanges("g")).isNull();
    }
}
