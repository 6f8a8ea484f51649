package io.streambus.client.internal.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.client.internal.producer.Batch.State;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.TrackingAllocator;
import io.streambus.protocol.message.CompressionCodec;
import io.streambus.protocol.message.MessageBlockWriter;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The batch's state machine: the legal paths, the rejected transitions, and that buffers go back exactly once. */
class BatchTest {
    private final TrackingAllocator alloc = new TrackingAllocator();

    private Batch newBatch() {
        MessageBlockWriter w = new MessageBlockWriter(alloc, 64);
        w.append(0, 0, "k".getBytes(), "v".getBytes(), List.of());
        return new Batch(new TopicPartition("t", 0), 0, 1000, w, CompressionCodec.NONE, 1, new RecordSlotPool());
    }

    @AfterEach
    void allReleased() {
        alloc.assertAllReleased();
    }

    @Test
    void sentRetriedThenAcknowledged() {
        Batch b = newBatch();
        assertThat(b.isOpen()).isTrue();
        b.markFull();
        b.markFull();
        assertThat(b.isFull()).isTrue();
        b.startSending();
        assertThat(b.block().count()).isEqualTo(1);
        assertThat(b.beginAttempt()).isTrue();
        assertThat(b.startBackoff()).isTrue();
        assertThat(b.state()).isEqualTo(State.BACKOFF);
        assertThat(b.beginAttempt()).isTrue();
        assertThat(b.attempts).isEqualTo(2);
        assertThat(b.markCompleted()).isEqualTo(State.IN_FLIGHT);
        assertThat(b.markCompleted()).as("records complete once").isNull();
        assertThat(b.release()).isTrue();
        assertThat(b.release()).as("buffers go back once").isFalse();
        assertThat(b.state()).isEqualTo(State.RELEASED);
    }

    @Test
    void completedWhileBackingOffIsNotSentAgain() {
        Batch b = newBatch();
        b.startSending();
        b.beginAttempt();
        b.startBackoff();
        assertThat(b.markCompleted()).isEqualTo(State.BACKOFF);
        assertThat(b.beginAttempt()).isFalse();
        assertThat(b.startBackoff()).isFalse();
        b.release();
    }

    @Test
    void expiredWhileOpenReleasesItsWriter() {
        Batch b = newBatch();
        assertThat(b.markCompleted()).isEqualTo(State.OPEN);
        assertThat(b.release()).isTrue();
    }

    @Test
    void illegalTransitionsNameBothStates() {
        Batch b = newBatch();
        assertThatThrownBy(b::release).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("OPEN -> RELEASED");
        assertThatThrownBy(b::startBackoff).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("OPEN -> BACKOFF");
        b.startSending();
        assertThatThrownBy(b::markFull).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("IN_FLIGHT -> FULL");
        b.markCompleted();
        b.release();
        for (State from : State.values()) {
            assertThat(State.RELEASED.canMoveTo(from)).as("RELEASED is terminal").isFalse();
            assertThat(from.canMoveTo(State.OPEN)).as("nothing goes back to OPEN").isFalse();
        }
    }
}
