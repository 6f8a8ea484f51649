package io.streambus.camel.internal.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.camel.PollOnError;
import io.streambus.camel.internal.PartitionTracker;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.common.TopicPartition;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.junit.jupiter.api.Test;

/** Each pollOnError value's strategy, against a loop that records what it was asked to do. */
class PollErrorStrategiesTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final RuntimeException ERROR = new IllegalStateException("boom");

    /** Records the calls a strategy makes on its consumer loop. */
    private static final class RecordingLoop implements PollErrorStrategy.ConsumerLoop {
        final List<String> calls = new ArrayList<>();
        final List<Throwable> handled = new ArrayList<>();

        @Override
        public String name() {
            return "task#0";
        }

        @Override
        public long backoffMs() {
            return 10;
        }

        @Override
        public void backoff() {
            calls.add("backoff");
        }

        @Override
        public ExceptionHandler exceptionHandler() {
            return new ExceptionHandler() {
                @Override
                public void handleException(Throwable exception) {
                    handled.add(exception);
                }

                @Override
                public void handleException(String message, Throwable exception) {
                    handled.add(exception);
                }

                @Override
                public void handleException(String message, Exchange exchange, Throwable exception) {
                    handled.add(exception);
                }
            };
        }

        @Override
        public String describeSource() {
            return "brokers b";
        }

        @Override
        public void seekToHandled() {
            calls.add("seekToHandled");
        }

        @Override
        public void rewind(TopicPartition partition, long offset) {
            calls.add("rewind " + partition + "@" + offset);
        }

        @Override
        public void reconnectNow() {
            calls.add("reconnectNow");
        }

        @Override
        public void reconnectAfterPoll() {
            calls.add("reconnectAfterPoll");
        }

        @Override
        public void fail(String message, Throwable error) {
            calls.add("fail " + message);
        }
    }

    private static ConsumerRecord<Object, Object> record(long offset) {
        return new ConsumerRecord<>("t", 0, offset, ConsumerRecord.NO_TIMESTAMP, null, "v", List.of());
    }

    @Test
    void discardPollsAgainAfterTheBackoffAndSkipsTheRecord() {
        RecordingLoop loop = new RecordingLoop();
        PartitionTracker tracker = new PartitionTracker(TP);
        PollErrorStrategy s = PollErrorStrategies.of(PollOnError.DISCARD);

        assertThat(s.onPollError(loop, ERROR, "poll failed: boom")).isTrue();
        assertThat(s.onRecordError(loop, record(4), tracker, ERROR, "record t-0@4")).isEqualTo(RecordOutcome.CONTINUE);

        assertThat(loop.calls).containsExactly("backoff");
        assertThat(tracker.handledOffset()).as("the bad record counts as handled").isEqualTo(5);
        assertThat(loop.handled).isEmpty();
    }

    @Test
    void errorHandlerHandsTheErrorOverThenGoesOnAsDiscard() {
        RecordingLoop loop = new RecordingLoop();
        PartitionTracker tracker = new PartitionTracker(TP);
        PollErrorStrategy s = PollErrorStrategies.of(PollOnError.ERROR_HANDLER);

        assertThat(s.onPollError(loop, ERROR, "poll failed: boom")).isTrue();
        assertThat(s.onRecordError(loop, record(2), tracker, ERROR, "record t-0@2")).isEqualTo(RecordOutcome.CONTINUE);

        assertThat(loop.handled).containsExactly(ERROR, ERROR);
        assertThat(loop.calls).containsExactly("backoff");
        assertThat(tracker.handledOffset()).isEqualTo(3);
        assertThat(PollErrorStrategies.of(null)).as("the option's default").isSameAs(s);
    }

    @Test
    void retryRepositionsToTheFirstUnhandledRecord() {
        RecordingLoop loop = new RecordingLoop();
        PartitionTracker tracker = new PartitionTracker(TP);
        PollErrorStrategy s = PollErrorStrategies.of(PollOnError.RETRY);

        assertThat(s.onPollError(loop, ERROR, "poll failed: boom")).isTrue();
        assertThat(s.onRecordError(loop, record(7), tracker, ERROR, "record t-0@7"))
                .isEqualTo(RecordOutcome.REPOSITIONED);

        assertThat(loop.calls).containsExactly("seekToHandled", "backoff", "rewind t-0@7", "backoff");
        assertThat(tracker.handledOffset()).as("nothing skipped").isEqualTo(-1);
    }

    @Test
    void reconnectReplacesTheClientConsumer() {
        RecordingLoop loop = new RecordingLoop();
        PollErrorStrategy s = PollErrorStrategies.of(PollOnError.RECONNECT);

        assertThat(s.onPollError(loop, ERROR, "poll failed: boom")).isTrue();
        assertThat(s.onRecordError(loop, record(1), new PartitionTracker(TP), ERROR, "record t-0@1"))
                .isEqualTo(RecordOutcome.HALT);

        assertThat(loop.calls).containsExactly("reconnectNow", "reconnectAfterPoll");
    }

    @Test
    void stopEndsTheLoopAndFailsTheThread() {
        RecordingLoop loop = new RecordingLoop();
        PollErrorStrategy s = PollErrorStrategies.of(PollOnError.STOP);

        assertThat(s.onPollError(loop, ERROR, "poll failed: boom")).isFalse();
        assertThat(s.onRecordError(loop, record(1), new PartitionTracker(TP), ERROR, "record t-0@1"))
                .isEqualTo(RecordOutcome.HALT);

        assertThat(loop.calls).containsExactly("fail poll failed: boom (pollOnError=STOP)",
                "fail record t-0@1 (pollOnError=STOP)");
    }

    @Test
    void everyPolicyHasItsOwnStrategy() {
        assertThat(java.util.Arrays.stream(PollOnError.values()).map(PollErrorStrategies::of).distinct())
                .hasSize(PollOnError.values().length);
    }
}
