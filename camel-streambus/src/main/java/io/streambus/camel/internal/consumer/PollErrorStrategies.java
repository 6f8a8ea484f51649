package io.streambus.camel.internal.consumer;

import io.streambus.camel.PollOnError;
import io.streambus.camel.internal.PartitionTracker;
import io.streambus.client.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link PollErrorStrategy} of each {@link PollOnError} value. Stateless; the strategies are shared. */
final class PollErrorStrategies {
    // The consumer thread's logger, so that these lines keep the category they always had.
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerTask.class);

    private static final PollErrorStrategy DISCARD = new Discard();
    private static final PollErrorStrategy ERROR_HANDLER = new ToErrorHandler();
    private static final PollErrorStrategy RETRY = new Retry();
    private static final PollErrorStrategy RECONNECT = new Reconnect();
    private static final PollErrorStrategy STOP = new Stop();

    private PollErrorStrategies() {}

    /** The strategy for {@code policy}; null means ERROR_HANDLER, the option's default. */
    static PollErrorStrategy of(PollOnError policy) {
        if (policy == null) {
            return ERROR_HANDLER;
        }
        return switch (policy) {
            case DISCARD -> DISCARD;
            case ERROR_HANDLER -> ERROR_HANDLER;
            case RETRY -> RETRY;
            case RECONNECT -> RECONNECT;
            case STOP -> STOP;
        };
    }

    /** Log, skip the record that cannot be converted, poll again after the backoff. */
    private static final class Discard implements PollErrorStrategy {
        @Override
        public boolean onPollError(ConsumerLoop loop, RuntimeException error, String message) {
            LOG.warn("{}: {} (pollOnError=DISCARD: polling again in {} ms)", loop.name(), error.toString(),
                    loop.backoffMs());
            loop.backoff();
            return true;
        }

        @Override
        public RecordOutcome onRecordError(ConsumerLoop loop, ConsumerRecord<?, ?> record, PartitionTracker tracker,
                                           RuntimeException error, String message) {
            LOG.warn("{}: {} (pollOnError=DISCARD: skipped)", loop.name(), message);
            tracker.handled(record.offset());
            return RecordOutcome.CONTINUE;
        }
    }

    /** Hand the error to the consumer's exception handler, then go on as DISCARD does. */
    private static final class ToErrorHandler implements PollErrorStrategy {
        @Override
        public boolean onPollError(ConsumerLoop loop, RuntimeException error, String message) {
            loop.exceptionHandler().handleException("Poll of " + loop.describeSource() + " failed", error);
            loop.backoff();
            return true;
        }

        @Override
        public RecordOutcome onRecordError(ConsumerLoop loop, ConsumerRecord<?, ?> record, PartitionTracker tracker,
                                           RuntimeException error, String message) {
            loop.exceptionHandler().handleException(message, error);
            tracker.handled(record.offset());
            return RecordOutcome.CONTINUE;
        }
    }

    /** Poll again with the same client consumer after the backoff, from the first record not yet handled. */
    private static final class Retry implements PollErrorStrategy {
        @Override
        public boolean onPollError(ConsumerLoop loop, RuntimeException error, String message) {
            LOG.warn("{}: {} (pollOnError=RETRY: polling again from the last processed records in {} ms)",
                    loop.name(), error.toString(), loop.backoffMs());
            loop.seekToHandled();
            loop.backoff();
            return true;
        }

        @Override
        public RecordOutcome onRecordError(ConsumerLoop loop, ConsumerRecord<?, ?> record, PartitionTracker tracker,
                                           RuntimeException error, String message) {
            LOG.warn("{}: {} (pollOnError=RETRY: read again in {} ms)", loop.name(), message, loop.backoffMs());
            loop.rewind(record.topicPartition(), record.offset());
            loop.backoff();
            return RecordOutcome.REPOSITIONED;
        }
    }

    /** A new client consumer after the backoff, from the first record not yet handled. */
    private static final class Reconnect implements PollErrorStrategy {
        @Override
        public boolean onPollError(ConsumerLoop loop, RuntimeException error, String message) {
            LOG.warn("{}: {} (pollOnError=RECONNECT: new consumer in {} ms)", loop.name(), error.toString(),
                    loop.backoffMs());
            loop.reconnectNow();
            return true;
        }

        @Override
        public RecordOutcome onRecordError(ConsumerLoop loop, ConsumerRecord<?, ?> record, PartitionTracker tracker,
                                           RuntimeException error, String message) {
            LOG.warn("{}: {} (pollOnError=RECONNECT)", loop.name(), message);
            loop.reconnectAfterPoll();
            return RecordOutcome.HALT;
        }
    }

    /** Stop the consumer thread; it reports FAILED until the route is restarted. */
    private static final class Stop implements PollErrorStrategy {
        @Override
        public boolean onPollError(ConsumerLoop loop, RuntimeException error, String message) {
            LOG.error("{}: {} (pollOnError=STOP: this consumer stops)", loop.name(), error.toString());
            loop.fail(message + " (pollOnError=STOP)", error);
            return false;
        }

        @Override
        public RecordOutcome onRecordError(ConsumerLoop loop, ConsumerRecord<?, ?> record, PartitionTracker tracker,
                                           RuntimeException error, String message) {
            LOG.error("{}: {} (pollOnError=STOP: this consumer stops)", loop.name(), message);
            loop.fail(message + " (pollOnError=STOP)", error);
            return RecordOutcome.HALT;
        }
    }
}
