package io.streambus.broker.txn;

import io.streambus.broker.group.CommitPartition;
import io.streambus.broker.group.TopicData;
import io.streambus.broker.log.FlushPolicy;
import io.streambus.broker.log.LogException;
import io.streambus.broker.log.PartitionLog;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.PartitionOffset;
import io.streambus.protocol.PartitionResult;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.core.ProduceRequest;
import io.streambus.protocol.group.Utf8Order;
import io.streambus.protocol.txn.AddPartitionsToTxnRequest;
import io.streambus.protocol.txn.InitProducerIdResponse;
import io.streambus.protocol.txn.TxnOffsetCommitRequest;
import io.streambus.protocol.txn.XaAction;
import io.streambus.protocol.txn.XaBranch;
import io.streambus.protocol.txn.Xid;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction coordinator (B.7) and XA resource manager (B.7.8) of the broker. Keeps one {@link TxnMetadata}
 * per transaction id in a durable transaction log ({@code <dataDir>/__eos/transactions.journal}: each change writes
 * the id's whole record; the last one wins at replay), writes transaction markers into the partitions' producer
 * journals, applies staged offsets through a {@link TxnOffsetSink}, and informs registered
 * {@link TxnParticipant}s.
 *
 * <p><b>Durability.</b> Every record follows the broker's one flush policy, written before the reply and in the
 * order B.7.8.6 asks (a decision before its first marker, markers and offsets before the reply): "durable" there is
 * "as durable as acknowledged messages", so under {@code every-write} each is forced before the next step, concurrent
 * requests sharing one fsync ({@link RecordFile#sync}), and under {@code os} nothing is forced on the request path
 * (a SIGKILL loses nothing written; a power loss may lose anything, as it may lose acknowledged messages). The one
 * exceptions are forced whatever the policy: PrepareTxn, because B.7.8.3 asks a broker that answers Produce before
 * syncing to sync the branch's batches then (the prepared record goes with them), and a new producer id or epoch
 * (InitProducerID, InitXaBranch), because one handed out again after a power loss would break fencing rather than
 * lose data; both are written once per XA branch or producer session, not per ordinary transaction.
 *
 * <p><b>Restart</b> (B.7.8.6): Ongoing transactions and Empty XA branches are aborted (the producer's next request
 * gets 38), PrepareCommit/PrepareAbort are completed, Prepared branches stay Prepared, and any open transactional
 * batch in a partition journal whose transaction is not Prepared is aborted.
 *
 * <p>Thread-safe: each transaction id's record is guarded by its monitor, held through the request (including the
 * writes of an outcome, so concurrent requests for the same id wait rather than see PrepareCommit). Lock order:
 * record monitor, then partition state, then journal.
 */
public final class TransactionCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionCoordinator.class);
    private static final byte R_TXN = 1;
    private static final byte R_FORGET = 2;
    private static final long COMPACT_BYTES = 16L << 20;
    private static final long WAIT_SECONDS = 30;
    /** Largest metadata of a staged offset (B.7.5, as OffsetCommit). */
    private static final int MAX_METADATA_BYTES = 4096;
    private static final long PREPARED_WARN_INTERVAL_MS = 3_600_000L;

    private final RecordFile journal;
    private final EosConfig config;
    private final ProducerRegistry registry;
    private final EosService eos;
    private final LongSupplier clock;
    private final Map<String, TxnMetadata> byId = new ConcurrentHashMap<>();
    private final Map<Long, TxnMetadata> byPid = new ConcurrentHashMap<>();
    private final List<TxnParticipant> participants = new CopyOnWriteArrayList<>();
    private final Map<String, Long> preparedWarnedAt = new ConcurrentHashMap<>();
    /** Writers of records hold the read lock; compaction takes the write lock. */
    private final ReentrantReadWriteLock compactLock = new ReentrantReadWriteLock();
    private volatile TxnOffsetSink offsetSink;

    private TransactionCoordinator(RecordFile journal, EosConfig config, ProducerRegistry registry, EosService eos,
            LongSupplier clock, TxnOffsetSink offsetSink) {
        this.journal = journal;
        this.config = config;
        this.registry = registry;
        this.eos = eos;
        this.clock = clock;
        this.offsetSink = offsetSink;
    }

    static TransactionCoordinator open(Path dir, FlushPolicy policy, EosConfig config, ProducerRegistry registry,
            EosService eos, LongSupplier clock, TxnOffsetSink sink) throws IOException {
        Map<String, TxnMetadata> replayed = new LinkedHashMap<>();
        RecordFile f = RecordFile.open(dir.resolve("transactions.journal"), policy, b -> {
            byte type = b.get();
            if (type == R_TXN) {
                TxnMetadata m = TxnMetadata.deserialize(b);
                replayed.put(m.transactionalId, m);
            } else if (type == R_FORGET) {
                byte[] id = new byte[b.getInt()];
                b.get(id);
                replayed.remove(new String(id, StandardCharsets.UTF_8));
            } else {
                throw new IllegalStateException("unknown transaction log record type " + type);
            }
        });
        TransactionCoordinator c = new TransactionCoordinator(f, config, registry, eos, clock, sink);
        for (TxnMetadata m : replayed.values()) {
            c.byId.put(m.transactionalId, m);
            c.byPid.put(m.producerId, m);
        }
        c.recover();
        return c;
    }

    // ------------------------------------------------------------------------------------------- hooks

    /**
     * Registers a participant told of every transaction's end (and of PrepareTxn); for example the share-group
     * coordinator for transactional acknowledgements (B.13.15).
     */
    public void registerParticipant(TxnParticipant participant) {
        participants.add(participant);
    }

    /** Sets where staged offsets go on commit (the group coordinator). */
    public void offsetSink(TxnOffsetSink sink) {
        this.offsetSink = sink;
    }

    /**
     * The producer validation of B.7.1 for a transactional write that names only a producer id and epoch (Produce
     * with flag 0x0020, ShareAcknowledge with flag 0x0020), and the check that {@code groupId} (when not null) was
     * added to the Ongoing transaction. Returns the transaction id.
     *
     * @throws TxnException 32, 35, 30, 38, 37 or 31
     */
    public String checkTransactionalWrite(long producerId, short epoch, String groupId) {
        TxnMetadata m = byPid.get(producerId);
        if (m == null) {
            throw new TxnException(ErrorCode.INVALID_PRODUCER_ID_MAPPING, "producer id " + producerId
                    + " belongs to no transaction id");
        }
        failIfCompleting(m, producerId, epoch);
        synchronized (m) {
            validate(m, producerId, epoch, true);
            if (m.state != TxnState.ONGOING || (groupId != null && !m.groups.contains(groupId))) {
                throw new TxnException(ErrorCode.INVALID_TRANSACTION_STATE, "group " + groupId
                        + " is not part of an Ongoing transaction of '" + m.transactionalId + "'");
            }
            return m.transactionalId;
        }
    }

    /**
     * Runs {@code write} under the transaction's lock after {@link #checkTransactionalWrite}'s checks passed, so
     * that the transaction cannot complete while the write stages something in it (a ShareAcknowledge with flag
     * 0x0020, B.13.15). {@code write} gets the transaction id; it must not call back into this coordinator.
     *
     * @throws TxnException 32, 35, 30, 38, 37 or 31
     */
    public <T> T withTransactionalWrite(long producerId, short epoch, String groupId,
            java.util.function.Function<String, T> write) {
        TxnMetadata m = byPid.get(producerId);
        if (m == null) {
            checkTransactionalWrite(producerId, epoch, groupId); // throws 32
        }
        failIfCompleting(m, producerId, epoch);
        synchronized (m) {
            return write.apply(checkTransactionalWrite(producerId, epoch, groupId));
        }
    }

    // ------------------------------------------------------------------------------------------- B.7.2

    InitProducerIdResponse initProducerId(String transactionalId, int timeoutMs) {
        int timeout = checkTimeout(timeoutMs);
        while (true) {
            TxnMetadata fresh = new TxnMetadata(transactionalId, null);
            synchronized (fresh) {
                TxnMetadata m = byId.putIfAbsent(transactionalId, fresh);
                if (m == null) {
                    create(fresh, timeout);
                    return new InitProducerIdResponse(fresh.producerId, fresh.epoch);
                }
            }
            TxnMetadata m = byId.get(transactionalId);
            if (m == null) {
                continue;
            }
            if (m.xid == null && (m.state == TxnState.PREPARE_COMMIT || m.state == TxnState.PREPARE_ABORT)) {
                throw new TxnException(ErrorCode.CONCURRENT_TRANSACTIONS, "the previous transaction of '"
                        + transactionalId + "' is still completing");
            }
            synchronized (m) {
                if (m.dead) {
                    continue;
                }
                if (m.xid != null) {
                    throw new TxnException(ErrorCode.INVALID_TRANSACTION_STATE, "'" + transactionalId
                            + "' is the transaction id of an XA branch: InitProducerID does not apply to it");
                }
                if (m.state == TxnState.PREPARE_COMMIT || m.state == TxnState.PREPARE_ABORT) {
                    throw new TxnException(ErrorCode.CONCURRENT_TRANSACTIONS, "the previous transaction of '"
                            + transactionalId + "' is still completing");
                }
                if (m.state == TxnState.ONGOING) {
                    complete(m, false, false, false);
                }
                if (m.epoch == Short.MAX_VALUE) {
                    ProducerRegistry.Entry e = issue(transactionalId);
                    byPid.remove(m.producerId);
                    retireProducer(m.producerId);
                    m.producerId = e.id;
                    m.epoch = 0;
                    byPid.put(m.producerId, m);
                } else {
                    m.epoch++;
                }
                m.abortedByBroker = false;
                m.timeoutMs = timeout;
                m.transitionTo(TxnState.EMPTY, clock.getAsLong());
                m.clearTransaction();
                persist(m, true);
                return new InitProducerIdResponse(m.producerId, m.epoch);
            }
        }
    }

    /** Issues the producer id of a new record and writes it; caller holds {@code m}'s monitor. */
    private void create(TxnMetadata m, int timeout) {
        try {
            ProducerRegistry.Entry e = issue(m.transactionalId);
            long now = clock.getAsLong();
            m.producerId = e.id;
            m.epoch = 0;
            m.timeoutMs = timeout;
            m.stateSinceMs = now;
            m.txnStartMs = now;
            persist(m, true);
            byPid.put(m.producerId, m);
        } catch (RuntimeException e) {
            m.dead = true;
            byId.remove(m.transactionalId, m);
            throw e;
        }
    }

    private ProducerRegistry.Entry issue(String transactionalId) {
        try {
            return registry.issue(transactionalId, clock.getAsLong());
        } catch (IOException e) {
            throw new TxnException(ErrorCode.STORAGE_ERROR, "could not record a new producer id: " + e.getMessage());
        }
    }

    private int checkTimeout(int timeoutMs) {
        if (timeoutMs < 0 || timeoutMs > config.maxTxnTimeout().toMillis()) {
            throw new TxnException(ErrorCode.INVALID_TRANSACTION_TIMEOUT, "transaction timeout " + timeoutMs
                    + " ms is negative or above the maximum of " + config.maxTxnTimeout().toMillis() + " ms");
        }
        return timeoutMs == 0 ? (int) config.defaultTxnTimeout().toMillis() : timeoutMs;
    }

    // ------------------------------------------------------------------------------------------- B.7.1

    /** Producer validation (B.7.1) steps 1 to 5, and step 6 when {@code refusePrepared}. Caller holds m. */
    private void validate(TxnMetadata m, long producerId, short epoch, boolean refusePrepared) {
        if (m == null || m.dead || m.producerId != producerId) {
            throw new TxnException(ErrorCode.INVALID_PRODUCER_ID_MAPPING, "producer id " + producerId
                    + " is not mapped to " + (m == null ? "this transaction id" : "'" + m.transactionalId + "'"));
        }
        if (epoch < m.epoch) {
            throw new TxnException(ErrorCode.PRODUCER_FENCED, "producer epoch " + epoch + " of '"
                    + m.transactionalId + "' is fenced by epoch " + m.epoch);
        }
        if (epoch > m.epoch) {
            throw new TxnException(ErrorCode.INVALID_PRODUCER_EPOCH, "producer epoch " + epoch + " of '"
                    + m.transactionalId + "' is newer than the current " + m.epoch);
        }
        if (m.abortedByBroker) {
            m.abortedByBroker = false;
            persist(m, false);
            throw new TxnException(ErrorCode.TRANSACTION_ABORTED, "the transaction of '" + m.transactionalId
                    + "' was aborted by the broker (timeout or restart)");
        }
        if (m.state == TxnState.PREPARE_COMMIT || m.state == TxnState.PREPARE_ABORT) {
            throw new TxnException(ErrorCode.CONCURRENT_TRANSACTIONS, "the transaction of '" + m.transactionalId
                    + "' is still completing");
        }
        if (refusePrepared && m.state == TxnState.PREPARED) {
            throw new TxnException(ErrorCode.INVALID_TRANSACTION_STATE, "the transaction of '"
                    + m.transactionalId + "' is Prepared: only EndXaBranch ends it");
        }
    }

    private TxnMetadata lookup(String transactionalId, long producerId, short epoch) {
        TxnMetadata m = byId.get(transactionalId);
        if (m == null) {
            throw new TxnException(ErrorCode.INVALID_PRODUCER_ID_MAPPING, "transaction id '" + transactionalId
                    + "' is not mapped to producer id " + producerId);
        }
        failIfCompleting(m, producerId, epoch);
        return m;
    }

    /**
     * B.7.1 step 5 without waiting: the thread writing an outcome holds the record's monitor, so a request of the
     * same producer that finds PrepareCommit/PrepareAbort (volatile) gets 37 at once instead of queueing.
     */
    private static void failIfCompleting(TxnMetadata m, long producerId, short epoch) {
        TxnState s = m.state;
        if ((s == TxnState.PREPARE_COMMIT || s == TxnState.PREPARE_ABORT) && m.producerId == producerId
                && m.epoch == epoch && !m.abortedByBroker) {
            throw new TxnException(ErrorCode.CONCURRENT_TRANSACTIONS, "the transaction of '" + m.transactionalId
                    + "' is still completing");
        }
    }

    /** Starts a transaction on the first AddPartitions/AddOffsets (B.7.1). Caller holds m. */
    private void begin(TxnMetadata m) {
        if (m.xid != null && m.state.complete()) {
            throw new TxnException(ErrorCode.INVALID_TRANSACTION_STATE, "the XA branch '" + m.transactionalId
                    + "' is complete: its transaction id carries no further transaction");
        }
        if (m.state == TxnState.ONGOING) {
            return;
        }
        long now = clock.getAsLong();
        m.transitionTo(TxnState.ONGOING, now);
        m.clearTransaction();
        if (m.xid == null) {
            m.txnStartMs = now; // an XA branch's timeout runs from InitXaBranch (B.7.8.1)
        }
    }

    // ------------------------------------------------------------------------------------------- B.7.3 - B.7.6

    /**
     * AddPartitionsToTxn (B.7.3).
     *
     * @param topicAllowed whether the principal may write a topic (41 per partition otherwise)
     */
    public TopicPartitions<PartitionResult> addPartitions(AddPartitionsToTxnRequest r,
            Predicate<String> topicAllowed) {
        if (r.partitions().isEmpty() || r.partitions().topics().stream().anyMatch(t -> t.partitions().isEmpty())) {
            throw new TxnException(ErrorCode.INVALID_PARTITION_LIST, "no partitions, or a topic without partitions");
        }
        TxnMetadata m = lookup(r.transactionalId(), r.producerId(), r.producerEpoch());
        synchronized (m) {
            validate(m, r.producerId(), r.producerEpoch(), true);
            if (m.xid != null && m.state.complete()) {
                begin(m); // throws 31
            }
            Map<String, List<PartitionResult>> results = new TreeMap<>(Utf8Order.STRINGS);
            Map<String, List<Integer>> ok = new TreeMap<>();
            for (TopicPartitions.Topic<Integer> t : r.partitions().topics()) {
                int count = eos.partitionCount(t.name());
                List<PartitionResult> list = new ArrayList<>();
                for (int p : t.partitions()) {
                    int code = !topicAllowed.test(t.name()) ? ErrorCode.AUTHORIZATION_FAILED
                            : count < 0 ? ErrorCode.TOPIC_NOT_FOUND
                            : p >= count ? ErrorCode.PARTITION_NOT_FOUND : 0;
                    list.add(new PartitionResult(p, code));
                    if (code == 0) {
                        ok.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(p);
                    }
                }
                results.put(t.name(), list);
            }
            if (!ok.isEmpty()) {
                begin(m);
                ok.forEach((topic, ps) -> m.partitions.computeIfAbsent(topic, k -> new TreeSet<>()).addAll(ps));
                persist(m, false);
            }
            return TopicPartitions.of(results);
        }
    }

    /** AddOffsetsToTxn (B.7.4). */
    public void addOffsets(String transactionalId, long producerId, short epoch, String groupId) {
        if (groupId.isEmpty()) {
            throw new TxnException(ErrorCode.INVALID_REQUEST, "empty group id");
        }
        TxnMetadata m = lookup(transactionalId, producerId, epoch);
        synchronized (m) {
            validate(m, producerId, epoch, true);
            begin(m);
            m.groups.add(groupId);
            persist(m, false);
        }
    }

    /**
     * TxnOffsetCommit (B.7.5): stages the offsets.
     *
     * @param topicAllowed whether the principal may read a topic (41 per partition otherwise)
     */
    public TopicPartitions<PartitionResult> txnOffsetCommit(TxnOffsetCommitRequest r,
            Predicate<String> topicAllowed) {
        if (r.groupId().isEmpty()) {
            throw new TxnException(ErrorCode.INVALID_REQUEST, "empty group id");
        }
        if (r.offsets().topics().stream().anyMatch(t -> t.partitions().isEmpty())) {
            throw new TxnException(ErrorCode.INVALID_REQUEST, "a topic without partitions");
        }
        TxnMetadata m = lookup(r.transactionalId(), r.producerId(), r.producerEpoch());
        synchronized (m) {
            validate(m, r.producerId(), r.producerEpoch(), true);
            if (m.state != TxnState.ONGOING || !m.groups.contains(r.groupId())) {
                throw new TxnException(ErrorCode.INVALID_TRANSACTION_STATE, "group '" + r.groupId()
                        + "' was not added with AddOffsetsToTxn to the current transaction of '"
                        + r.transactionalId() + "'");
            }
            Map<String, List<PartitionResult>> results = new TreeMap<>(Utf8Order.STRINGS);
            TreeMap<String, TreeMap<Integer, TxnMetadata.Staged>> group =
                    m.staged.computeIfAbsent(r.groupId(), k -> new TreeMap<>());
            for (TopicPartitions.Topic<PartitionOffset> t : r.offsets().topics()) {
                List<PartitionResult> list = new ArrayList<>();
                for (PartitionOffset po : t.partitions()) {
                    String md = po.metadata();
                    if (!topicAllowed.test(t.name())) {
                        list.add(new PartitionResult(po.partition(), ErrorCode.AUTHORIZATION_FAILED));
                        continue;
                    }
                    if (md.getBytes(StandardCharsets.UTF_8).length > MAX_METADATA_BYTES) {
                        list.add(new PartitionResult(po.partition(), ErrorCode.INVALID_COMMIT_OFFSET_SIZE));
                        continue;
                    }
                    group.computeIfAbsent(t.name(), k -> new TreeMap<>())
                            .put(po.partition(), new TxnMetadata.Staged(po.offset(), md));
                    list.add(new PartitionResult(po.partition(), 0));
                }
                results.put(t.name(), list);
            }
            persist(m, false);
            return TopicPartitions.of(results);
        }
    }

    /** EndTxn (B.7.6): answers once the outcome is durable and visible. */
    public void endTxn(String transactionalId, long producerId, short epoch, boolean commit) {
        TxnMetadata m = lookup(transactionalId, producerId, epoch);
        synchronized (m) {
            validate(m, producerId, epoch, true);
            switch (m.state) {
                case ONGOING -> complete(m, commit, false, false);
                case EMPTY -> {
                    if (m.xid == null) {
                        throw new TxnException(ErrorCode.INVALID_TRANSACTION_STATE, "'" + transactionalId
                                + "' has no Ongoing transaction");
                    }
                    complete(m, commit, false, false); // an XA branch without work ends too (B.7.6)
                }
                case COMPLETE_COMMIT, HEURISTIC_COMMIT -> {
                    if (!commit) {
                        throw new TxnException(ErrorCode.INVALID_TRANSACTION_STATE, "the last transaction of '"
                                + transactionalId + "' was committed, not aborted");
                    }
                }
                case COMPLETE_ABORT, HEURISTIC_ROLLBACK -> {
                    if (commit) {
                        throw new TxnException(ErrorCode.INVALID_TRANSACTION_STATE, "the last transaction of '"
                                + transactionalId + "' was aborted, not committed");
                    }
                }
                default -> throw new TxnException(ErrorCode.INVALID_TRANSACTION_STATE, "'" + transactionalId
                        + "' is " + m.state.wireName());
            }
        }
    }

    /** Transactional Produce (B.7.7, with B.12.3 when sequenced). */
    PartitionProducerState.Outcome produce(PartitionLog log, ProduceRequest p, long now) {
        long pid = p.transaction().producerId();
        short epoch = p.transaction().producerEpoch();
        TxnMetadata m = byPid.get(pid);
        if (m == null) {
            throw new TxnException(ErrorCode.INVALID_PRODUCER_ID_MAPPING, "producer id " + pid
                    + " is idempotent-only, unknown or expired: it belongs to no transaction id");
        }
        failIfCompleting(m, pid, epoch);
        synchronized (m) {
            validate(m, pid, epoch, true);
            TreeSet<Integer> ps = m.partitions.get(log.topic());
            if (m.state != TxnState.ONGOING || ps == null || !ps.contains(log.partition())) {
                throw new TxnException(ErrorCode.INVALID_TRANSACTION_STATE, "partition " + log.topic() + "-"
                        + log.partition() + " is not in the Ongoing transaction of '" + m.transactionalId + "'");
            }
            int seq = p.sequence() == null ? -1 : p.sequence().baseSequence();
            return eos.state(log).append(log, p.messages(), pid, epoch, seq, true, now);
        }
    }

    // ------------------------------------------------------------------------------------------- outcome

    /**
     * Decides and completes the transaction of {@code m}: the decision (with a raised epoch when
     * {@code bumpEpoch}) is durable before the first marker, then markers, staged offsets and participants, then
     * the complete state. Caller holds m.
     */
    private void complete(TxnMetadata m, boolean commit, boolean heuristic, boolean bumpEpoch) {
        if (commit && m.state != TxnState.PREPARED) {
            // What participants staged must be durable before the decision that a restart completes (B.7.8.6).
            for (TxnParticipant participant : participants) {
                await(participant.transactionCommitting(m.transactionalId, m.producerId),
                        "making a participant of '" + m.transactionalId + "' durable");
            }
        }
        m.transitionTo(commit ? TxnState.PREPARE_COMMIT : TxnState.PREPARE_ABORT, clock.getAsLong());
        m.heuristic = heuristic;
        if (bumpEpoch) {
            m.epoch++;
        }
        persist(m, false);
        finishOutcome(m);
    }

    /** Writes the outcome of a PrepareCommit/PrepareAbort record and completes it. Caller holds m. */
    private void finishOutcome(TxnMetadata m) {
        boolean commit = m.state == TxnState.PREPARE_COMMIT;
        for (Map.Entry<String, TreeSet<Integer>> e : m.partitions.entrySet()) {
            for (int p : e.getValue()) {
                PartitionLog log;
                try {
                    log = eos.partition(e.getKey(), p);
                } catch (LogException gone) {
                    continue; // deleted topic: the transaction completes without it (B.7.8.6)
                }
                try {
                    PartitionProducerState s = eos.state(log);
                    long pos = s.writeMarker(m.producerId, m.epoch, commit);
                    s.syncIfPolicy(pos, false);
                    CrashPoints.reach(CrashPoints.Point.OUTCOME_MARKER);
                } catch (IOException ex) {
                    throw new TxnException(ErrorCode.STORAGE_ERROR, "writing the "
                            + (commit ? "commit" : "abort") + " marker of '" + m.transactionalId + "' to "
                            + e.getKey() + "-" + p + " failed: " + ex.getMessage());
                }
            }
        }
        if (commit) {
            TxnOffsetSink sink = offsetSink;
            for (Map.Entry<String, TreeMap<String, TreeMap<Integer, TxnMetadata.Staged>>> g : m.staged.entrySet()) {
                if (sink == null) {
                    throw new TxnException(ErrorCode.TRANSACTION_COORDINATOR_NOT_AVAILABLE,
                            "the group coordinator is not available to apply staged offsets");
                }
                List<TopicData<CommitPartition>> data = new ArrayList<>();
                g.getValue().forEach((topic, ps) -> {
                    List<CommitPartition> list = new ArrayList<>();
                    ps.forEach((p, s) -> list.add(new CommitPartition(p, s.offset(), s.metadata())));
                    data.add(new TopicData<>(topic, list));
                });
                await(sink.apply(g.getKey(), data), "applying the staged offsets of group " + g.getKey());
            }
        }
        for (TxnParticipant participant : participants) {
            await(participant.transactionEnded(m.transactionalId, m.producerId, commit),
                    "completing a participant of '" + m.transactionalId + "'");
        }
        TxnState end = commit ? (m.heuristic ? TxnState.HEURISTIC_COMMIT : TxnState.COMPLETE_COMMIT)
                : (m.heuristic ? TxnState.HEURISTIC_ROLLBACK : TxnState.COMPLETE_ABORT);
        m.transitionTo(end, clock.getAsLong());
        m.clearTransaction();
        persist(m, false);
    }

    private static void await(CompletableFuture<Void> f, String what) {
        try {
            f.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TxnException(ErrorCode.REQUEST_TIMEOUT, what + " was interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new TxnException(ErrorCode.STORAGE_ERROR, what + " failed: " + e);
        }
    }

    // ------------------------------------------------------------------------------------------- B.7.8

    /** The prefix of {@code transactionalId} if it is the XA transaction id of {@code xid} (B.7.8.1), else 2. */
    private static void checkXaId(String transactionalId, Xid xid) {
        String suffix = xid.transactionId("");
        int prefixLen = transactionalId.length() - suffix.length();
        boolean ok = prefixLen > 0 && transactionalId.endsWith(suffix);
        if (ok) {
            int bytes = transactionalId.substring(0, prefixLen).getBytes(StandardCharsets.UTF_8).length;
            ok = bytes >= 1 && bytes <= 255;
        }
        if (!ok) {
            throw new TxnException(ErrorCode.INVALID_REQUEST, "'" + transactionalId
                    + "' is not the XA transaction id of " + xid + " (<prefix>" + suffix + ")");
        }
    }

    /** InitXaBranch (B.7.8.2). */
    public InitProducerIdResponse initXaBranch(String transactionalId, Xid xid, int timeoutMs) {
        checkXaId(transactionalId, xid);
        int timeout = checkTimeout(timeoutMs);
        while (true) {
            TxnMetadata fresh = new TxnMetadata(transactionalId, xid);
            synchronized (fresh) {
                if (byId.putIfAbsent(transactionalId, fresh) == null) {
                    create(fresh, timeout);
                    return new InitProducerIdResponse(fresh.producerId, fresh.epoch);
                }
            }
            TxnMetadata m = byId.get(transactionalId);
            if (m == null) {
                continue;
            }
            synchronized (m) {
                if (m.dead) {
                    continue;
                }
                if (m.xid == null || !m.xid.equals(xid) || m.state != TxnState.EMPTY) {
                    throw new TxnException(ErrorCode.DUPLICATE_XID, "a branch '" + transactionalId
                            + "' already exists (" + m.state.wireName() + ")");
                }
                // A retry after a lost reply: same producer id, epoch + 1, the timeout starts again.
                m.epoch++;
                m.timeoutMs = timeout;
                m.txnStartMs = clock.getAsLong();
                m.abortedByBroker = false;
                persist(m, true);
                return new InitProducerIdResponse(m.producerId, m.epoch);
            }
        }
    }

    /** PrepareTxn (B.7.8.3). */
    public void prepare(String transactionalId, long producerId, short epoch) {
        TxnMetadata m = lookup(transactionalId, producerId, epoch);
        synchronized (m) {
            validate(m, producerId, epoch, false);
            if (m.xid == null) {
                throw new TxnException(ErrorCode.INVALID_TRANSACTION_STATE, "'" + transactionalId
                        + "' is not an XA transaction id: an ordinary transaction is ended with EndTxn");
            }
            if (m.state == TxnState.PREPARED) {
                return;
            }
            if (m.state != TxnState.EMPTY && m.state != TxnState.ONGOING) {
                throw new TxnException(ErrorCode.INVALID_TRANSACTION_STATE, "the branch '" + transactionalId
                        + "' is " + m.state.wireName());
            }
            TxnState before = m.state;
            long sinceBefore = m.stateSinceMs;
            m.transitionTo(TxnState.PREPARED, clock.getAsLong()); // refuses further work from now on
            try {
                for (Map.Entry<String, TreeSet<Integer>> e : m.partitions.entrySet()) {
                    for (int p : e.getValue()) {
                        try {
                            PartitionLog log = eos.partition(e.getKey(), p);
                            log.flush(); // the branch's batches, as durable as acknowledged messages
                            eos.state(log).flushIfDirty();
                        } catch (LogException gone) {
                            // deleted topic: nothing of it to keep
                        }
                    }
                }
                for (TxnParticipant participant : participants) {
                    await(participant.transactionPrepared(transactionalId, producerId), "preparing a participant");
                }
                persist(m, true); // B.7.8.3: forced with the batches above, whatever the policy
            } catch (IOException | RuntimeException e) {
                m.state = before; // undo, not a transition: the prepare never happened
                m.stateSinceMs = sinceBefore;
                throw new TxnException(ErrorCode.STORAGE_ERROR, "the prepared state of '" + transactionalId
                        + "' could not be made durable: " + e.getMessage());
            }
        }
    }

    /** EndXaBranch (B.7.8.4); also the operators' heuristic decision (B.7.8.7). */
    public void endXaBranch(String transactionalId, Xid xid, XaAction action, boolean heuristic) {
        checkXaId(transactionalId, xid);
        TxnMetadata m = byId.get(transactionalId);
        if (m == null || m.xid == null || !m.xid.equals(xid)) {
            throw new TxnException(ErrorCode.UNKNOWN_XID, "no XA branch '" + transactionalId + "'");
        }
        if (m.state == TxnState.PREPARE_COMMIT || m.state == TxnState.PREPARE_ABORT) {
            throw new TxnException(ErrorCode.CONCURRENT_TRANSACTIONS, "the outcome of '" + transactionalId
                    + "' is being written");
        }
        synchronized (m) {
            if (m.dead) {
                throw new TxnException(ErrorCode.UNKNOWN_XID, "the XA branch '" + transactionalId
                        + "' was forgotten");
            }
            boolean commit = action == XaAction.COMMIT;
            boolean forget = action == XaAction.FORGET;
            switch (m.state) {
                case EMPTY, ONGOING -> {
                    if (forget || commit || heuristic) {
                        throw invalid(m, action, heuristic);
                    }
                    complete(m, false, false, true);
                }
                case PREPARED -> {
                    if (forget) {
                        throw invalid(m, action, heuristic);
                    }
                    complete(m, commit, heuristic, true);
                    if (heuristic) {
                        LOG.warn("XA branch '{}' {} heuristically by an operator", transactionalId,
                                commit ? "committed" : "rolled back");
                    }
                }
                case PREPARE_COMMIT, PREPARE_ABORT -> throw new TxnException(ErrorCode.CONCURRENT_TRANSACTIONS,
                        "the outcome of '" + transactionalId + "' is being written");
                case COMPLETE_COMMIT, COMPLETE_ABORT -> {
                    if (forget) {
                        forget(m);
                    } else if (heuristic) {
                        throw invalid(m, action, heuristic);
                    } else if (commit != (m.state == TxnState.COMPLETE_COMMIT)) {
                        throw commit ? new TxnException(ErrorCode.TRANSACTION_ABORTED, "the branch '"
                                + transactionalId + "' was rolled back") : invalid(m, action, false);
                    }
                }
                case HEURISTIC_COMMIT, HEURISTIC_ROLLBACK -> {
                    if (forget) {
                        forget(m);
                    } else if (heuristic) {
                        throw invalid(m, action, heuristic);
                    } else {
                        boolean hc = m.state == TxnState.HEURISTIC_COMMIT;
                        throw new TxnException(hc ? ErrorCode.HEURISTIC_COMMIT : ErrorCode.HEURISTIC_ROLLBACK,
                                "the branch '" + transactionalId + "' was " + (hc ? "committed" : "rolled back")
                                        + " heuristically by an operator");
                    }
                }
                default -> throw new IllegalStateException("unhandled state " + m.state);
            }
        }
    }

    private static TxnException invalid(TxnMetadata m, XaAction action, boolean heuristic) {
        return new TxnException(ErrorCode.INVALID_TRANSACTION_STATE, (heuristic ? "heuristic " : "") + action
                + " is not allowed on the branch '" + m.transactionalId + "' in state " + m.state.wireName());
    }

    /**
     * Forgets a transaction id durably with its producer id (XA retention or forget, B.7.8.1; expiry of an idle
     * transaction id, B.12.5). Caller holds m.
     */
    private void forget(TxnMetadata m) {
        byte[] id = m.transactionalId.getBytes(StandardCharsets.UTF_8);
        append(ByteBuffer.allocate(5 + id.length).put(R_FORGET).putInt(id.length).put(id).array(), false);
        m.dead = true;
        byId.remove(m.transactionalId, m);
        byPid.remove(m.producerId, m);
        retireProducer(m.producerId);
    }

    private void retireProducer(long pid) {
        try {
            eos.expireProducer(pid);
        } catch (IOException e) {
            LOG.warn("could not forget producer id {}: {}", pid, e.toString());
        }
    }

    /**
     * ListXaBranches (B.7.8.5): branches whose transaction id starts with {@code prefix} and whose state is one of
     * {@code states} (empty = all), in ascending byte order of transaction id.
     */
    public List<XaBranch> listXaBranches(String prefix, List<String> states, Predicate<String> visible) {
        Set<String> wanted = new HashSet<>(states);
        List<XaBranch> out = new ArrayList<>();
        for (TxnMetadata m : byId.values()) {
            if (m.xid == null || !m.transactionalId.startsWith(prefix) || !visible.test(m.transactionalId)) {
                continue;
            }
            synchronized (m) {
                if (m.dead || (!wanted.isEmpty() && !wanted.contains(m.state.wireName()))) {
                    continue;
                }
                Map<String, List<Integer>> ps = new TreeMap<>(Utf8Order.STRINGS);
                m.partitions.forEach((t, set) -> ps.put(t, new ArrayList<>(set)));
                out.add(new XaBranch(m.transactionalId, m.xid, m.state.wireName(), m.producerId, m.epoch,
                        m.stateSinceMs, TopicPartitions.of(ps), new ArrayList<>(m.groups)));
            }
        }
        out.sort((a, b) -> Utf8Order.STRINGS.compare(a.transactionalId(), b.transactionalId()));
        return out;
    }

    /**
     * An operator's decision on a Prepared branch (B.7.8.7), for broker-side tools: the same as EndXaBranch with
     * heuristic 1.
     */
    public void heuristicDecision(String transactionalId, boolean commit) {
        TxnMetadata m = byId.get(transactionalId);
        if (m == null || m.xid == null) {
            throw new TxnException(ErrorCode.UNKNOWN_XID, "no XA branch '" + transactionalId + "'");
        }
        endXaBranch(transactionalId, m.xid, commit ? XaAction.COMMIT : XaAction.ROLLBACK, true);
    }

    /** The state of a transaction id, or null (tests and tools). */
    public TxnState state(String transactionalId) {
        TxnMetadata m = byId.get(transactionalId);
        if (m == null) {
            return null;
        }
        synchronized (m) {
            return m.dead ? null : m.state;
        }
    }

    // ------------------------------------------------------------------------------------------- timers, restart

    /** Timeouts, retried outcomes, XA retention, warnings about long-prepared branches. */
    void periodic(long now) {
        for (TxnMetadata m : byId.values()) {
            synchronized (m) {
                if (m.dead) {
                    continue;
                }
                try {
                    boolean open = m.state == TxnState.ONGOING || (m.state == TxnState.EMPTY && m.xid != null);
                    if (open && now - m.txnStartMs > m.timeoutMs) {
                        LOG.info("aborting the transaction of '{}': its timeout of {} ms passed",
                                m.transactionalId, m.timeoutMs);
                        m.abortedByBroker = true;
                        complete(m, false, false, false);
                    } else if (m.state == TxnState.PREPARE_COMMIT || m.state == TxnState.PREPARE_ABORT) {
                        finishOutcome(m);
                    } else if (m.state == TxnState.PREPARED && now - m.stateSinceMs > m.timeoutMs) {
                        Long warned = preparedWarnedAt.get(m.transactionalId);
                        if (warned == null || now - warned >= PREPARED_WARN_INTERVAL_MS) {
                            preparedWarnedAt.put(m.transactionalId, now);
                            LOG.warn("XA branch '{}' has been Prepared for {} ms, waiting for its transaction "
                                    + "manager (ListXaBranches / EndXaBranch to decide it)", m.transactionalId,
                                    now - m.stateSinceMs);
                        }
                    } else if (m.xid != null && (m.state == TxnState.COMPLETE_COMMIT
                            || m.state == TxnState.COMPLETE_ABORT)
                            && now - m.stateSinceMs > config.xaRetention().toMillis()) {
                        forget(m);
                    } else if (m.xid == null && !m.state.inProgress() && !m.abortedByBroker
                            && config.producerIdExpiration() != null
                            && now - m.stateSinceMs > config.producerIdExpiration().toMillis()) {
                        // B.12.5: an idle transaction id is forgotten with its producer id.
                        LOG.info("transaction id '{}' expired", m.transactionalId);
                        forget(m);
                    }
                } catch (TxnException e) {
                    LOG.warn("transaction '{}': {}", m.transactionalId, e.getMessage());
                }
            }
        }
        if (journal.size() > COMPACT_BYTES) {
            compact();
        }
    }

    /** B.7.8.6: restores every transaction after a restart. */
    private void recover() throws IOException {
        for (TxnMetadata m : List.copyOf(byId.values())) {
            synchronized (m) {
                if (m.state == TxnState.ONGOING || (m.state == TxnState.EMPTY && m.xid != null)) {
                    m.abortedByBroker = true;
                    complete(m, false, false, false);
                } else if (m.state == TxnState.PREPARE_COMMIT || m.state == TxnState.PREPARE_ABORT) {
                    finishOutcome(m);
                }
            }
        }
        // Open batches whose transaction is not Prepared (their AddPartitions record may not have been durable).
        for (PartitionProducerState s : eos.states()) {
            for (long pid : s.openProducerIds()) {
                TxnMetadata m = byPid.get(pid);
                if (m == null || m.state != TxnState.PREPARED) {
                    s.syncIfPolicy(s.writeMarker(pid, (short) -1, false), true);
                }
            }
        }
        compact();
    }

    private void compact() {
        compactLock.writeLock().lock();
        try {
            List<byte[]> recs = new ArrayList<>();
            for (TxnMetadata m : byId.values()) {
                synchronized (m) {
                    if (!m.dead) {
                        recs.add(record(m));
                    }
                }
            }
            journal.rewrite(recs);
        } catch (IOException e) {
            LOG.warn("compacting the transaction log failed: {}", e.toString());
        } finally {
            compactLock.writeLock().unlock();
        }
    }

    private static byte[] record(TxnMetadata m) {
        byte[] body = m.serialize();
        return ByteBuffer.allocate(1 + body.length).put(R_TXN).put(body).array();
    }

    /** Writes m's record; waits for the disk when {@code durable} (group commit) or the policy says so. */
    private void persist(TxnMetadata m, boolean durable) {
        append(record(m), durable);
    }

    private void append(byte[] rec, boolean durable) {
        long pos;
        compactLock.readLock().lock();
        try {
            pos = journal.append(rec);
        } catch (IOException e) {
            throw new TxnException(ErrorCode.STORAGE_ERROR, "transaction log write failed: " + e.getMessage());
        } finally {
            compactLock.readLock().unlock();
        }
        try {
            if (durable) {
                journal.sync(pos);
            } else {
                journal.syncIfPolicy(pos);
            }
        } catch (IOException e) {
            throw new TxnException(ErrorCode.STORAGE_ERROR, "transaction log sync failed: " + e.getMessage());
        }
    }

    /** A topic was deleted: its partitions leave every transaction (B.7.8.6). */
    void topicDeleted(String topic) {
        for (TxnMetadata m : byId.values()) {
            synchronized (m) {
                m.partitions.remove(topic);
            }
        }
    }

    long forceCount() {
        return journal.forceCount();
    }

    /** Forces transaction-log records written since the last force (interval flush policy). */
    void flushIfDirty() throws IOException {
        journal.flushIfDirty();
    }

    @Override
    public void close() {
        try {
            journal.close();
        } catch (IOException e) {
            LOG.warn("closing the transaction log: {}", e.toString());
        }
    }
}
