package io.streambus.client.internal.producer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.streambus.client.BrokerErrorException;
import io.streambus.client.ClientConfig;
import io.streambus.client.ConfigException;
import io.streambus.client.Futures;
import io.streambus.common.Header;
import io.streambus.client.StreamBusException;
import io.streambus.client.StreamBusTimeoutException;
import io.streambus.common.TopicPartition;
import io.streambus.client.internal.ClientContext;
import io.streambus.client.internal.MetadataCache;
import io.streambus.client.internal.Time;
import io.streambus.client.internal.net.Backoff;
import io.streambus.client.internal.net.Errors;
import io.streambus.client.internal.net.RequestSender;
import io.streambus.client.internal.net.ResponseHandler;
import io.streambus.client.metrics.MetricsCollector;
import io.streambus.client.producer.Partitioner;
import io.streambus.client.consumer.ConsumerGroupMetadata;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.client.producer.XaProducer;
import io.streambus.protocol.txn.ProducerIdAndEpoch;
import io.streambus.protocol.txn.Xid;
import java.util.Map;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.producer.RecordMetadata;
import io.streambus.client.serialization.Serdes;
import io.streambus.client.serialization.Serializer;
import io.streambus.protocol.message.CompressionCodec;
import io.streambus.protocol.DecodedResponse;
import io.streambus.protocol.message.DuplicateHeaderException;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.Frames;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.protocol.message.MessageBlockWriter;
import io.streambus.protocol.core.ProduceResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer: records are serialized into {@link ByteBuf}s and written straight into a per-partition
 * {@link MessageBlockWriter} (the batch), which is closed at {@code batch.size} bytes or after {@code linger.ms}
 * and sent as one Produce. One Produce per partition is in flight, or up to 5 when sequenced (spec B.12); a failed
 * batch is retried before the later batches of its partition, so records of a partition are stored in send order
 * across retries. Collaborators, as Kafka splits its producer: {@link IdempotenceManager} (producer id, sequences,
 * the B.12.6 reactions), {@link ProduceRetries} (retry decisions and backoff), {@link TransactionManager} (B.7,
 * B.7.8) and {@link ProducerInterceptors}; this class owns the per-partition batch queues and the batches' life.
 *
 * <p>No sender thread: batches are sent from the thread that fills them, from linger timers and from the
 * completion of the previous batch of the partition, all without blocking. Acknowledgements and failures complete
 * record futures on an I/O thread. Thread-safe.
 */
public final class ProducerImpl<K, V> implements XaProducer<K, V> {
    private static final Logger LOG = LoggerFactory.getLogger(ProducerImpl.class);
    /** Frame bytes around a Produce's message block besides the topic: header, partition, lengths, CRC. */
    private static final int PRODUCE_OVERHEAD = 64;

    private final ClientContext client;
    private final RequestSender network;
    private final Time time;
    private final MetadataCache metadata;
    private final MetricsCollector metrics;
    private final ByteBufAllocator alloc;
    private final Serializer<K> keySerializer;
    private final Serializer<V> valueSerializer;
    /** The key serializer is {@link Serdes#byteArraySerializer()}: keys are byte[] written as they are. */
    private final boolean keyBytesAsIs;
    /** As {@link #keyBytesAsIs}, for values. */
    private final boolean valueBytesAsIs;
    private final Partitioner partitioner;
    private final Partitioners.AppendAware appendAware;
    private final ProducerInterceptors<K, V> interceptors;
    private final MemoryLimiter memory;
    /** Bytes of {@code buffer.memory} an open batch may take ahead for its next records (see {@link #append}). */
    private final long batchAhead;
    /** The batches' futures and callbacks arrays, reused. */
    private final RecordSlotPool slots = new RecordSlotPool();
    private final int batchSize;
    private final long lingerNanos;
    private final long maxBlockNanos;
    private final long deliveryTimeoutNanos;
    /** Whether and when a failed batch is tried again (A.6.1, B.12.4). */
    private final ProduceRetries retries;
    private final CompressionCodec compression;
    private final ConcurrentHashMap<TopicPartition, PartitionQueue> queues = new ConcurrentHashMap<>();
    /** Per topic, the queues by partition id: avoids hashing a TopicPartition per record. */
    private final ConcurrentHashMap<String, Object[]> queuesByTopic = new ConcurrentHashMap<>();
    /** The entry of {@link #queuesByTopic} used last: most records go to the topic of the record before. */
    private volatile TopicQueues lastTopic;
    /** The partition count used last (see {@link #cachedPartitionCount}). */
    private volatile CachedCount lastCount;
    private final Set<Batch> incomplete = ConcurrentHashMap.newKeySet();
    private final AtomicInteger flushing = new AtomicInteger();
    private final RequestSender.Cancellable sweeper;
    /** Producer id, epoch and sequences (B.12), and the reactions to sequence errors. */
    private final IdempotenceManager idempotence;
    /** The connection of sequenced batches (B.12.4). */
    private final SequencedConnection sequencedConnection;
    /** {@code max.in.flight.requests.per.connection}, at most 5: sequenced batches in flight per partition. */
    private final int maxInFlightSequenced;
    /** The transaction manager, or null when {@code transactional.id} is not set. */
    private final TransactionManager txn;
    private volatile boolean closed;

    /**
     * A producer on the connections of {@code client}, under the producer-scope settings of {@code config}; it
     * registers with the client, which closes it on close.
     */
    public ProducerImpl(ClientContext client, Serializer<K> keySerializer, Serializer<V> valueSerializer,
                        ClientConfig config) {
        this(client, keySerializer, valueSerializer, config, false);
    }

    /**
     * As {@link #ProducerImpl(ClientContext, Serializer, Serializer, ClientConfig)}; with {@code xa} the producer is
     * for XA branches ({@link XaProducer}), and sends only within a branch.
     */
    public ProducerImpl(ClientContext client, Serializer<K> keySerializer, Serializer<V> valueSerializer,
                        ClientConfig config, boolean xa) {
        this.client = client;
        this.network = client.network();
        this.time = client.time();
        this.metadata = client.metadata();
        this.metrics = client.metrics();
        this.alloc = client.alloc();
        this.keySerializer = keySerializer;
        this.valueSerializer = valueSerializer;
        this.keyBytesAsIs = keySerializer == Serdes.byteArraySerializer();
        this.valueBytesAsIs = valueSerializer == Serdes.byteArraySerializer();
        this.batchSize = config.getInt(ClientConfig.BATCH_SIZE);
        this.lingerNanos = TimeUnit.MILLISECONDS.toNanos(config.getInt(ClientConfig.LINGER_MS));
        this.maxBlockNanos = TimeUnit.MILLISECONDS.toNanos(config.getLong(ClientConfig.MAX_BLOCK_MS));
        this.deliveryTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(config.getLong(ClientConfig.DELIVERY_TIMEOUT_MS));
        BatchLifecycle lifecycle = new Lifecycle();
        this.retries = new ProduceRetries(network, time, metrics, config.getInt(ClientConfig.RETRIES),
                new Backoff(config.getInt(ClientConfig.RETRY_BACKOFF_MS),
                        config.getInt(ClientConfig.RETRY_BACKOFF_MAX_MS)), deliveryTimeoutNanos, lifecycle);
        this.compression = CompressionCodec.forName(config.getString(ClientConfig.COMPRESSION_TYPE));
        this.memory = new MemoryLimiter(config.getLong(ClientConfig.BUFFER_MEMORY));
        // a small share of buffer.memory, so bytes held ahead by the open batches of a few partitions can hardly
        // make a sender wait (as Kafka's whole-batch buffers can); tiny buffers are reserved record by record
        this.batchAhead = Math.min(batchSize, memory.total() / 64);
        metrics.bufferMemory(memory::available, config.getLong(ClientConfig.BUFFER_MEMORY));
        this.partitioner = Partitioners.create(config.get(ClientConfig.PARTITIONER), batchSize);
        this.appendAware = partitioner instanceof Partitioners.AppendAware a ? a : null;
        this.interceptors = new ProducerInterceptors<>(config.get(ClientConfig.INTERCEPTOR_CLASSES));
        boolean idempotenceWanted = config.getBoolean(ClientConfig.ENABLE_IDEMPOTENCE);
        boolean idempotenceExplicit = idempotenceWanted && config.isSet(ClientConfig.ENABLE_IDEMPOTENCE);
        int maxInFlight = config.getInt(ClientConfig.MAX_IN_FLIGHT);
        if (idempotenceExplicit && maxInFlight > 5) {
            throw new ConfigException(ClientConfig.MAX_IN_FLIGHT, maxInFlight,
                    "must be at most 5 with enable.idempotence=true (spec B.12.1)");
        }
        this.maxInFlightSequenced = Math.min(5, maxInFlight);
        this.sequencedConnection = new SequencedConnection(network);
        this.idempotence = new IdempotenceManager(network, time, client.clientId(), maxBlockNanos,
                deliveryTimeoutNanos, idempotenceWanted, idempotenceExplicit, () -> closed, lifecycle, retries);
        String transactionalId = config.getString(ClientConfig.TRANSACTIONAL_ID);
        this.txn = transactionalId.isEmpty() && !xa ? null : new TransactionManager(transactionalId,
                config.getInt(ClientConfig.TRANSACTION_TIMEOUT_MS), network, idempotence.identity(), idempotenceWanted,
                this::flushForTransaction, this::dispatchAll);
        this.sweeper = network.schedulePeriodic(this::sweep, 50);
        client.register(this);
        if (txn == null) {
            idempotence.establish();
        }
    }

    // ---- send ---------------------------------------------------------------------------------------------------

    @Override
    public CompletableFuture<RecordMetadata> send(ProducerRecord<K, V> record) {
        return sendWith(record, null);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The callback is kept with the record in its batch and called just before the record's future completes, on
     * the thread completing it (no dependent stage per record), so a thread that waited for the future sees what the
     * callback did (as Kafka orders them).
     */
    @Override
    public CompletableFuture<RecordMetadata> send(ProducerRecord<K, V> record,
                                                  BiConsumer<RecordMetadata, Throwable> callback) {
        return sendWith(record, callback);
    }

    private CompletableFuture<RecordMetadata> sendWith(ProducerRecord<K, V> record,
                                                       BiConsumer<RecordMetadata, Throwable> callback) {
        if (txn != null) {
            // as Kafka: a send outside a transaction, or after it failed, throws at once
            txn.checkSend();
        }
        CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
        try {
            doSend(record, future, callback);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failEarly(future, callback, new StreamBusException("interrupted while waiting to send to "
                    + record.topic(), e));
        } catch (RuntimeException e) {
            failEarly(future, callback, Errors.toStreamBus(e, "send to " + record.topic() + " failed"));
        }
        return future;
    }

    /** Calls a send callback (if any) with the outcome of a completed record; a throwing callback is logged. */
    static void callBack(BiConsumer<RecordMetadata, Throwable> callback, RecordMetadata md, Throwable error) {
        if (callback == null) {
            return;
        }
        try {
            callback.accept(error == null ? md : null, error == null ? null : Errors.unwrap(error));
        } catch (RuntimeException ex) {
            LOG.error("producer callback threw", ex);
        }
    }

    @Override
    public RecordMetadata sendAndWait(ProducerRecord<K, V> record) {
        CompletableFuture<RecordMetadata> f = send(record);
        // The future always completes within delivery.timeout.ms; the bound only guards against a lost completion.
        long waitNanos = deliveryTimeoutNanos + maxBlockNanos + TimeUnit.SECONDS.toNanos(1);
        return Futures.await(f, waitNanos, "acknowledgement of a record sent to " + record.topic());
    }

    private void failEarly(CompletableFuture<RecordMetadata> future, BiConsumer<RecordMetadata, Throwable> callback,
                           Throwable error) {
        interceptors.onAcknowledgement(null, error);
        callBack(callback, null, error);
        future.completeExceptionally(error);
    }

    private void doSend(ProducerRecord<K, V> original, CompletableFuture<RecordMetadata> future,
                        BiConsumer<RecordMetadata, Throwable> callback)
            throws InterruptedException {
        if (closed) {
            throw new StreamBusException("producer is closed");
        }
        ProducerIdentity identity = idempotence.identity();
        if (identity.mode() == ProducerIdentity.Mode.FAILED) {
            throw Errors.toStreamBus(identity.failure(), "send to " + original.topic());
        }
        ProducerRecord<K, V> record = interceptors.onSend(original);
        String topic = record.topic();
        long timestamp = record.timestamp() != null ? record.timestamp() : time.currentTimeMillis();
        long timestampNanos;
        try {
            timestampNanos = Math.multiplyExact(timestamp, 1_000_000L);
        } catch (ArithmeticException e) {
            throw new StreamBusException("timestamp " + timestamp + " ms does not fit the wire's i64 nanoseconds");
        }
        int headersSize = 0;
        List<Header> headers = record.headers();
        for (int i = 0; i < headers.size(); i++) {
            Header h = headers.get(i);
            for (int j = 0; j < i; j++) {
                if (headers.get(j).key().equals(h.key())) {
                    throw new StreamBusException("record for topic " + topic + " has the header key '" + h.key()
                            + "' twice; header keys must be unique (spec A.5)");
                }
            }
            byte[] encodedKey = h.encodedKey();
            int keyBytes = encodedKey != null ? encodedKey.length : ByteBufUtil.utf8Bytes(h.key());
            headersSize += MessageBlock.headerSize(keyBytes, h.value().length);
        }
        // A byte[] from the byte-array serializer is copied straight into the batch: no buffer wrapping it.
        Object key = null;
        Object value = null;
        try {
            try {
                key = keyBytesAsIs ? record.key() : keySerializer.serialize(topic, record.key(), alloc);
            } catch (RuntimeException e) {
                throw new StreamBusException("cannot serialize the key of a record for topic " + topic + ": " + e, e);
            }
            try {
                value = valueBytesAsIs ? record.value() : valueSerializer.serialize(topic, record.value(), alloc);
            } catch (RuntimeException e) {
                throw new StreamBusException("cannot serialize the value of a record for topic " + topic + ": " + e,
                        e);
            }
            int keySize = sizeOf(key);
            int valueSize = sizeOf(value);
            int size = MessageBlock.messageSize(keySize, valueSize, headersSize);
            int frameBytes = size + MessageBlock.BLOCK_OVERHEAD + PRODUCE_OVERHEAD + 3 * topic.length();
            if (frameBytes > Frames.MAX_FRAME_SIZE) {
                throw new StreamBusException("record of " + size + " bytes for topic " + topic
                        + " does not fit in a frame (max " + Frames.MAX_FRAME_SIZE + " bytes, spec A.3.6)");
            }
            // max.block.ms bounds the waits for the partition count and for memory together; the clock is read only
            // when one of them has to wait, not per record
            boolean timed = false;
            long blockStart = 0;
            int n = 0;
            if (record.partition() == null) {
                n = cachedPartitionCount(topic);
                if (n <= 0) {
                    timed = true;
                    blockStart = time.nanoTime();
                    n = awaitPartitionCount(topic, maxBlockNanos);
                }
            }
            int partition = choosePartition(record, key, n);
            PartitionQueue pq = queue(topic, partition); // cached: no TopicPartition per record
            if (!append(pq, timestampNanos, key, value, headers, size, future, callback, 0)) {
                // buffer.memory is short: wait for it here, not under the partition's lock (acknowledgements free it)
                long waited = timed ? time.nanoTime() - blockStart : 0;
                memory.reserve(size, Math.max(0, maxBlockNanos - waited));
                append(pq, timestampNanos, key, value, headers, size, future, callback, size);
            }
        } finally {
            if (key instanceof ByteBuf k) {
                k.release();
            }
            if (value instanceof ByteBuf v) {
                v.release();
            }
        }
    }

    /** Bytes of a serialized key or value: a ByteBuf's readable bytes, a byte[]'s length, 0 for null. */
    private static int sizeOf(Object serialized) {
        if (serialized instanceof ByteBuf b) {
            return b.readableBytes();
        }
        return serialized == null ? 0 : ((byte[]) serialized).length;
    }

    /**
     * The cached partition count of {@code topic}, or -1: the count of the topic used last is kept with the metadata
     * version it was read under, so the usual record costs a volatile read, not a lookup and a clock read (the
     * sweeper still asks the cache, which refreshes counts older than {@code metadata.max.age.ms}).
     */
    private int cachedPartitionCount(String topic) {
        int version = metadata.version();
        CachedCount c = lastCount;
        if (c != null && c.version == version && c.topic.equals(topic)) {
            return c.partitions;
        }
        int n = metadata.cachedPartitionCount(topic);
        if (n > 0) {
            lastCount = new CachedCount(topic, n, version);
        }
        return n;
    }

    /** The partition of a record, {@code n} the partition count of its topic when the record names none. */
    private int choosePartition(ProducerRecord<K, V> record, Object key, int n) {
        if (record.partition() != null) {
            return record.partition();
        }
        String topic = record.topic();
        int p;
        try {
            // the partitioner's API takes a ByteBuf: a raw byte[] key is wrapped for it (no copy)
            ByteBuf keyBytes = key instanceof byte[] a ? Unpooled.wrappedBuffer(a) : (ByteBuf) key;
            p = partitioner.partition(topic, record.key(), keyBytes, n);
        } catch (RuntimeException e) {
            throw new StreamBusException("partitioner " + partitioner + " failed for topic " + topic + ": " + e, e);
        }
        if (p < 0 || p >= n) {
            throw new StreamBusException("partitioner " + partitioner + " chose partition " + p + " of topic "
                    + topic + ", which has " + n + " partitions");
        }
        return p;
    }

    private int awaitPartitionCount(String topic, long remainingNanos) {
        return Futures.await(metadata.partitionCount(topic), remainingNanos, "learning the partition count of topic "
                + topic + " (max.block.ms; is the broker reachable?)");
    }

    /**
     * Appends a record to its partition's open batch (a new one if needed) and sends what may go now.
     *
     * <p>{@code buffer.memory}: with {@code reserved} 0 the record's {@code size} bytes are taken without waiting,
     * from what the open batch holds ahead or from the limiter, or nothing is appended and false returned (the
     * caller then waits for the bytes outside the lock and calls again with {@code reserved == size}). Bytes taken
     * are the batch's from then on, given back with it, so a record that fails below leaves nothing to release.
     * When memory is plentiful a batch takes up to {@link #batchAhead} bytes ahead for its next records (at most
     * what it may still hold): one limiter operation per several records, not per record. What it has not used
     * goes back when it leaves its queue.
     *
     * @return false if nothing was appended for want of memory ({@code reserved} 0 only)
     */
    private boolean append(PartitionQueue pq, long timestampNanos, Object key, Object value,
                           List<Header> headers, int size, CompletableFuture<RecordMetadata> future,
                           BiConsumer<RecordMetadata, Throwable> callback, int reserved) {
        TopicPartition tp = pq.tp;
        boolean send;
        synchronized (pq) {
            if (closed) {
                memory.release(reserved);
                throw new StreamBusException("producer is closed");
            }
            Batch b = pq.queue.peekLast();
            boolean fresh = b == null || !b.isOpen()
                    || (b.recordCount() > 0 && b.writer().size() + size > batchSize);
            long got = reserved;
            if (reserved == 0 && (fresh || b.prepaid < size)) {
                long need = fresh ? size : size - b.prepaid;
                long room = batchSize - size - (fresh ? 0 : b.writer().size());
                long ahead = Math.min(room, batchAhead);
                if (ahead > 0 && memory.tryReserve(need + ahead)) {
                    got = need + ahead;
                } else if (memory.tryReserve(need)) {
                    got = need;
                } else {
                    return false;
                }
            }
            if (fresh) {
                if (b != null && b.isOpen()) {
                    b.markFull();
                }
                int capacity = Math.max(size + MessageBlock.BLOCK_OVERHEAD, Math.min(batchSize, 65536));
                long now = time.nanoTime();
                MessageBlockWriter writer;
                try {
                    writer = new MessageBlockWriter(alloc, capacity);
                } catch (RuntimeException | Error e) {
                    memory.release(got); // no batch holds the bytes yet
                    throw e;
                }
                b = new Batch(tp, now, now + deliveryTimeoutNanos, writer, compression, batchSize / size + 1, slots);
                pq.queue.add(b);
                incomplete.add(b);
            }
            b.reserved += got;
            b.prepaid += got;
            MessageBlockWriter w = b.writer();
            w.beginMessageOf(0, timestampNanos, key, value, headers.size());
            try {
                for (int i = 0; i < headers.size(); i++) { // indexed: no iterator per record
                    w.header(headers.get(i));
                }
            } catch (DuplicateHeaderException e) {
                throw new StreamBusException("record for " + tp + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                w.discardMessage(); // the batch stays valid for the next records
                throw new StreamBusException("cannot write the headers of a record for " + tp + ": " + e, e);
            }
            w.endMessage();
            b.addRecord(future, callback, timestampNanos, sizeOf(key), sizeOf(value));
            b.prepaid -= size;
            if (w.size() >= batchSize) {
                b.markFull();
            }
            if (appendAware != null) {
                appendAware.onAppend(tp.topic(), tp.partition(), size);
            }
            // the dispatch under the same lock: one lock per record, not two
            send = takeToSend(pq);
        }
        if (send) {
            sendTaken(pq);
        }
        return true;
    }

    private PartitionQueue queue(String topic, int p) {
        TopicQueues last = lastTopic;
        Object[] arr = last != null && last.topic.equals(topic) ? last.queues : queuesByTopic.get(topic);
        if (arr != null && p < arr.length && arr[p] != null) {
            @SuppressWarnings("unchecked")
            PartitionQueue cached = (PartitionQueue) arr[p];
            return cached;
        }
        PartitionQueue pq = queues.computeIfAbsent(new TopicPartition(topic, p), PartitionQueue::new);
        Object[] now = queuesByTopic.compute(topic, (t, old) -> {
            Object[] n = old == null ? new Object[p + 1] : java.util.Arrays.copyOf(old, Math.max(old.length, p + 1));
            n[p] = pq;
            return n;
        });
        lastTopic = new TopicQueues(topic, now);
        return pq;
    }

    /**
     * Under the partition's lock: the batch to send now, or null. A batch waiting for a retry goes first and alone,
     * once nothing else of the partition is on the wire (B.12.4: resent in sequence order); otherwise the next
     * queued batch while fewer than the limit are unresolved (5 when sequenced, 1 otherwise). Expired batches met on
     * the way are failed.
     */
    private Batch nextToSend(PartitionQueue pq) {
        ProducerIdentity identity = idempotence.identity();
        ProducerIdentity.Mode mode = identity.mode();
        if (mode == ProducerIdentity.Mode.FAILED) {
            failAll(pq, identity.failure());
            return null;
        }
        if (mode != ProducerIdentity.Mode.PLAIN && mode != ProducerIdentity.Mode.SEQUENCED) {
            return null; // producer id not known yet, or being replaced
        }
        boolean sequenced = mode == ProducerIdentity.Mode.SEQUENCED;
        Batch waiting = ProduceRetries.waiting(pq);
        if (waiting != null) {
            if (!ProduceRetries.takeIfDue(pq, waiting)) {
                return null;
            }
            onWire(pq);
            return waiting;
        }
        int limit = sequenced ? maxInFlightSequenced : 1;
        while (pq.unresolved.size() < limit) {
            Batch b = pq.queue.peekFirst();
            if (b == null) {
                return null;
            }
            // Before sealing: a batch that waits for its partition to join the transaction keeps taking records.
            ProducerIdAndEpoch txnTrailer = null;
            if (txn != null) {
                Throwable txnError = txn.sendError();
                if (txnError == null) {
                    TransactionManager.PartitionStatus st = txn.partitionStatus(pq.tp);
                    if (st != TransactionManager.PartitionStatus.ADDED) {
                        return null; // AddPartitionsToTxn in progress; its completion dispatches again
                    }
                    txnTrailer = txn.trailer();
                } else {
                    pq.queue.pollFirst();
                    completeBatch(b, null, txnError);
                    releaseBatch(b);
                    continue;
                }
            }
            long now = time.nanoTime(); // not per record: only when a batch may go
            if (b.isOpen()) {
                boolean ready = b.isFull() || lingerNanos == 0 || now - b.createdAt >= lingerNanos || flushing.get() > 0
                        || closed;
                if (!ready) {
                    if (!pq.lingerTimer) {
                        pq.lingerTimer = true;
                        long delay = lingerNanos - (now - b.createdAt);
                        network.schedule(() -> {
                            synchronized (pq) {
                                pq.lingerTimer = false;
                            }
                            dispatch(pq);
                        }, Math.max(1, TimeUnit.NANOSECONDS.toMillis(delay)));
                    }
                    return null;
                }
                b.seal();
            }
            pq.queue.pollFirst();
            giveBackPrepaid(b);
            if (now - b.deadline > 0) {
                completeBatch(b, null, new StreamBusTimeoutException(b.recordCount() + " record(s) for " + b.tp
                        + " expired after delivery.timeout.ms=" + TimeUnit.NANOSECONDS.toMillis(deliveryTimeoutNanos)
                        + " before they could be sent"));
                releaseBatch(b);
                continue;
            }
            b.trailers(sequenced ? identity.assign(pq.tp, b.recordCount()) : null, txnTrailer);
            pq.unresolved.add(b);
            onWire(pq);
            b.startSending();
            return b;
        }
        return null;
    }

    /** Under the partition's lock: the bytes a batch leaving its queue took ahead and did not use go back. */
    private void giveBackPrepaid(Batch b) {
        if (b.prepaid > 0) {
            memory.release(b.prepaid);
            b.reserved -= b.prepaid;
            b.prepaid = 0;
        }
    }

    /** Under the partition's lock: one more attempt of the partition on the wire. */
    private void onWire(PartitionQueue pq) {
        pq.outstanding++;
        idempotence.attemptStarted();
    }

    /** One attempt of the partition ended (reply, failure, or not sent); a pending reset may start. */
    private void attemptEnded(PartitionQueue pq) {
        synchronized (pq) {
            pq.outstanding--;
        }
        idempotence.attemptEnded();
    }

    /** Under the partition's lock: fails every queued and waiting batch (the identity failed). */
    private void failAll(PartitionQueue pq, Throwable error) {
        Batch b;
        while ((b = pq.queue.pollFirst()) != null) {
            completeBatch(b, null, error);
            releaseBatch(b);
        }
        for (java.util.Iterator<Batch> it = pq.unresolved.iterator(); it.hasNext(); ) {
            Batch u = it.next();
            if (u.awaitingRetry) {
                it.remove();
                pq.awaitingRetries--;
                if (completeBatch(u, null, error) == Batch.State.BACKOFF) {
                    releaseBatch(u);
                }
            }
        }
    }

    /** Sends what each partition may send now. */
    private void dispatchAll() {
        queues.values().forEach(this::dispatch);
    }

    /**
     * Sends what the partition may send now (several batches when sequenced). Batches are handed to the network in
     * the order {@link #nextToSend} took them (their sequence order): the sender and I/O threads both dispatch, and
     * one of them sends while the other only queues, so neither can overtake the other's batch (B.12.4; a reordered
     * batch is refused with 47 and resent).
     */
    private void dispatch(PartitionQueue pq) {
        synchronized (pq) {
            if (!takeToSend(pq)) {
                return;
            }
        }
        sendTaken(pq);
    }

    /**
     * Under the partition's lock: queues what the partition may send now on {@code pq.toSend}.
     *
     * @return true if the caller is to hand the queued batches to the network ({@link #sendTaken}, after
     * releasing the lock); false if there are none or another thread is sending them
     */
    private boolean takeToSend(PartitionQueue pq) {
        Batch b;
        while ((b = nextToSend(pq)) != null) {
            pq.toSend.add(b);
        }
        if (pq.sending || pq.toSend.isEmpty()) {
            return false; // the thread sending now sends these too
        }
        pq.sending = true;
        return true;
    }

    /** Hands {@code pq.toSend} to the network, in order; the caller got true from {@link #takeToSend}. */
    private void sendTaken(PartitionQueue pq) {
        while (true) {
            Batch b;
            synchronized (pq) {
                b = pq.toSend.poll();
                if (b == null) {
                    pq.sending = false;
                    return;
                }
            }
            try {
                sendBatch(pq, b);
            } catch (RuntimeException | Error e) {
                synchronized (pq) {
                    pq.sending = false; // the next dispatch sends the rest
                }
                throw e;
            }
        }
    }

    private void sendBatch(PartitionQueue pq, Batch b) {
        if (!b.beginAttempt()) {
            // failed explicitly (producer closed) while waiting for a retry: give its buffer back, send nothing
            attemptEnded(pq);
            finishInFlight(pq, b, null, null, false);
            return;
        }
        long remaining = b.deadline - time.nanoTime();
        if (remaining <= 0) {
            onBatchFailure(pq, b, new StreamBusTimeoutException("delivery.timeout.ms expired"));
            return;
        }
        long timeout = Math.min(remaining, network.requestTimeoutNanos());
        ResponseHandler handler = new ResponseHandler() {
            @Override
            public void onResponse(DecodedResponse r) {
                try (r) {
                    if (r.isError()) {
                        onBatchFailure(pq, b, Errors.fromResponse(r, "Produce to " + b.tp));
                    } else {
                        onBatchSuccess(pq, b, r.body(ProduceResponse.class));
                    }
                }
            }

            @Override
            public void onFailure(Throwable error) {
                onBatchFailure(pq, b, error);
            }
        };
        if (b.sequence() != null) {
            sequencedConnection.send(b, Frames.FLAG_REQUIRE_ACK, timeout, handler);
        } else {
            network.send(b, Frames.FLAG_REQUIRE_ACK, timeout, handler);
        }
    }

    private void onBatchSuccess(PartitionQueue pq, Batch b, ProduceResponse r) {
        attemptEnded(pq);
        if (r.messageCount() != b.recordCount()) {
            LOG.warn("Produce to {} stored {} records but {} were sent", b.tp, r.messageCount(), b.recordCount());
        }
        metrics.recordSend(b.tp, b.recordCount(), b.block().sizeInBytes(), time.nanoTime() - b.createdAt);
        finishInFlight(pq, b, r, null, true);
    }

    private void onBatchFailure(PartitionQueue pq, Batch b, Throwable error) {
        attemptEnded(pq);
        Throwable e = Errors.unwrap(error);
        metrics.recordError("Produce", network.activeAddress(), e);
        int code = e instanceof BrokerErrorException be ? be.code() : -1;
        if (code == ErrorCode.TOPIC_NOT_FOUND) {
            metadata.invalidate(b.tp.topic());
        }
        if (b.state().isCompleted()) {
            finishInFlight(pq, b, null, null, false);
            return;
        }
        if (b.sequence() != null && idempotence.onSequenceError(pq, b, code, e, txn)) {
            return;
        }
        if (code == ErrorCode.PRODUCER_FENCED || code == ErrorCode.INVALID_PRODUCER_ID_MAPPING
                || code == ErrorCode.INVALID_TRANSACTION_STATE || code == ErrorCode.TRANSACTION_ABORTED
                || code == ErrorCode.INVALID_PRODUCER_EPOCH) {
            e = TxnErrors.map(code, e.getMessage(), "Produce to " + b.tp);
        } else {
            e = retries.retryOrFail(pq, b, e);
            if (e == null) {
                return; // a retry is scheduled
            }
        }
        if (txn != null) {
            // a refused batch stored nothing, but its sequences are spent (B.12.3): the abort takes a new epoch
            if (b.sequence() != null) {
                txn.onSequencedSendFailure(e);
            } else {
                txn.onSendFailure(e);
            }
        }
        finishInFlight(pq, b, null, e, true);
    }

    /** Fails {@code b} and every later unresolved batch of its partition (B.12.6, 47 after a loss). */
    private void failFrom(PartitionQueue pq, Batch b, Throwable error) {
        List<Batch> failed = new ArrayList<>();
        synchronized (pq) {
            boolean from = false;
            for (java.util.Iterator<Batch> it = pq.unresolved.iterator(); it.hasNext(); ) {
                Batch u = it.next();
                from |= u == b;
                if (from) {
                    it.remove();
                    failed.add(u);
                }
            }
        }
        for (Batch u : failed) {
            Batch.State before = completeBatch(u, null, error);
            // on the wire: released when its reply or failure comes
            if (u == b || before == Batch.State.BACKOFF) {
                releaseBatch(u);
            }
        }
        dispatch(pq);
    }

    /**
     * The batch leaves its partition's unresolved list, the partition's next batches go out, then (if
     * {@code complete}) the batch's records complete: with {@code r}, with {@code error}, or, both null, as stored
     * with unknown offsets (a duplicate, 48).
     */
    private void finishInFlight(PartitionQueue pq, Batch b, ProduceResponse r, Throwable error, boolean complete) {
        synchronized (pq) {
            pq.unresolved.remove(b);
        }
        dispatch(pq);
        if (complete) {
            completeBatch(b, r, error);
        }
        releaseBatch(b);
    }

    /**
     * Completes every record future of the batch exactly once (success or failure).
     *
     * @return the batch's state before, or null if its records were completed already
     */
    private Batch.State completeBatch(Batch b, ProduceResponse r, Throwable error) {
        Batch.State before = b.complete(r == null ? -1 : r.baseOffset(), error, interceptors);
        if (before == null) {
            return null;
        }
        incomplete.remove(b);
        b.completion.complete(null);
        return before;
    }

    /** Gives back the batch's memory and buffer; called once the network no longer uses the batch. */
    private void releaseBatch(Batch b) {
        if (b.release()) {
            memory.release(b.reserved);
        }
    }

    /**
     * Fails queued batches whose delivery timeout passed (they may wait behind a retrying batch), and lets the
     * metadata cache age the partition count records use.
     */
    private void sweep() {
        CachedCount counted = lastCount;
        if (counted != null) {
            metadata.cachedPartitionCount(counted.topic); // refreshes it when old: records skip the cache
        }
        long now = time.nanoTime();
        for (PartitionQueue pq : queues.values()) {
            List<Batch> expired = null;
            synchronized (pq) {
                // Batches are queued in creation order, so deadlines grow along the queue.
                while (!pq.queue.isEmpty() && now - pq.queue.peekFirst().deadline > 0) {
                    if (expired == null) {
                        expired = new ArrayList<>();
                    }
                    expired.add(pq.queue.pollFirst());
                }
            }
            if (expired != null) {
                for (Batch b : expired) {
                    completeBatch(b, null, new StreamBusTimeoutException(b.recordCount() + " record(s) for " + b.tp
                            + " expired after delivery.timeout.ms=" + TimeUnit.NANOSECONDS.toMillis(
                            deliveryTimeoutNanos) + " while waiting to be sent"));
                    synchronized (pq) {
                        releaseBatch(b);
                    }
                }
            }
        }
    }

    // ---- transactions (B.7) and XA branches (B.7.8) ------------------------------------------------------------------

    private TransactionManager txn(String what) {
        if (txn == null) {
            throw new IllegalStateException(what + " needs transactional.id (this producer is not transactional)");
        }
        return txn;
    }

    private long blockDeadline() {
        return System.nanoTime() + maxBlockNanos;
    }

    @Override
    public void initTransactions() {
        txn("initTransactions").init(blockDeadline());
    }

    @Override
    public void beginTransaction() {
        txn("beginTransaction").begin();
    }

    @Override
    public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
                                         ConsumerGroupMetadata groupMetadata) {
        txn("sendOffsetsToTransaction").sendOffsets(offsets, groupMetadata, blockDeadline());
    }

    @Override
    public void sendAcknowledgementsToTransaction(
            Map<? extends io.streambus.client.share.ShareRecord<?, ?>, io.streambus.client.share.AcknowledgeType>
                    acknowledgements, io.streambus.client.share.ShareConsumer<?, ?> consumer) {
        if (!(consumer instanceof io.streambus.client.internal.share.TransactionalAcknowledgements t)) {
            throw new IllegalArgumentException("not a share consumer of this client library: " + consumer);
        }
        txn("sendAcknowledgementsToTransaction").sendShareAcknowledgements(acknowledgements, t, blockDeadline());
    }

    @Override
    public void commitTransaction() {
        txn("commitTransaction").commit(blockDeadline());
    }

    @Override
    public void abortTransaction() {
        txn("abortTransaction").abort(blockDeadline());
    }

    @Override
    public void startXaBranch(String prefix, Xid xid, Duration timeout) {
        txn("startXaBranch").startXa(prefix, xid, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()),
                blockDeadline());
    }

    @Override
    public void prepareXaBranch() {
        txn("prepareXaBranch").prepareXa(blockDeadline());
    }

    @Override
    public void commitXaBranchOnePhase() {
        txn("commitXaBranchOnePhase").commitXaOnePhase(blockDeadline());
    }

    @Override
    public void rollbackXaBranch() {
        txn("rollbackXaBranch").rollbackXa(blockDeadline());
    }

    @Override
    public Xid xaBranch() {
        return txn == null ? null : txn.xid();
    }

    /** Transaction state (for tests and logs); null for a non-transactional producer. */
    public String transactionState() {
        return txn == null ? null : txn.state().name();
    }

    /** Identity mode: PENDING, PLAIN, SEQUENCED, RESETTING or FAILED (for tests and logs). */
    public String idempotenceMode() {
        return idempotence.mode().name();
    }

    /** Sends every queued batch and waits up to {@code timeoutNanos} for all (a transaction's end, B.7.8.8 item 5). */
    private void flushForTransaction(long timeoutNanos) {
        flush(Duration.ofNanos(timeoutNanos));
    }

    // ---- flush, close ---------------------------------------------------------------------------------------------

    @Override
    public void flush(Duration timeout) {
        flushing.incrementAndGet();
        try {
            List<CompletableFuture<Void>> waits = new ArrayList<>();
            for (Batch b : incomplete) {
                waits.add(b.completion);
            }
            queues.values().forEach(this::dispatch);
            Futures.await(CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)), timeout.toNanos(),
                    "flush of " + waits.size() + " batch(es)");
        } finally {
            flushing.decrementAndGet();
        }
    }

    @Override
    public int partitionCount(String topic) {
        return awaitPartitionCount(topic, maxBlockNanos);
    }

    @Override
    public void close(Duration timeout) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long deadline = time.nanoTime() + timeout.toNanos();
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (Batch b : incomplete) {
            waits.add(b.completion);
        }
        queues.values().forEach(this::dispatch);
        try {
            Futures.await(CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)),
                    deadline - time.nanoTime(), "delivering the accepted records on close");
        } catch (StreamBusException e) {
            // timed out or interrupted (the flag is kept): whatever is left is failed explicitly below
        }
        StreamBusException closedError = new StreamBusException("producer closed before the record was "
                + "acknowledged (close timeout " + timeout.toMillis() + " ms); it may or may not have been stored");
        for (PartitionQueue pq : queues.values()) {
            List<Batch> queued;
            synchronized (pq) {
                queued = new ArrayList<>(pq.queue);
                pq.queue.clear();
            }
            for (Batch b : queued) {
                completeBatch(b, null, closedError);
                releaseBatch(b);
            }
        }
        // Batches in flight: fail their records now; their buffers go back when the network reports.
        for (Batch b : new ArrayList<>(incomplete)) {
            if (completeBatch(b, null, closedError) == Batch.State.BACKOFF) {
                // its retry timer may never run if the client shuts down next
                releaseBatch(b);
            }
        }
        sweeper.cancel();
        sequencedConnection.close();
        try {
            partitioner.close();
        } catch (RuntimeException e) {
            LOG.warn("partitioner close failed", e);
        }
        interceptors.close();
        client.unregister(this);
    }

    /** Bytes of buffer.memory in use (for tests and metrics). */
    public long bufferedBytes() {
        return memory.total() - memory.available();
    }

    /** A topic's partition count as the metadata cache had it at {@code version}. */
    private record CachedCount(String topic, int partitions, int version) {
    }

    /** A topic and its queues by partition (an immutable snapshot of a {@link #queuesByTopic} entry). */
    private record TopicQueues(String topic, Object[] queues) {
    }

    /** The batch actions the retry and idempotence bookkeeping call back (kept off the public API). */
    private final class Lifecycle implements BatchLifecycle {
        @Override
        public void finish(PartitionQueue pq, Batch b, Throwable error, boolean complete) {
            finishInFlight(pq, b, null, error, complete);
        }

        @Override
        public void failFrom(PartitionQueue pq, Batch b, Throwable error) {
            ProducerImpl.this.failFrom(pq, b, error);
        }

        @Override
        public void dispatch(PartitionQueue pq) {
            ProducerImpl.this.dispatch(pq);
        }

        @Override
        public void dispatchAll() {
            ProducerImpl.this.dispatchAll();
        }

        @Override
        public void resequenceWaiting(ProducerIdentity identity) {
            for (PartitionQueue pq : queues.values()) {
                synchronized (pq) {
                    for (Batch b : pq.unresolved) {
                        b.resequence(identity.assign(pq.tp, b.recordCount()));
                        b.retryDue = true;
                    }
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Producer[" + client.clientId() + ", partitioner=" + partitioner + ", compression="
                + compression.name().toLowerCase() + "]";
    }
}
