package io.streambus.client.internal.producer;

import io.streambus.client.Futures;
import io.streambus.client.StreamBusException;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.consumer.CommitFailedException;
import io.streambus.client.consumer.ConsumerGroupMetadata;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.client.internal.net.Errors;
import io.streambus.client.internal.net.RequestSender;
import io.streambus.client.internal.share.TransactionalAcknowledgements;
import io.streambus.client.share.AcknowledgeType;
import io.streambus.client.share.ShareRecord;
import io.streambus.client.producer.XaBranchException;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.PartitionOffset;
import io.streambus.protocol.PartitionResult;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.txn.AddOffsetsToTxnRequest;
import io.streambus.protocol.txn.AddPartitionsToTxnRequest;
import io.streambus.protocol.txn.AddPartitionsToTxnResponse;
import io.streambus.protocol.txn.EndTxnRequest;
import io.streambus.protocol.txn.EndXaBranchRequest;
import io.streambus.protocol.txn.InitProducerIdRequest;
import io.streambus.protocol.txn.InitProducerIdResponse;
import io.streambus.protocol.txn.InitXaBranchRequest;
import io.streambus.protocol.txn.InitXaBranchResponse;
import io.streambus.protocol.txn.PrepareTxnRequest;
import io.streambus.protocol.txn.ProducerIdAndEpoch;
import io.streambus.protocol.txn.TxnOffsetCommitRequest;
import io.streambus.protocol.txn.TxnOffsetCommitResponse;
import io.streambus.protocol.txn.XaAction;
import io.streambus.protocol.txn.Xid;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactional side of a producer (spec B.7, and the branch side of B.7.8): the transaction id, the producer
 * id and epoch it maps to, the partitions and groups of the current transaction, and the {@link State} machine the
 * public methods move along. Requests use the client's retry policy (33 and 37 are retried); their failures are
 * typed by {@link TxnErrors}. Thread-safe: state under this object's monitor; the blocking methods wait outside it.
 */
final class TransactionManager {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionManager.class);

    /** Where the transactional producer is; transitions are checked. */
    enum State {
        /** {@code initTransactions} (or a first XA branch) not done yet. */
        UNINITIALIZED,
        /** InitProducerID / InitXaBranch outstanding. */
        INITIALIZING,
        /** Initialized, no transaction open. */
        READY,
        /** A transaction (or XA branch) is open: sends belong to it. */
        IN_TRANSACTION,
        /** Flushing the transaction's records, then EndTxn commit (or PrepareTxn for a branch). */
        COMMITTING,
        /** Waiting for records in flight, then EndTxn abort / EndXaBranch rollback. */
        ABORTING,
        /** A send or request of the transaction failed: only an abort is allowed. */
        ABORTABLE_ERROR,
        /** Fenced or otherwise unusable: every method fails; close the producer. */
        FATAL_ERROR;

        boolean canMoveTo(State next) {
            if (next == FATAL_ERROR) {
                return this != FATAL_ERROR;
            }
            return switch (this) {
                case UNINITIALIZED -> next == INITIALIZING;
                case INITIALIZING -> next == READY || next == UNINITIALIZED || next == IN_TRANSACTION;
                case READY -> next == IN_TRANSACTION || next == INITIALIZING;
                case IN_TRANSACTION -> next == COMMITTING || next == ABORTING || next == ABORTABLE_ERROR;
                case COMMITTING -> next == READY || next == ABORTABLE_ERROR || next == ABORTING || next == COMMITTING;
                case ABORTING -> next == READY || next == ABORTING;
                case ABORTABLE_ERROR -> next == ABORTING || next == ABORTABLE_ERROR;
                case FATAL_ERROR -> false;
            };
        }
    }

    /** Whether a partition is part of the current transaction yet. */
    enum PartitionStatus {
        /** Added: its batches may be sent. */
        ADDED,
        /** AddPartitionsToTxn outstanding; its completion dispatches again. */
        PENDING
    }

    private final String configuredId;
    private final int timeoutMs;
    private final RequestSender network;
    private final ProducerIdentity identity;
    private final boolean idempotenceWanted;
    private final LongConsumer flusher;
    private final Runnable dispatchAll;
    // Guarded by this.
    private State state = State.UNINITIALIZED;
    private String transactionalId;
    private ProducerIdAndEpoch id;
    private final Set<TopicPartition> added = new HashSet<>();
    private final Set<TopicPartition> adding = new HashSet<>();
    private final Set<String> groups = new HashSet<>();
    /** The consumer generations whose offsets this transaction commits, by group: checked again before commit. */
    private final Map<String, ConsumerGroupMetadata> consumedUnder = new HashMap<>();
    private Throwable error;
    /**
     * True once a sequenced batch of the transaction failed after it took its sequences: the broker stored none of
     * them (B.12.3 appends nothing on a refusal), so the producer's next sequences on that partition are ahead of
     * the broker's and every later batch would get 47. The abort then takes a new epoch (InitProducerID, B.7.2),
     * under which every partition starts at sequence 0 again (B.12.6).
     */
    private boolean sequencesLost;
    /** The XA branch this producer holds, or null for an ordinary transaction. */
    private Xid xid;

    /**
     * @param transactionalId {@code transactional.id} ("" for a producer used only for XA branches)
     * @param flusher         sends every queued batch and waits (up to the given nanoseconds) for all of them
     * @param dispatchAll     lets every partition send what it may (after a partition was added)
     */
    TransactionManager(String transactionalId, int timeoutMs, RequestSender network, ProducerIdentity identity,
                       boolean idempotenceWanted, LongConsumer flusher, Runnable dispatchAll) {
        this.configuredId = transactionalId;
        this.transactionalId = transactionalId;
        this.timeoutMs = timeoutMs;
        this.network = network;
        this.identity = identity;
        this.idempotenceWanted = idempotenceWanted;
        this.flusher = flusher;
        this.dispatchAll = dispatchAll;
    }

    synchronized State state() {
        return state;
    }

    private void moveTo(State next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("transactional producer " + transactionalId + ": illegal transition "
                    + state + " -> " + next);
        }
        state = next;
    }

    /** Throws the fatal error if there is one, or IllegalStateException unless the state is one of {@code ok}. */
    private void require(String what, State... ok) {
        if (state == State.FATAL_ERROR) {
            throw Errors.toStreamBus(error, what);
        }
        for (State s : ok) {
            if (state == s) {
                return;
            }
        }
        if (state == State.ABORTABLE_ERROR) {
            throw new StreamBusException("cannot " + what + ": the transaction failed and must be aborted ("
                    + error + ")", error);
        }
        throw new IllegalStateException("cannot " + what + " in transaction state " + state);
    }

    private BrokerCapabilities capabilities(long deadline) {
        return Futures.await(network.capabilities(deadline), deadline - System.nanoTime(),
                "learning the broker's capabilities");
    }

    // ---- ordinary transactions (B.7) --------------------------------------------------------------------------

    /** {@code initTransactions}: InitProducerID with the transaction id (B.7.2). */
    void init(long deadline) {
        if (configuredId.isEmpty()) {
            throw new IllegalStateException("initTransactions needs transactional.id");
        }
        BrokerCapabilities caps = capabilities(deadline);
        if (!caps.supportsTransactions()) {
            throw new UnsupportedFeatureException(BrokerCapabilities.CAP_TRANSACTIONS, network.activeAddress());
        }
        synchronized (this) {
            require("initTransactions", State.UNINITIALIZED);
            moveTo(State.INITIALIZING);
        }
        InitProducerIdResponse r;
        try {
            r = Futures.await(network.call(new InitProducerIdRequest(configuredId, timeoutMs),
                            d -> d.body(InitProducerIdResponse.class), deadline),
                    deadline - System.nanoTime(), "InitProducerID for " + configuredId);
        } catch (RuntimeException e) {
            throw failInit(e, "initTransactions for " + configuredId);
        }
        establish(new ProducerIdAndEpoch(r.producerId(), r.producerEpoch()), caps, State.READY);
        LOG.info("transactional producer {} has producer id {} epoch {}", configuredId, r.producerId(),
                r.producerEpoch());
    }

    private StreamBusException failInit(RuntimeException e, String what) {
        StreamBusException typed = TxnErrors.map(e, what);
        synchronized (this) {
            if (TxnErrors.isFatal(typed)) {
                error = typed;
                moveTo(State.FATAL_ERROR);
            } else {
                moveTo(id == null ? State.UNINITIALIZED : State.READY);
            }
        }
        return typed;
    }

    private void establish(ProducerIdAndEpoch newId, BrokerCapabilities caps, State next) {
        boolean sequenced = idempotenceWanted && caps.supportsIdempotence();
        if (identity.mode() != ProducerIdentity.Mode.PENDING) {
            identity.unestablish();
        }
        synchronized (this) {
            id = newId;
            added.clear();
            adding.clear();
            groups.clear();
            consumedUnder.clear();
            moveTo(next);
        }
        identity.establish(newId, sequenced);
        dispatchAll.run();
    }

    /** {@code beginTransaction}. */
    synchronized void begin() {
        require("beginTransaction", State.READY);
        if (configuredId.isEmpty()) {
            throw new IllegalStateException("beginTransaction needs transactional.id");
        }
        if (xid != null) {
            throw new IllegalStateException("this producer holds XA branch " + xid + "; end it first");
        }
        added.clear();
        adding.clear();
        groups.clear();
        consumedUnder.clear();
        error = null;
        moveTo(State.IN_TRANSACTION);
    }

    /** Checked on every send: the producer must be in a transaction. */
    synchronized void checkSend() {
        require("send outside a transaction (call beginTransaction first)", State.IN_TRANSACTION);
    }

    /** The error queued batches fail with (the transaction is failing or being aborted), or null. */
    synchronized Throwable sendError() {
        return switch (state) {
            case ABORTABLE_ERROR, FATAL_ERROR -> error;
            case ABORTING -> new io.streambus.client.producer.TransactionAbortedException(ErrorCode.TRANSACTION_ABORTED,
                    "", "the transaction of " + transactionalId + " is being aborted; record not sent");
            default -> null;
        };
    }

    /** The transactional trailer (B.7.7). */
    synchronized ProducerIdAndEpoch trailer() {
        return id;
    }

    /**
     * Whether {@code tp} is in the transaction; if not, adds it (AddPartitionsToTxn, B.7.3) and dispatches again
     * when that completes.
     */
    PartitionStatus partitionStatus(TopicPartition tp) {
        AddPartitionsToTxnRequest request;
        synchronized (this) {
            if (added.contains(tp)) {
                return PartitionStatus.ADDED;
            }
            if (!adding.add(tp)) {
                return PartitionStatus.PENDING;
            }
            request = new AddPartitionsToTxnRequest(transactionalId, id.producerId(), id.producerEpoch(),
                    TopicPartitions.of(tp.topic(), List.of(tp.partition())));
        }
        network.call(request, d -> d.body(AddPartitionsToTxnResponse.class)).whenComplete((r, err) -> {
            Throwable failure = err;
            if (failure == null) {
                for (TopicPartitions.Topic<PartitionResult> t : r.results().topics()) {
                    for (PartitionResult pr : t.partitions()) {
                        if (pr.errorCode() != ErrorCode.NONE) {
                            failure = TxnErrors.map(pr.errorCode(), "", "AddPartitionsToTxn " + t.name() + "/"
                                    + pr.partition());
                        }
                    }
                }
            }
            synchronized (this) {
                adding.remove(tp);
                if (failure == null) {
                    added.add(tp);
                }
            }
            if (failure != null) {
                onSendFailure(TxnErrors.map(failure, "adding " + tp + " to the transaction of " + transactionalId));
            }
            dispatchAll.run();
        });
        return PartitionStatus.PENDING;
    }

    /**
     * A sequenced batch of the transaction failed for good after it was sent: as {@link #onSendFailure}, and the
     * abort re-initialises the producer so that its sequences restart in step with the broker.
     */
    synchronized void onSequencedSendFailure(Throwable e) {
        sequencesLost = true;
        onSendFailure(e);
    }

    /**
     * A send of the transaction failed: the transaction must be aborted (or the producer closed, if fatal). In an
     * XA branch nothing is fatal for the producer: the branch is rolled back at prepare (B.7.8.8).
     */
    synchronized void onSendFailure(Throwable e) {
        if (state == State.FATAL_ERROR) {
            return;
        }
        if (TxnErrors.isFatal(e) && xid == null) {
            error = e;
            moveTo(State.FATAL_ERROR);
        } else if (state == State.IN_TRANSACTION || state == State.COMMITTING
                || state == State.ABORTABLE_ERROR) {
            if (error == null) {
                error = e;
            }
            moveTo(State.ABORTABLE_ERROR);
        }
    }

    /** {@code sendOffsetsToTransaction}: AddOffsetsToTxn once per group, then TxnOffsetCommit (B.7.4, B.7.5). */
    void sendOffsets(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group, long deadline) {
        String tid;
        ProducerIdAndEpoch pid;
        boolean addGroup;
        synchronized (this) {
            require("sendOffsetsToTransaction", State.IN_TRANSACTION);
            tid = transactionalId;
            pid = id;
            addGroup = !groups.contains(group.groupId());
        }
        try {
            checkHeld(group);
            synchronized (this) {
                consumedUnder.put(group.groupId(), group);
            }
            if (addGroup) {
                Futures.await(network.call(new AddOffsetsToTxnRequest(tid, pid.producerId(), pid.producerEpoch(),
                        group.groupId()), d -> null, deadline), deadline - System.nanoTime(),
                        "AddOffsetsToTxn for group " + group.groupId());
                synchronized (this) {
                    groups.add(group.groupId());
                }
            }
            Map<String, List<PartitionOffset>> byTopic = new LinkedHashMap<>();
            offsets.forEach((tp, om) -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>())
                    .add(new PartitionOffset(tp.partition(), om.offset(), om.metadata())));
            TxnOffsetCommitResponse r = Futures.await(network.call(new TxnOffsetCommitRequest(tid, group.groupId(),
                            pid.producerId(), pid.producerEpoch(), TopicPartitions.of(byTopic)),
                            d -> d.body(TxnOffsetCommitResponse.class), deadline), deadline - System.nanoTime(),
                    "TxnOffsetCommit for group " + group.groupId());
            for (TopicPartitions.Topic<PartitionResult> t : r.results().topics()) {
                for (PartitionResult pr : t.partitions()) {
                    if (pr.errorCode() != ErrorCode.NONE) {
                        throw TxnErrors.map(pr.errorCode(), "", "TxnOffsetCommit " + t.name() + "/" + pr.partition()
                                + " for group " + group.groupId());
                    }
                }
            }
        } catch (RuntimeException e) {
            StreamBusException typed = TxnErrors.map(e, "sendOffsetsToTransaction for group " + group.groupId());
            onSendFailure(typed);
            throw typed;
        }
    }

    /**
     * TxnOffsetCommit carries no generation (B.7.5), so the broker cannot fence a member that lost its partitions
     * (Kafka's broker does since KIP-447): the client refuses offsets of a generation its consumer no longer holds.
     */
    private static void checkHeld(ConsumerGroupMetadata group) {
        if (!group.isHeld()) {
            throw new CommitFailedException("the consumer of group '" + group.groupId() + "' no longer holds "
                    + "generation " + group.generationId() + " (member " + group.memberId() + "): another member may "
                    + "already read these partitions from the last commit; abort the transaction");
        }
    }

    /**
     * {@code sendAcknowledgementsToTransaction} (B.13.15): AddOffsetsToTxn once per share group, then the consumer's
     * transactional ShareAcknowledge. A record not staged makes the transaction abortable (client rule 4).
     *
     * @throws UnsupportedFeatureException (capability {@code txn-share-acks}) before anything is sent, when the
     *         broker does not advertise TXN_SHARE_ACKS; the transaction is unaffected
     */
    void sendShareAcknowledgements(Map<? extends ShareRecord<?, ?>, AcknowledgeType> acks,
                                   TransactionalAcknowledgements consumer, long deadline) {
        String tid;
        ProducerIdAndEpoch pid;
        boolean addGroup;
        String group = consumer.groupId();
        synchronized (this) {
            require("sendAcknowledgementsToTransaction", State.IN_TRANSACTION);
            tid = transactionalId;
            pid = id;
            addGroup = !groups.contains(group);
        }
        if (!capabilities(deadline).supportsTxnShareAcks()) {
            throw new UnsupportedFeatureException(BrokerCapabilities.CAP_TXN_SHARE_ACKS, network.activeAddress());
        }
        try {
            if (addGroup) {
                Futures.await(network.call(new AddOffsetsToTxnRequest(tid, pid.producerId(), pid.producerEpoch(),
                        group), d -> null, deadline), deadline - System.nanoTime(),
                        "AddOffsetsToTxn for share group " + group);
                synchronized (this) {
                    groups.add(group);
                }
            }
            consumer.stage(acks, pid, deadline);
        } catch (IllegalArgumentException | IllegalStateException usage) {
            throw usage; // nothing was sent for these records: the transaction is unaffected
        } catch (RuntimeException e) {
            StreamBusException typed = TxnErrors.map(e, "sendAcknowledgementsToTransaction for share group "
                    + group);
            onSendFailure(typed);
            throw typed;
        }
    }

    /** {@code commitTransaction}: flush, then EndTxn commit (B.7.6); a failed send makes it throw instead. */
    void commit(long deadline) {
        synchronized (this) {
            require("commitTransaction", State.IN_TRANSACTION, State.COMMITTING);
            moveTo(State.COMMITTING);
        }
        endTransaction(true, deadline);
    }

    /** {@code abortTransaction}: waits for the records in flight, then EndTxn abort. */
    void abort(long deadline) {
        synchronized (this) {
            require("abortTransaction", State.IN_TRANSACTION, State.COMMITTING, State.ABORTABLE_ERROR,
                    State.ABORTING);
            moveTo(State.ABORTING);
        }
        endTransaction(false, deadline);
    }

    private void endTransaction(boolean commit, long deadline) {
        String what = (commit ? "commit" : "abort") + " of the transaction of " + transactionalId;
        flusher.accept(Math.max(0, deadline - System.nanoTime()));
        String tid;
        ProducerIdAndEpoch pid;
        boolean empty;
        List<ConsumerGroupMetadata> held;
        synchronized (this) {
            if (commit && state == State.ABORTABLE_ERROR) {
                throw new StreamBusException("cannot commit: a record of the transaction failed; abort it ("
                        + error + ")", error);
            }
            if (state == State.FATAL_ERROR) {
                throw Errors.toStreamBus(error, what);
            }
            tid = transactionalId;
            pid = id;
            empty = added.isEmpty() && groups.isEmpty() && xid == null;
            held = List.copyOf(consumedUnder.values());
        }
        if (commit) {
            try {
                held.forEach(TransactionManager::checkHeld); // the last moment before the commit is decided
            } catch (CommitFailedException e) {
                onSendFailure(e);
                throw e;
            }
        }
        if (!empty) {
            try {
                Futures.await(network.call(new EndTxnRequest(tid, pid.producerId(), pid.producerEpoch(), commit),
                        d -> null, deadline), deadline - System.nanoTime(), "EndTxn (" + what + ")");
            } catch (RuntimeException e) {
                StreamBusException typed = TxnErrors.map(e, what);
                synchronized (this) {
                    if (TxnErrors.isFatal(typed)) {
                        error = typed;
                        moveTo(State.FATAL_ERROR);
                    } else if (commit && !typed.isRetriable()) {
                        error = typed;
                        moveTo(State.ABORTABLE_ERROR);
                    }
                }
                throw typed;
            }
        }
        boolean reinit;
        synchronized (this) {
            reinit = !commit && sequencesLost && xid == null;
            endBranch();
            if (!reinit) {
                moveTo(State.READY);
            }
        }
        if (reinit) {
            reinitialise(deadline);
        }
    }

    /**
     * After an abort that left the sequences ahead of the broker's: InitProducerID with the transaction id gives the
     * next epoch (B.7.2) and every partition starts at sequence 0 under it (B.12.3 step 6.1, B.12.6); Kafka bumps
     * the epoch after such an abort too. On failure the state stays ABORTING, so a repeated abort tries again.
     */
    private void reinitialise(long deadline) {
        BrokerCapabilities caps = capabilities(deadline);
        InitProducerIdResponse r;
        long pauseMs = 10;
        while (true) {
            try {
                r = Futures.await(network.call(new InitProducerIdRequest(configuredId, timeoutMs),
                                d -> d.body(InitProducerIdResponse.class), deadline),
                        deadline - System.nanoTime(), "InitProducerID for " + configuredId + " after an abort");
                break;
            } catch (RuntimeException e) {
                StreamBusException typed = TxnErrors.map(e, "re-initialising " + configuredId + " after an abort");
                if (TxnErrors.isFatal(typed)) {
                    synchronized (this) {
                        error = typed;
                        moveTo(State.FATAL_ERROR);
                    }
                    throw typed;
                }
                // 37: the abort is still being completed; retriable codes are asked again until the deadline
                if (!typed.isRetriable()
                        || deadline - System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(pauseMs) <= 0) {
                    throw typed;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pauseMs));
                pauseMs = Math.min(pauseMs * 2, 500);
            }
        }
        synchronized (this) {
            sequencesLost = false;
        }
        LOG.info("transactional producer {}: sequences were spent by refused batches of the aborted transaction; "
                + "producer id {} now has epoch {}, sequences restart at 0", configuredId, r.producerId(),
                r.producerEpoch());
        establish(new ProducerIdAndEpoch(r.producerId(), r.producerEpoch()), caps, State.READY);
    }

    // ---- XA branches (B.7.8) ------------------------------------------------------------------------------------

    /** Starts branch {@code branch} (InitXaBranch, B.7.8.2); the following sends belong to it. */
    void startXa(String prefix, Xid branch, int branchTimeoutMs, long deadline) {
        BrokerCapabilities caps = capabilities(deadline);
        if (!caps.supportsTwoPhaseCommit()) {
            throw new UnsupportedFeatureException(BrokerCapabilities.CAP_TWO_PHASE_COMMIT, network.activeAddress());
        }
        String tid = branch.transactionId(prefix);
        synchronized (this) {
            require("start XA branch " + branch, State.UNINITIALIZED, State.READY);
            moveTo(State.INITIALIZING);
        }
        InitXaBranchResponse r;
        try {
            r = Futures.await(network.call(new InitXaBranchRequest(tid, branch, branchTimeoutMs),
                    d -> d.body(InitXaBranchResponse.class), deadline), deadline - System.nanoTime(),
                    "InitXaBranch for " + branch);
        } catch (RuntimeException e) {
            synchronized (this) {
                moveTo(id == null ? State.UNINITIALIZED : State.READY);
            }
            throw XaBranchException.of(Errors.unwrap(e), "InitXaBranch for " + branch);
        }
        synchronized (this) {
            transactionalId = tid;
            xid = branch;
        }
        establish(new ProducerIdAndEpoch(r.producerId(), r.producerEpoch()), caps, State.IN_TRANSACTION);
    }

    /** The branch this producer holds, or null. */
    synchronized Xid xid() {
        return xid;
    }

    /**
     * {@code prepare}: every record of the branch acknowledged, then PrepareTxn (B.7.8.3). If a record failed, the
     * branch is rolled back and this throws XA_RBROLLBACK (B.7.8.8 item 5). Afterwards the producer holds no branch.
     */
    void prepareXa(long deadline) {
        Xid branch;
        synchronized (this) {
            require("prepare an XA branch", State.IN_TRANSACTION, State.ABORTABLE_ERROR);
            if (xid == null) {
                throw new IllegalStateException("no XA branch to prepare");
            }
            branch = xid;
            moveTo(state == State.ABORTABLE_ERROR ? State.ABORTING : State.COMMITTING);
        }
        flusher.accept(Math.max(0, deadline - System.nanoTime()));
        String tid;
        ProducerIdAndEpoch pid;
        Throwable failed;
        synchronized (this) {
            tid = transactionalId;
            pid = id;
            failed = state == State.ABORTABLE_ERROR || state == State.ABORTING ? error : null;
        }
        if (failed != null) {
            rollbackXa(deadline);
            throw new XaBranchException(XaBranchException.XA_RBROLLBACK, "a record of XA branch " + branch
                    + " failed; the branch was rolled back", failed);
        }
        try {
            Futures.await(network.call(new PrepareTxnRequest(tid, pid.producerId(), pid.producerEpoch()), d -> null,
                    deadline), deadline - System.nanoTime(), "PrepareTxn for " + branch);
        } catch (RuntimeException e) {
            synchronized (this) {
                error = e;
                moveTo(State.ABORTABLE_ERROR);
            }
            throw XaBranchException.of(Errors.unwrap(e), "PrepareTxn for " + branch);
        }
        synchronized (this) {
            endBranch();
            moveTo(State.READY);
        }
    }

    /** {@code commit(xid, true)}: the one-phase optimisation, EndTxn commit on the branch this producer holds. */
    void commitXaOnePhase(long deadline) {
        Xid branch;
        synchronized (this) {
            if (xid == null) {
                throw new XaBranchException(XaBranchException.XAER_NOTA, "this producer holds no XA branch", null);
            }
            branch = xid;
        }
        try {
            commit(deadline);
        } catch (RuntimeException e) {
            synchronized (this) {
                if (state == State.ABORTABLE_ERROR) {
                    // B.7.8.8 item 5: roll back, then report the rollback
                    abortQuietly(deadline);
                }
            }
            throw XaBranchException.of(Errors.unwrap(e), "one-phase commit of " + branch);
        }
    }

    private void abortQuietly(long deadline) {
        try {
            rollbackXaLocked(deadline);
        } catch (RuntimeException ignored) {
            // the branch's timeout or the TM's rollback by Xid ends it
        }
    }

    /** {@code rollback} of the branch this producer holds: EndXaBranch rollback (B.7.8.4). */
    void rollbackXa(long deadline) {
        rollbackXaLocked(deadline);
    }

    private void rollbackXaLocked(long deadline) {
        Xid branch;
        String tid;
        synchronized (this) {
            if (xid == null) {
                throw new XaBranchException(XaBranchException.XAER_NOTA, "this producer holds no XA branch", null);
            }
            branch = xid;
            tid = transactionalId;
            if (state != State.ABORTING) {
                moveTo(State.ABORTING);
            }
        }
        flusher.accept(Math.max(0, deadline - System.nanoTime()));
        try {
            Futures.await(network.call(new EndXaBranchRequest(tid, branch, XaAction.ROLLBACK, false), d -> null,
                    deadline), deadline - System.nanoTime(), "rollback of " + branch);
        } catch (RuntimeException e) {
            throw XaBranchException.of(Errors.unwrap(e), "rollback of " + branch);
        } finally {
            synchronized (this) {
                endBranch();
                if (state == State.ABORTING) {
                    moveTo(State.READY);
                }
            }
        }
    }

    private void endBranch() {
        if (xid != null) {
            xid = null;
            transactionalId = configuredId;
        }
        added.clear();
        groups.clear();
        consumedUnder.clear();
        error = null;
    }

    @Override
    public synchronized String toString() {
        return "TransactionManager[" + transactionalId + ", " + state + (id == null ? "" : ", id " + id.producerId()
                + " epoch " + id.producerEpoch()) + "]";
    }
}
