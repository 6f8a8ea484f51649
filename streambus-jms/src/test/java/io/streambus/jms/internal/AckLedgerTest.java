package io.streambus.jms.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.common.TopicPartition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The acknowledgement ledger on its own: no broker, no threads, no clock. */
class AckLedgerTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);
    private static final Map<TopicPartition, Long> NONE_HELD = Map.of();

    private final AckLedger ledger = new AckLedger();

    private void fetchedAll(TopicPartition tp, long from, long to) {
        for (long o = from; o <= to; o++) {
            assertThat(ledger.fetched(tp, o)).isTrue();
        }
    }

    @Test
    void commitsUpToTheLastConsumedOffset() {
        ledger.assigned(List.of(P0, P1));
        assertThat(ledger.commitTargets(null, NONE_HELD)).as("nothing consumed yet").isEmpty();
        fetchedAll(P0, 10, 13);
        assertThat(ledger.delivered(P0, 10)).isEqualTo(1);
        ledger.skipped(P0, 11); // a record the selector rejected
        assertThat(ledger.delivered(P0, 12)).isEqualTo(1);
        assertThat(ledger.commitTargets(null, NONE_HELD)).containsExactly(Map.entry(P0, 13L));
        assertThat(ledger.hasUnacknowledged(P0)).isTrue();
        assertThat(ledger.hasUnacknowledged(P1)).isFalse();

        ledger.committed(Map.of(P0, 13L));
        assertThat(ledger.hasUnacknowledged(P0)).isFalse();
        assertThat(ledger.commitTargets(null, NONE_HELD)).as("already committed").isEmpty();
        assertThat(ledger.delivered(P0, 13)).isEqualTo(1);
        assertThat(ledger.commitTargets(null, NONE_HELD)).containsExactly(Map.entry(P0, 14L));
    }

    @Test
    void neverCommitsPastAMessageStillHeldBack() {
        ledger.assigned(List.of(P0));
        fetchedAll(P0, 0, 5);
        ledger.delivered(P0, 0);
        // 1 waits for its delivery time while 2..5 are delivered
        for (long o = 2; o <= 5; o++) {
            ledger.delivered(P0, o);
        }
        assertThat(ledger.commitTargets(null, Map.of(P0, 1L))).containsExactly(Map.entry(P0, 1L));
        ledger.committed(Map.of(P0, 1L));
        assertThat(ledger.commitTargets(null, Map.of(P0, 1L))).as("held back at the committed position").isEmpty();
        ledger.delivered(P0, 1);
        assertThat(ledger.commitTargets(null, NONE_HELD)).containsExactly(Map.entry(P0, 6L));
    }

    @Test
    void rewindSeeksBackToTheLastCommitAndCountsRedeliveries() {
        ledger.assigned(List.of(P0));
        fetchedAll(P0, 0, 2);
        ledger.delivered(P0, 0);
        ledger.committed(Map.of(P0, 1L));
        ledger.delivered(P0, 1);
        ledger.skipped(P0, 2);

        assertThat(ledger.rewind()).containsExactly(Map.entry(P0, 1L));
        assertThat(ledger.hasUnacknowledged(P0)).isFalse();
        assertThat(ledger.commitTargets(null, NONE_HELD)).as("nothing consumed since the commit").isEmpty();

        fetchedAll(P0, 1, 2);
        assertThat(ledger.delivered(P0, 1)).as("second delivery").isEqualTo(2);
        assertThat(ledger.rewind()).containsExactly(Map.entry(P0, 1L));
        assertThat(ledger.delivered(P0, 1)).as("third delivery").isEqualTo(3);
        assertThat(ledger.delivered(P0, 2)).as("skipped before, never delivered").isEqualTo(1);

        ledger.committed(Map.of(P0, 3L));
        assertThat(ledger.rewind()).as("all acknowledged: nothing to go back to").isEmpty();
    }

    @Test
    void rewindLeavesPartitionsWithNothingConsumedSinceTheirCommitAlone() {
        ledger.assigned(List.of(P0, P1));
        fetchedAll(P0, 0, 3);
        fetchedAll(P1, 7, 9); // prefetched, nothing handed out
        ledger.delivered(P0, 0);
        assertThat(ledger.rewind()).containsExactly(Map.entry(P0, 0L));
        assertThat(ledger.rewind()).as("rewound already").isEmpty();
    }

    @Test
    void redeliveryCountsEndWithTheCommit() {
        ledger.assigned(List.of(P0));
        fetchedAll(P0, 0, 0);
        ledger.delivered(P0, 0);
        ledger.rewind();
        assertThat(ledger.delivered(P0, 0)).isEqualTo(2);
        ledger.committed(Map.of(P0, 1L));
        assertThat(ledger.rewind()).isEmpty();
    }

    @Test
    void commitTargetsCanBeLimitedToSomePartitions() {
        ledger.assigned(List.of(P0, P1));
        fetchedAll(P0, 0, 0);
        fetchedAll(P1, 4, 4);
        ledger.delivered(P0, 0);
        ledger.delivered(P1, 4);
        assertThat(ledger.commitTargets(List.of(P1), NONE_HELD)).containsExactly(Map.entry(P1, 5L));
        assertThat(ledger.commitTargets(null, NONE_HELD)).containsOnly(Map.entry(P0, 1L), Map.entry(P1, 5L));
    }

    @Test
    void revokedPartitionsAreForgotten() {
        ledger.assigned(List.of(P0, P1));
        fetchedAll(P0, 0, 1);
        ledger.delivered(P0, 0);
        ledger.revoked(List.of(P0));
        assertThat(ledger.owns(P0)).isFalse();
        assertThat(ledger.owns(P1)).isTrue();
        assertThat(ledger.fetched(P0, 1)).as("a record of a revoked partition is dropped").isFalse();
        assertThat(ledger.commitTargets(null, NONE_HELD)).isEmpty();
        assertThat(ledger.rewind()).isEmpty();
        ledger.committed(Map.of(P0, 2L)); // a late commit result for a revoked partition is ignored
        assertThat(ledger.owns(P0)).isFalse();
    }

    @Test
    void aReassignedPartitionStartsAfresh() {
        ledger.assigned(List.of(P0));
        fetchedAll(P0, 0, 0);
        ledger.delivered(P0, 0);
        ledger.rewind();
        ledger.revoked(List.of(P0));
        ledger.assigned(List.of(P0));
        fetchedAll(P0, 0, 0);
        assertThat(ledger.delivered(P0, 0)).as("delivery counts are kept in memory only").isEqualTo(1);
    }

    @Test
    void deliveriesOnUnassignedPartitionsAreRefused() {
        assertThatThrownBy(() -> ledger.delivered(P0, 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(P0.toString());
        assertThatThrownBy(() -> ledger.skipped(P1, 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(P1.toString());
    }
}
