package io.streambus.broker.txn;

import io.netty.buffer.ByteBufAllocator;
import io.streambus.broker.log.FlushPolicy;
import io.streambus.broker.log.LogManager;
import io.streambus.broker.log.PartitionLog;
import io.streambus.broker.log.ReadResult;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.core.ProduceRequest;
import io.streambus.protocol.core.ProducerSequence;
import io.streambus.protocol.txn.InitProducerIdResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's exactly-once layer, as the request dispatcher sees it: producer ids (B.12.2), sequenced Produce
 * (B.12.3), producer state per partition with its journal (B.12.5), read-committed reads (B.7.7), and, when
 * transactions are enabled, the {@link TransactionCoordinator} (B.7, B.7.8). State lives under
 * {@code <dataDir>/__eos}.
 *
 * <p>Thread-safe. Methods that can wait for the disk (every-write policy, InitProducerID) must not run on an event
 * loop.
 */
public final class EosService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EosService.class);
    /** Directory under the data directory. */
    public static final String DIRECTORY = "__eos";

    private final EosConfig config;
    private final LogManager logs;
    private final FlushPolicy policy;
    private final Path partitionsDir;
    private final ProducerRegistry registry;
    private final LongSupplier clock;
    private final Map<String, PartitionProducerState> partitions = new ConcurrentHashMap<>();
    private final TransactionCoordinator transactions;
    /** Own thread: timeouts and outcomes wait for fsyncs and participants, which must not hold up other timers. */
    private final ScheduledExecutorService timer;

    private EosService(EosConfig config, LogManager logs, FlushPolicy policy, Path dir, ProducerRegistry registry,
            LongSupplier clock, TxnOffsetSink sink) throws IOException {
        this.config = config;
        this.logs = logs;
        this.policy = policy;
        this.partitionsDir = dir.resolve("partitions");
        this.registry = registry;
        this.clock = clock;
        openJournals();
        long now = clock.getAsLong();
        // Append times are in the journals: expiry continues across restarts (B.12.5).
        for (ProducerRegistry.Entry e : registry.entries()) {
            long last = e.issuedMs;
            for (PartitionProducerState s : partitions.values()) {
                last = Math.max(last, s.lastAppendMs(e.id));
            }
            e.lastUsedMs = Math.min(last, now);
        }
        this.transactions = config.transactions()
                ? TransactionCoordinator.open(dir, policy, config, registry, this, clock, sink) : null;
        long every = config.expiryCheckInterval().toMillis();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "streambus-eos-timer");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::periodic, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Opens the exactly-once state of the broker whose log is {@code logs}, rebuilding producer state and
     * transactions (B.12.5, B.7.8.6).
     *
     * @param clock  broker wall clock, ms since the epoch
     * @param sink   where committed transactions' staged offsets go (null when groups are not served)
     */
    public static EosService open(Path dataDir, LogManager logs, FlushPolicy policy, EosConfig config,
            LongSupplier clock, TxnOffsetSink sink) throws IOException {
        Path dir = dataDir.resolve(DIRECTORY);
        io.streambus.broker.security.PrivateFiles.createDirectories(dir);
        ProducerRegistry registry = ProducerRegistry.open(dir, policy);
        try {
            return new EosService(config, logs, policy, dir, registry, clock, sink);
        } catch (IOException | RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    private void openJournals() throws IOException {
        if (!Files.isDirectory(partitionsDir)) {
            return;
        }
        try (Stream<Path> topics = Files.list(partitionsDir)) {
            for (Path t : (Iterable<Path>) topics::iterator) {
                String topic = t.getFileName().toString();
                int count = logs.partitionCount(topic);
                try (Stream<Path> files = Files.list(t)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        String n = f.getFileName().toString();
                        if (!n.endsWith(".journal")) {
                            Files.deleteIfExists(f); // a snapshot rewrite torn by a crash
                            continue;
                        }
                        int p = Integer.parseInt(n.substring(0, n.length() - ".journal".length()));
                        if (p >= count) {
                            Files.deleteIfExists(f); // the topic was deleted (or recreated smaller) meanwhile
                            continue;
                        }
                        state(logs.partition(topic, p));
                    }
                }
            }
        }
    }

    /** Whether the transactions unit is served. */
    public boolean transactionsEnabled() {
        return transactions != null;
    }

    /** The transaction coordinator, or null when transactions are not served. */
    public TransactionCoordinator transactions() {
        return transactions;
    }

    /** The settings. */
    public EosConfig config() {
        return config;
    }

    /** The producer state of {@code log}'s partition, opened (and rebuilt) on first use. */
    PartitionProducerState state(PartitionLog log) {
        String key = log.topic() + "/" + log.partition();
        return partitions.computeIfAbsent(key, k -> {
            try {
                PartitionProducerState s = PartitionProducerState.open(partitionsDir.resolve(log.topic())
                        .resolve(log.partition() + ".journal"), log, policy, registry::isKnown);
                // Retention keeps the batches of open and prepared transactions (B.7.8.6).
                log.retentionFloor(() -> s.lastStableOffset(log));
                // Journal records before the batches they describe, on disk too (every-write power loss).
                log.forceBarrier(s::forceJournal);
                return s;
            } catch (IOException e) {
                throw new TxnException(ErrorCode.STORAGE_ERROR, "cannot open the producer journal of "
                        + key + ": " + e.getMessage());
            }
        });
    }

    /** Every partition state opened so far. */
    List<PartitionProducerState> states() {
        return List.copyOf(partitions.values());
    }

    /** Partition count of {@code topic}, -1 when it does not exist. */
    int partitionCount(String topic) {
        return logs.partitionCount(topic);
    }

    /** The log of a partition (throws the log's exceptions when missing). */
    PartitionLog partition(String topic, int partition) {
        return logs.partition(topic, partition);
    }

    /** The state of an existing partition if it has one (no journal is created). */
    PartitionProducerState existingState(PartitionLog log) {
        return partitions.get(log.topic() + "/" + log.partition());
    }

    /** The last stable offset of {@code log} (B.7.7): the high-water mark when no transaction is open there. */
    public long lastStableOffset(PartitionLog log) {
        PartitionProducerState s = existingState(log);
        return s == null ? log.highWaterMark() : s.lastStableOffset(log);
    }

    /** The first offset at or after {@code offset} of {@code log} in an aborted transaction, or Long.MAX_VALUE. */
    public long nextAborted(PartitionLog log, long offset) {
        PartitionProducerState s = existingState(log);
        return s == null ? Long.MAX_VALUE : s.nextAborted(offset);
    }

    /**
     * InitProducerID (B.7.2, B.12.2). Blocks until the new id is durable.
     *
     * @throws TxnException with the wire code of a refusal
     */
    public InitProducerIdResponse initProducerId(String transactionalId, int timeoutMs) {
        if (transactionalId.isEmpty()) {
            if (!config.idempotence()) {
                throw new TxnException(ErrorCode.INVALID_REQUEST, "an empty transaction id is not served");
            }
            try {
                ProducerRegistry.Entry e = registry.issue("", clock.getAsLong());
                return new InitProducerIdResponse(e.id, (short) 0);
            } catch (IOException e) {
                throw new TxnException(ErrorCode.STORAGE_ERROR, "could not record a new producer id: "
                        + e.getMessage());
            }
        }
        if (transactions == null) {
            throw new TxnException(ErrorCode.INVALID_REQUEST,
                    "transactions are not served: only an empty transaction id (idempotent producer) is accepted");
        }
        return transactions.initProducerId(transactionalId, timeoutMs);
    }

    /**
     * A sequenced and/or transactional Produce (B.12.3, B.7.7) to {@code log}, after the checks of an ordinary
     * Produce. Returns base offset, count and high-water mark for the reply.
     *
     * @throws TxnException with the wire code of a refusal (nothing appended)
     */
    public long[] produce(PartitionLog log, ProduceRequest p) {
        ProducerSequence seq = p.sequence();
        long now = clock.getAsLong();
        PartitionProducerState.Outcome o;
        if (p.transaction() != null) {
            if (transactions == null) {
                throw new TxnException(ErrorCode.INVALID_REQUEST, "transactional Produce is not served");
            }
            o = transactions.produce(log, p, now);
        } else {
            ProducerRegistry.Entry e = registry.get(seq.producerId());
            if (e == null) {
                throw new TxnException(ErrorCode.UNKNOWN_PRODUCER_ID, "producer id " + seq.producerId()
                        + " was never issued or has expired");
            }
            if (!e.idempotentOnly()) {
                throw new TxnException(ErrorCode.INVALID_TRANSACTION_STATE, "producer id " + seq.producerId()
                        + " belongs to a transaction id: its writes must be transactional (flag 0x0020)");
            }
            if (seq.producerEpoch() != 0) {
                throw new TxnException(ErrorCode.INVALID_PRODUCER_EPOCH, "idempotent-only producer "
                        + seq.producerId() + " has epoch 0, not " + seq.producerEpoch());
            }
            o = state(log).append(log, p.messages(), seq.producerId(), (short) 0, seq.baseSequence(), false, now);
            if (o.errorCode() == 0) {
                e.lastUsedMs = Math.max(e.lastUsedMs, now);
            }
        }
        if (o.errorCode() != 0) {
            throw new TxnException(o.errorCode(), o.message());
        }
        try {
            state(log).syncIfPolicy(o.syncTo(), false);
        } catch (IOException ex) {
            throw new TxnException(ErrorCode.STORAGE_ERROR, "producer journal sync failed: " + ex.getMessage());
        }
        return new long[] {o.baseOffset(), o.count(), o.highWaterMark()};
    }

    /**
     * Read-committed Fetch (B.7.7): messages below the LSO, none of aborted transactions, and the LSO.
     */
    public ReadResult readCommitted(PartitionLog log, long offset, int maxBytes, int maxBlock, ByteBufAllocator alloc,
            long[] lsoOut) {
        CommittedReader.Result r = CommittedReader.read(log, existingState(log), offset, maxBytes, maxBlock, alloc);
        lsoOut[0] = r.lastStableOffset();
        return r.read();
    }

    /** Drops the producer state of a deleted topic (its journals go too). */
    public void topicDeleted(String topic) {
        String prefix = topic + "/";
        for (String key : List.copyOf(partitions.keySet())) {
            if (key.startsWith(prefix)) {
                PartitionProducerState s = partitions.remove(key);
                try {
                    s.delete();
                } catch (IOException e) {
                    LOG.warn("could not delete the producer journal of {}: {}", key, e.toString());
                }
            }
        }
        if (transactions != null) {
            transactions.topicDeleted(topic);
        }
    }

    /** Expiry of idempotent-only producer ids (B.12.5), transaction timeouts, interval flushes. */
    private void periodic() {
        try {
            long now = clock.getAsLong();
            if (config.producerIdExpiration() != null) {
                long limit = config.producerIdExpiration().toMillis();
                for (ProducerRegistry.Entry e : registry.entries()) {
                    if (e.idempotentOnly() && now - e.lastUsedMs > limit) {
                        expireProducer(e.id);
                    }
                }
            }
            if (transactions != null) {
                transactions.periodic(now);
                if (policy.kind() == FlushPolicy.Kind.INTERVAL) {
                    transactions.flushIfDirty();
                }
            }
            if (policy.kind() == FlushPolicy.Kind.INTERVAL) {
                for (PartitionProducerState s : partitions.values()) {
                    s.flushIfDirty();
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("exactly-once periodic task failed: {}", e.toString());
        }
    }

    /** Forgets a producer id everywhere (B.12.5). */
    void expireProducer(long id) throws IOException {
        registry.expire(id);
        for (PartitionProducerState s : partitions.values()) {
            s.forget(id);
        }
        LOG.info("producer id {} expired", id);
    }

    /** True while {@code producerId} is issued and not expired (tests and tools). */
    public boolean producerKnown(long producerId) {
        return registry.isKnown(producerId);
    }

    /** Journal forces so far, over the registry and every partition (tests check batching). */
    public long forceCount() {
        return registry.forceCount() + partitions.values().stream().mapToLong(PartitionProducerState::forceCount).sum()
                + (transactions == null ? 0 : transactions.forceCount());
    }

    @Override
    public void close() {
        timer.shutdown();
        try {
            if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("the exactly-once timer task did not finish within 30 s");
                timer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            timer.shutdownNow();
        }
        if (transactions != null) {
            transactions.close();
        }
        for (PartitionProducerState s : partitions.values().stream()
                .sorted(Comparator.comparing(Object::toString)).toList()) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.warn("closing a producer journal: {}", e.toString());
            }
        }
        partitions.clear();
        try {
            registry.close();
        } catch (IOException e) {
            LOG.warn("closing the producer registry: {}", e.toString());
        }
    }
}
