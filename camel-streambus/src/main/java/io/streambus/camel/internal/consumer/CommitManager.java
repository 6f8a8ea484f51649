package io.streambus.camel.internal.consumer;

import io.streambus.camel.consumer.StreamBusManualCommit;
import io.streambus.client.StreamBusException;
import io.streambus.common.TopicPartition;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.Exchange;

/**
 * How one consumer thread commits the offsets it handled: automatically on an interval and before it gives
 * partitions up ({@code AUTO}), only when the route says so through the manual-commit header ({@code MANUAL}), in the
 * exchange's StreamBus transaction ({@code TRANSACTION}), or not at all ({@code NONE}). Built by {@link CommitManagers}; one per client consumer, replaced when the thread creates a
 * new client consumer. Not thread-safe: called only from the consumer thread that owns it (futures may complete on
 * client threads; tracker updates are handed back to the consumer thread).
 */
interface CommitManager {

    /**
     * The timeout of the next poll.
     *
     * @param configured the configured poll timeout
     * @return {@code configured} (the default), or less when an automatic commit falls due earlier
     */
    default Duration pollTimeout(Duration configured) {
        return configured;
    }

    /** Called after each poll and each record: commits if an automatic commit is due. Default: nothing. */
    default void maybeCommit() {
        // nothing is committed automatically
    }

    /**
     * The thread is about to give these partitions up (revocation, reconnect, shutdown) or to read one again from a
     * failed record: commits what was handled on them and not yet committed, waiting for the answer. A failed commit
     * is logged; it is retried at the next chance. Default: nothing (nothing is committed, or the route commits).
     */
    default void commitHandled(Collection<TopicPartition> partitions) {
        // nothing is committed automatically
    }

    /**
     * The manual-commit handle to put on the exchange of a record.
     *
     * @return the handle, or null (the default) when the route does not commit
     */
    default StreamBusManualCommit manualCommitHandle(TopicPartition partition, long offset) {
        return null;
    }

    /**
     * Commits {@code nextOffset} for {@code partition} at the route's request (manual commit).
     *
     * @return completes when committed; fails when the partition is not owned any more or the commit failed (by
     *         default it always fails: the route does not commit)
     */
    default CompletableFuture<Void> commitManually(TopicPartition partition, long nextOffset, boolean sync) {
        return CompletableFuture.failedFuture(notAssigned(partition, nextOffset));
    }

    /**
     * {@link #prepare} for the exchange of one record, the next offset after it given directly: a manager that hands
     * nothing over builds no map per record. Default: nothing.
     */
    default void prepareOne(Exchange exchange, TopicPartition partition, long nextOffset) {
        // nothing to hand over
    }

    /**
     * Called before the route gets the exchange of these records. Default: nothing (a transacted consumer leaves
     * the offsets on the exchange for its transaction).
     *
     * @param nextOffsets partition → the next offset after the exchange's last record of it
     */
    default void prepare(Exchange exchange, Map<TopicPartition, Long> nextOffsets) {
        // nothing to hand over
    }

    /**
     * After the route, before the exchange's records count as handled: whether the exchange's transaction committed
     * the offsets {@link #prepare prepared} for it. If so the manager has marked them committed on the trackers, and
     * the records count as processed whatever the exchange outcome says. Default: false.
     */
    default boolean committedWith(Exchange exchange) {
        return false;
    }

    /**
     * After the route: whether the exchange's transaction got no answer to its commit, so that its offsets may or may
     * not have been committed. The consumer must then take its position in the exchange's partitions from the
     * committed offsets, not from what it processed. Default: false.
     */
    default boolean inDoubt(Exchange exchange) {
        return false;
    }

    /** For logs: how and where offsets are committed ("none", "auto to group g"). */
    String describe();

    /** The failure of a manual commit for a partition this thread does not own (any more). */
    static StreamBusException notAssigned(TopicPartition partition, long nextOffset) {
        return new StreamBusException("cannot commit offset " + (nextOffset - 1) + " of " + partition
                + ": the partition is no longer assigned to this consumer (rebalanced or stopped)");
    }
}
