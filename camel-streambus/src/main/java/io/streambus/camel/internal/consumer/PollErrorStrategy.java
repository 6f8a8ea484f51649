package io.streambus.camel.internal.consumer;

import io.streambus.camel.PollOnError;
import io.streambus.camel.internal.PartitionTracker;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.common.TopicPartition;
import org.apache.camel.spi.ExceptionHandler;

/**
 * What a consumer thread does when a poll fails or a polled record cannot be turned into an exchange: one
 * implementation per {@link PollOnError} value, built by {@link PollErrorStrategies}. The thread has already recorded
 * the error in its health and filtered out fatal errors. Stateless; each call acts on the {@link ConsumerLoop} it is
 * given, from that consumer thread.
 */
interface PollErrorStrategy {

    /**
     * A poll failed.
     *
     * @param message "poll failed: ..." for the health and logs
     * @return false if the poll loop must end
     */
    boolean onPollError(ConsumerLoop loop, RuntimeException error, String message);

    /**
     * A polled record could not be turned into an exchange.
     *
     * @param message what went wrong, naming the record
     * @return what the loop does next
     */
    RecordOutcome onRecordError(ConsumerLoop loop, ConsumerRecord<?, ?> record, PartitionTracker tracker,
                                RuntimeException error, String message);

    /** What a strategy may do to the consumer thread that calls it. Implemented by {@link ConsumerTask}. */
    interface ConsumerLoop {
        /** The thread's name, for logs. */
        String name();

        /** The configured pause after an error, for logs. */
        long backoffMs();

        /** Waits {@link #backoffMs()} (less when the thread is asked to stop). */
        void backoff();

        /** The Camel consumer's exception handler. */
        ExceptionHandler exceptionHandler();

        /** Where the thread reads from, for messages. */
        String describeSource();

        /** Seeks every partition that is not parked back to its first record not yet handled. */
        void seekToHandled();

        /** Reads {@code partition} again from {@code offset}. */
        void rewind(TopicPartition partition, long offset);

        /** Closes the client consumer now and creates a new one after the backoff. */
        void reconnectNow();

        /** Closes the client consumer and creates a new one once the current poll's records are put back. */
        void reconnectAfterPoll();

        /** Stops the thread on an error: it reads nothing more and reports FAILED with this message. */
        void fail(String message, Throwable error);
    }
}
