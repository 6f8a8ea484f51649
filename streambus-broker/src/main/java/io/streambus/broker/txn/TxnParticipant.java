package io.streambus.broker.txn;

import java.util.concurrent.CompletableFuture;

/**
 * Something besides partitions and consumer-group offsets that takes part in transactions (for example share-group
 * acknowledgements staged in a transaction, B.13.15). Registered with
 * {@link TransactionCoordinator#registerParticipant}; the coordinator calls it when a transaction ends, after the
 * decision is durable and before it answers EndTxn or EndXaBranch (B.7.6: the reply is sent once the outcome is
 * visible), and for transactions aborted by their timeout or at a restart. Calls for one transaction never overlap;
 * calls for different transactions may run concurrently. Implementations must be thread-safe and idempotent (a
 * restart completing a decided transaction repeats the call).
 */
public interface TxnParticipant {
    /**
     * The transaction of {@code transactionalId} with producer id {@code producerId} ended.
     *
     * @param commit true for a commit, false for an abort
     * @return completes once the participant's part of the outcome is durable and visible
     */
    CompletableFuture<Void> transactionEnded(String transactionalId, long producerId, boolean commit);

    /**
     * The transaction is being prepared (PrepareTxn, B.7.8.3): the participant makes what it staged durable.
     * The default does nothing.
     */
    default CompletableFuture<Void> transactionPrepared(String transactionalId, long producerId) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * The transaction is about to be committed by EndTxn without having been prepared: the participant makes what
     * it staged durable, since a restart completes a decided commit (B.7.8.6). Called before the decision is
     * written; a failure leaves the transaction Ongoing. The default is {@link #transactionPrepared}.
     */
    default CompletableFuture<Void> transactionCommitting(String transactionalId, long producerId) {
        return transactionPrepared(transactionalId, producerId);
    }
}
