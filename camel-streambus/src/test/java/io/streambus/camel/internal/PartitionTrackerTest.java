package io.streambus.camel.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.camel.consumer.StreamBusConsumerTaskInfo.CommitState;
import io.streambus.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionTrackerTest {
    private final PartitionTracker t = new PartitionTracker(new TopicPartition("t", 0));

    @Test
    void commitsOnlyWhatWasHandled() {
        assertThat(t.state()).isEqualTo(CommitState.CLEAN);
        assertThat(t.commitTarget()).isEqualTo(-1);
        t.handled(0);
        t.handled(1);
        assertThat(t.state()).isEqualTo(CommitState.DIRTY);
        assertThat(t.commitTarget()).isEqualTo(2);
        t.commitStarted(2);
        assertThat(t.state()).isEqualTo(CommitState.COMMITTING);
        assertThat(t.commitTarget()).as("nothing new while committing").isEqualTo(-1);
        t.handled(2);
        assertThat(t.commitTarget()).isEqualTo(3);
        t.commitSucceeded(2);
        assertThat(t.committedOffset()).isEqualTo(2);
        assertThat(t.state()).isEqualTo(CommitState.DIRTY);
        t.commitStarted(3);
        t.commitSucceeded(3);
        assertThat(t.state()).isEqualTo(CommitState.CLEAN);
        assertThat(t.commitTarget()).isEqualTo(-1);
    }

    @Test
    void failedCommitIsDueAgain() {
        t.handled(5);
        t.commitStarted(6);
        t.commitFailed(6);
        assertThat(t.state()).isEqualTo(CommitState.DIRTY);
        assertThat(t.commitTarget()).isEqualTo(6);
    }

    @Test
    void knownCommittedOffsetIsNotCommittedAgain() {
        t.initCommitted(10);
        t.handled(9);
        assertThat(t.commitTarget()).isEqualTo(-1);
        t.handled(10);
        assertThat(t.commitTarget()).isEqualTo(11);
    }

    @Test
    void rewindLowersHandledSoNothingUnprocessedIsCommitted() {
        t.handled(0);
        t.handled(1);
        t.rewound(1);
        assertThat(t.handledOffset()).isEqualTo(1);
        assertThat(t.commitTarget()).isEqualTo(1);
        t.handled(1);
        assertThat(t.commitTarget()).isEqualTo(2);
    }

    @Test
    void handledOffsetsMustNotGoBackwards() {
        t.handled(4);
        assertThatThrownBy(() -> t.handled(3)).isInstanceOf(IllegalStateException.class).hasMessageContaining("t-0");
    }

    @Test
    void closedPartitionCommitsNothing() {
        t.handled(0);
        t.close();
        assertThat(t.state()).isEqualTo(CommitState.CLOSED);
        assertThat(t.commitTarget()).isEqualTo(-1);
        t.handled(1);
        t.commitSucceeded(2);
        assertThat(t.state()).isEqualTo(CommitState.CLOSED);
    }

    @Test
    void asyncCommitsCompletingOutOfOrder() {
        t.handled(0);
        t.commitStarted(1);
        t.handled(1);
        t.commitStarted(2);
        t.commitSucceeded(2);
        assertThat(t.state()).isEqualTo(CommitState.CLEAN);
        t.commitSucceeded(1);
        assertThat(t.committedOffset()).isEqualTo(2);
        assertThat(t.state()).isEqualTo(CommitState.CLEAN);
    }

    @Test
    void countsConsecutiveFailuresOfTheSameRecord() {
        assertThat(t.failed(7)).isEqualTo(1);
        assertThat(t.failed(7)).isEqualTo(2);
        assertThat(t.failedOffset()).isEqualTo(7);
        t.handled(7);
        assertThat(t.failedOffset()).isEqualTo(-1);
        assertThat(t.failed(8)).isEqualTo(1);
        assertThat(t.failed(9)).isEqualTo(1);
        t.park();
        assertThat(t.isParked()).isTrue();
        t.unpark();
        assertThat(t.isParked()).isFalse();
        assertThat(t.failed(9)).isEqualTo(1);
    }
}
