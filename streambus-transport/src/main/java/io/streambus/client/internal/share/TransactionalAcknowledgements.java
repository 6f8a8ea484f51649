package io.streambus.client.internal.share;

import io.streambus.client.share.AcknowledgeType;
import io.streambus.client.share.ShareRecord;
import io.streambus.protocol.txn.ProducerIdAndEpoch;
import java.util.Map;

/**
 * What a transactional producer needs from a share consumer to stage acknowledgements in its transaction (spec
 * B.13.15): the group to add with AddOffsetsToTxn, and the transactional ShareAcknowledge itself, which the consumer
 * sends because it knows its member id and tracks the records. Implemented by {@link ShareConsumerImpl}; for the
 * producer's internals only. Implementations are called from the application thread that uses the consumer.
 */
public interface TransactionalAcknowledgements {
    /** The share group whose records are acknowledged. */
    String groupId();

    /**
     * Stages {@code acknowledgements} (ACCEPT, RELEASE or REJECT each) in the transaction of {@code producer} with a
     * ShareAcknowledge carrying flag 0x0020 and its trailer, and waits for the answer until {@code deadlineNanos}
     * ({@link System#nanoTime()} clock). Staged records are no longer held by the consumer: they belong to the
     * transaction. A record that could not be staged is released (sent without the flag with the consumer's next
     * acknowledgements), so that it is delivered again once the transaction is aborted.
     *
     * @throws IllegalArgumentException if a type is RENEW
     * @throws IllegalStateException if a record was not returned by the latest polls or was acknowledged already
     * @throws io.streambus.client.share.InvalidRecordStateException if some records were not staged (52, or no
     *         longer held)
     * @throws io.streambus.client.StreamBusException for a request-level failure (nothing was staged)
     */
    void stage(Map<? extends ShareRecord<?, ?>, AcknowledgeType> acknowledgements, ProducerIdAndEpoch producer,
               long deadlineNanos);
}
