package io.streambus.jms.internal;

import io.streambus.common.TopicPartition;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.client.producer.Producer;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Where a JMS consumer's records come from: explicitly assigned partitions ({@link AssignedSource}) or a consumer
 * group ({@link GroupSource}). Every method but {@link #wakeup()} is called on the consumer's fetcher thread only,
 * because the client consumers are not thread-safe.
 */
interface RecordSource {

    /** Partition (re)assignment callbacks, called on the fetcher thread (inside {@link #poll}). */
    interface Listener {
        void assigned(Collection<TopicPartition> partitions);

        void revoked(Collection<TopicPartition> partitions);
    }

    /** Subscribes or assigns, and resolves starting positions so that nothing sent after this is missed. */
    void open(Duration timeout);

    ConsumerRecords<byte[], byte[]> poll(Duration timeout);

    /**
     * True when positions are only known after the first assignment, which arrives in a {@link #poll}: the consumer
     * is handed to the application once that happened (so that a {@code receive} right after creation does not
     * miss messages that are already there).
     */
    default boolean assignsInPoll() {
        return false;
    }

    /** True when commits are bookkeeping only (no broker request): they may run on any thread. */
    boolean localCommits();

    /** Commits next-offsets-to-consume. */
    void commit(Map<TopicPartition, Long> offsets, Duration timeout);

    /**
     * Starts committing next-offsets-to-consume without waiting for the broker; the future completes (on any thread)
     * once it answered, exceptionally when it refused or did not answer in time. The default commits synchronously.
     */
    default CompletableFuture<Void> commitAsync(Map<TopicPartition, Long> offsets, Duration timeout) {
        commit(offsets, timeout);
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Stages next-offsets-to-consume in {@code producer}'s open transaction (AddOffsetsToTxn and TxnOffsetCommit,
     * spec B.7.4/B.7.5) instead of committing them, for an XA branch.
     *
     * (The producer's {@code max.block.ms} bounds the wait.)
     *
     * @return false when this source has nothing to stage on the broker (its commits are local, {@link #commit}
     *         applies them once the transaction committed)
     * @throws RuntimeException when the broker refused them
     */
    default boolean stageInTransaction(Map<TopicPartition, Long> offsets, Producer<?, ?> producer) {
        return false;
    }

    void seek(TopicPartition partition, long offset);

    Set<TopicPartition> assignment();

    void pause(Collection<TopicPartition> partitions);

    void resume(Collection<TopicPartition> partitions);

    /** Interrupts a running or the next poll; any thread. */
    void wakeup();

    void close(Duration timeout);

    /**
     * True when messages are settled one by one (a share-group member) instead of by committing positions: the
     * consumer then reports deliveries with {@link #handed} and settles with {@link #settleHanded}, and never seeks.
     */
    default boolean perRecordAcks() {
        return false;
    }

    /** The delivery count of a fetched record; {@code local} is the consumer's own count. Any thread. */
    default int deliveryCount(TopicPartition tp, long offset, int local) {
        return local;
    }

    /** Per-record sources: the record was handed to the application. Any thread. */
    default void handed(TopicPartition tp, long offset) {
    }

    /** Per-record sources: the record is consumed without delivery (expired, noLocal): accepted. Any thread. */
    default void passedOver(TopicPartition tp, long offset) {
    }

    /** Per-record sources: the consumer's selector rejected the record; it goes back to the queue. Any thread. */
    default void skippedBySelector(TopicPartition tp, long offset) {
    }

    /**
     * Per-record sources, fetcher thread: sends the settlements decided so far and waits for the broker's answer.
     *
     * @throws RuntimeException when the broker refused some of them or did not answer in time
     */
    default void confirm(Duration timeout) {
    }

    /** Per-record sources: accepts (true) or releases (false) every handed record not settled yet. Any thread. */
    default void settleHanded(boolean accept) {
    }

    /** Per-record sources: true when handed records await their settlement. Any thread. */
    default boolean hasHanded() {
        return false;
    }

    /**
     * Per-record sources, fetcher thread: stages the acceptance of every handed record in {@code producer}'s open
     * transaction (spec B.13.15): they are accepted if and only if the transaction commits, delivered again (count
     * + 1) if it aborts. The source forgets them.
     *
     * @return false when nothing was handed
     * @throws RuntimeException from {@link Producer#sendAcknowledgementsToTransaction}; records not staged are
     *         released (InvalidRecordStateException, the transaction can then only abort) or stay handed (nothing was
     *         sent)
     */
    default boolean stageHandedInTransaction(Producer<?, ?> producer) {
        return false;
    }
}
