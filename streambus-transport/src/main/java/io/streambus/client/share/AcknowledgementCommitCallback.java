package io.streambus.client.share;

import io.streambus.common.TopicPartition;

import java.util.Set;

/**
 * Told the outcome of acknowledgements the broker answered (Kafka's {@code AcknowledgementCommitCallback}):
 * those sent by {@link ShareConsumer#commitSync}, {@link ShareConsumer#commitAsync}, piggy-backed on a fetch, or
 * sent by poll and close. Called on the thread that calls {@code poll}, {@code commitSync} or {@code close}, once
 * per partition and request.
 */
@FunctionalInterface
public interface AcknowledgementCommitCallback {

    /**
     * @param partition the partition
     * @param offsets   the offsets whose acknowledgements this outcome covers
     * @param exception null on success; {@link InvalidRecordStateException} naming the offsets that were not
     *                  applied (their locks had ended: they are or will be delivered again), or another
     *                  {@link io.streambus.client.StreamBusException} when none was applied
     */
    void onComplete(TopicPartition partition, Set<Long> offsets, Exception exception);
}
