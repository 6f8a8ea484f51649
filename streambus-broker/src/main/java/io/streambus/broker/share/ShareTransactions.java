package io.streambus.broker.share;

import io.streambus.broker.txn.TransactionCoordinator;
import io.streambus.broker.txn.TxnParticipant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Share-group acknowledgements staged in transactions (spec B.13.15): the share coordinator's
 * {@link TxnParticipant}. It runs a transactional ShareAcknowledge under the transaction's lock (so the transaction
 * cannot complete while records are being staged in it), remembers which groups each transaction staged records in,
 * makes the staging durable at PrepareTxn or before an EndTxn commit decision (B.13.11), and applies or rolls back
 * the staged records when the transaction completes (commit, abort, timeout, InitProducerID, EndXaBranch).
 *
 * <p>Thread-safe. Lock order: transaction, then group (the coordinator calls the participant methods holding the
 * transaction's lock; the staging runs inside it).
 */
final class ShareTransactions implements TxnParticipant {
    private final ShareCoordinator shares;
    private final TransactionCoordinator transactions;
    /** Groups in which each open transaction staged records. */
    private final ConcurrentHashMap<String, Set<String>> groupsByTxn = new ConcurrentHashMap<>();

    ShareTransactions(ShareCoordinator shares, TransactionCoordinator transactions) {
        this.shares = shares;
        this.transactions = transactions;
    }

    /**
     * Runs {@code staging} (given the transaction id) for a transactional ShareAcknowledge of {@code groupId}, after
     * the producer validation and the check that the group was added to the transaction (B.13.15 checks 3 and 4).
     *
     * @throws io.streambus.broker.txn.TxnException 32, 35, 30, 38, 37 or 31
     */
    <T> T stage(long producerId, short epoch, String groupId, Function<String, T> staging) {
        return transactions.withTransactionalWrite(producerId, epoch, groupId, tid -> {
            staged(tid, groupId);
            return staging.apply(tid);
        });
    }

    /** Notes that {@code transactionalId} holds (or may hold) Staged records of {@code groupId}. */
    void staged(String transactionalId, String groupId) {
        groupsByTxn.computeIfAbsent(transactionalId, t -> ConcurrentHashMap.newKeySet()).add(groupId);
    }

    @Override
    public CompletableFuture<Void> transactionPrepared(String transactionalId, long producerId) {
        List<CompletableFuture<Void>> durable = new ArrayList<>();
        for (String groupId : groupsByTxn.getOrDefault(transactionalId, Set.of())) {
            ShareGroup g = shares.liveGroup(groupId);
            if (g == null) {
                continue;
            }
            synchronized (g) {
                for (SharePartition p : g.partitions.values()) {
                    List<ShareStateStore.StagedEntry> entries = p.stagedEntries(transactionalId);
                    if (!entries.isEmpty()) {
                        durable.add(shares.persistStaging(new ShareStateStore.Staging(g.id, p.topic, p.partition,
                                transactionalId, entries)));
                    }
                }
            }
        }
        return CompletableFuture.allOf(durable.toArray(new CompletableFuture<?>[0]));
    }

    @Override
    public CompletableFuture<Void> transactionEnded(String transactionalId, long producerId, boolean commit) {
        Set<String> groupIds = groupsByTxn.remove(transactionalId);
        if (groupIds == null) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Void>> durable = new ArrayList<>();
        for (String groupId : groupIds) {
            ShareGroup g = shares.liveGroup(groupId);
            if (g == null) {
                continue;
            }
            synchronized (g) {
                for (SharePartition p : g.partitions.values()) {
                    p.completeTransaction(transactionalId, commit, ArchiveReason.TXN_ABORTED, g.settings);
                }
                durable.add(shares.persistGroup(g));
            }
        }
        return CompletableFuture.allOf(durable.toArray(new CompletableFuture<?>[0]));
    }
}
