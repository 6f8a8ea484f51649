package io.streambus.client.internal.producer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
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
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerInterceptor;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.producer.RecordMetadata;
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
import java.util.ArrayDeque;
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
 * and sent as one Produce. At most one Produce per partition is in flight, and a failed batch is retried before
 * the next batch of its partition is sent, so records of a partition are stored in send order across retries.
 *
 * <p>No sender thread: batches are sent from the thread that fills them, from linger timers and from the
 * completion of the previous batch of the partition, all without blocking. Acknowledgements and failures complete
 * record futures on an I/O thread. Thread-safe.
 */
public final class ProducerImpl<K, V> implements Producer<K, V> {
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
    private final Partitioner partitioner;
    private final Partitioners.AppendAware appendAware;
    private final List<ProducerInterceptor<K, V>> interceptors;
    private final MemoryLimiter memory;
    private final int batchSize;
    private final long lingerNanos;
    private final long maxBlockNanos;
    private final long deliveryTimeoutNanos;
    private final int retries;
    private final Backoff retryBackoff;
    private final CompressionCodec compression;
    private final ConcurrentHashMap<TopicPartition, PartitionQueue> queues = new ConcurrentHashMap<>();
    /** Per topic, the queues by partition id: avoids hashing a TopicPartition per record. */
    private final ConcurrentHashMap<String, Object[]> queuesByTopic = new ConcurrentHashMap<>();
    private final Set<Batch> incomplete = ConcurrentHashMap.newKeySet();
    private final AtomicInteger flushing = new AtomicInteger();
    private final RequestSender.Cancellable sweeper;
    private volatile boolean closed;

    /** The batches of one partition: queued (the last one maybe still open) and the one in flight. */
    private final class PartitionQueue {
        final TopicPartition tp;
        final ArrayDeque<Batch> queue = new ArrayDeque<>();
        Batch inFlight;
        boolean lingerTimer;

        PartitionQueue(TopicPartition tp) {
            this.tp = tp;
        }
    }

    /**
     * A producer on the connections of {@code client}, under the producer-scope settings of {@code config}; it
     * registers with the client, which closes it on close.
     */
    public ProducerImpl(ClientContext client, Serializer<K> keySerializer, Serializer<V> valueSerializer,
                        ClientConfig config) {
        this.client = client;
        this.network = client.network();
        this.time = client.time();
        this.metadata = client.metadata();
        this.metrics = client.metrics();
        this.alloc = client.alloc();
        this.keySerializer = keySerializer;
        this.valueSerializer = valueSerializer;
        this.batchSize = config.getInt(ClientConfig.BATCH_SIZE);
        this.lingerNanos = TimeUnit.MILLISECONDS.toNanos(config.getInt(ClientConfig.LINGER_MS));
        this.maxBlockNanos = TimeUnit.MILLISECONDS.toNanos(config.getLong(ClientConfig.MAX_BLOCK_MS));
        this.deliveryTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(config.getLong(ClientConfig.DELIVERY_TIMEOUT_MS));
        this.retries = config.getInt(ClientConfig.RETRIES);
        this.retryBackoff = new Backoff(config.getInt(ClientConfig.RETRY_BACKOFF_MS),
                config.getInt(ClientConfig.RETRY_BACKOFF_MAX_MS));
        this.compression = CompressionCodec.forName(config.getString(ClientConfig.COMPRESSION_TYPE));
        this.memory = new MemoryLimiter(config.getLong(ClientConfig.BUFFER_MEMORY));
        metrics.bufferMemory(memory::available, config.getLong(ClientConfig.BUFFER_MEMORY));
        this.partitioner = Partitioners.create(config.get(ClientConfig.PARTITIONER), batchSize);
        this.appendAware = partitioner instanceof Partitioners.AppendAware a ? a : null;
        this.interceptors = createInterceptors(config.get(ClientConfig.INTERCEPTOR_CLASSES));
        this.sweeper = network.schedulePeriodic(this::sweep, 50);
        client.register(this);
    }

    @SuppressWarnings("unchecked")
    private List<ProducerInterceptor<K, V>> createInterceptors(Object setting) {
        List<ProducerInterceptor<K, V>> list = new ArrayList<>();
        for (Object o : (List<Object>) setting) {
            Object instance = o;
            try {
                if (o instanceof String name) {
                    ClassLoader cl = Thread.currentThread().getContextClassLoader();
                    instance = Class.forName(name, true, cl != null ? cl : getClass().getClassLoader())
                            .getDeclaredConstructor().newInstance();
                } else if (o instanceof Class<?> c) {
                    instance = c.getDeclaredConstructor().newInstance();
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new ConfigException(ClientConfig.INTERCEPTOR_CLASSES, o, "cannot instantiate: " + e);
            }
            if (!(instance instanceof ProducerInterceptor<?, ?> pi)) {
                throw new ConfigException(ClientConfig.INTERCEPTOR_CLASSES, o, "not a ProducerInterceptor");
            }
            list.add((ProducerInterceptor<K, V>) pi);
        }
        return List.copyOf(list);
    }

    // ---- send ---------------------------------------------------------------------------------------------------

    @Override
    public CompletableFuture<RecordMetadata> send(ProducerRecord<K, V> record) {
        CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
        try {
            doSend(record, future);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failEarly(future, new StreamBusException("interrupted while waiting to send to " + record.topic(), e));
        } catch (RuntimeException e) {
            failEarly(future, Errors.toStreamBus(e, "send to " + record.topic() + " failed"));
        }
        return future;
    }

    @Override
    public CompletableFuture<RecordMetadata> send(ProducerRecord<K, V> record,
                                                  BiConsumer<RecordMetadata, Throwable> callback) {
        CompletableFuture<RecordMetadata> f = send(record);
        f.whenComplete((m, e) -> {
            try {
                callback.accept(m, e == null ? null : Errors.unwrap(e));
            } catch (RuntimeException ex) {
                LOG.error("producer callback threw", ex);
            }
        });
        return f;
    }

    @Override
    public RecordMetadata sendAndWait(ProducerRecord<K, V> record) {
        CompletableFuture<RecordMetadata> f = send(record);
        // The future always completes within delivery.timeout.ms; the bound only guards against a lost completion.
        long waitNanos = deliveryTimeoutNanos + maxBlockNanos + TimeUnit.SECONDS.toNanos(1);
        return Futures.await(f, waitNanos, "acknowledgement of a record sent to " + record.topic());
    }

    private void failEarly(CompletableFuture<RecordMetadata> future, Throwable error) {
        for (ProducerInterceptor<K, V> i : interceptors) {
            try {
                i.onAcknowledgement(null, error);
            } catch (RuntimeException e) {
                LOG.warn("interceptor {} threw in onAcknowledgement", i, e);
            }
        }
        future.completeExceptionally(error);
    }

    private void doSend(ProducerRecord<K, V> original, CompletableFuture<RecordMetadata> future)
            throws InterruptedException {
        if (closed) {
            throw new StreamBusException("producer is closed");
        }
        long start = time.nanoTime();
        ProducerRecord<K, V> record = original;
        for (ProducerInterceptor<K, V> i : interceptors) {
            try {
                ProducerRecord<K, V> r = i.onSend(record);
                if (r != null) {
                    record = r;
                }
            } catch (RuntimeException e) {
                LOG.warn("interceptor {} threw in onSend; record sent unchanged", i, e);
            }
        }
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
            headersSize += MessageBlock.headerSize(ByteBufUtil.utf8Bytes(h.key()), h.value().length);
        }
        ByteBuf key = null;
        ByteBuf value = null;
        try {
            try {
                key = keySerializer.serialize(topic, record.key(), alloc);
            } catch (RuntimeException e) {
                throw new StreamBusException("cannot serialize the key of a record for topic " + topic + ": " + e, e);
            }
            try {
                value = valueSerializer.serialize(topic, record.value(), alloc);
            } catch (RuntimeException e) {
                throw new StreamBusException("cannot serialize the value of a record for topic " + topic + ": " + e,
                        e);
            }
            int keySize = key == null ? 0 : key.readableBytes();
            int valueSize = value == null ? 0 : value.readableBytes();
            int size = MessageBlock.messageSize(keySize, valueSize, headersSize);
            int frameBytes = size + MessageBlock.BLOCK_OVERHEAD + PRODUCE_OVERHEAD + 3 * topic.length();
            if (frameBytes > Frames.MAX_FRAME_SIZE) {
                throw new StreamBusException("record of " + size + " bytes for topic " + topic
                        + " does not fit in a frame (max " + Frames.MAX_FRAME_SIZE + " bytes, spec A.3.6)");
            }
            int partition = choosePartition(record, key, start);
            TopicPartition tp = new TopicPartition(topic, partition);
            long remaining = maxBlockNanos - (time.nanoTime() - start);
            memory.reserve(size, Math.max(0, remaining));
            try {
                append(tp, timestamp, timestampNanos, key, value, record.headers(), size, keySize, valueSize, future);
            } catch (RuntimeException e) {
                memory.release(size);
                throw e;
            }
        } finally {
            if (key != null) {
                key.release();
            }
            if (value != null) {
                value.release();
            }
        }
    }

    private int choosePartition(ProducerRecord<K, V> record, ByteBuf key, long start) {
        if (record.partition() != null) {
            return record.partition();
        }
        String topic = record.topic();
        int n = metadata.cachedPartitionCount(topic);
        if (n <= 0) {
            n = awaitPartitionCount(topic, maxBlockNanos - (time.nanoTime() - start));
        }
        int p;
        try {
            p = partitioner.partition(topic, record.key(), key, n);
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

    private void append(TopicPartition tp, long timestamp, long timestampNanos, ByteBuf key, ByteBuf value,
                        List<Header> headers, int size, int keySize, int valueSize,
                        CompletableFuture<RecordMetadata> future) {
        PartitionQueue pq = queue(tp);
        Batch toSend;
        synchronized (pq) {
            if (closed) {
                throw new StreamBusException("producer is closed");
            }
            Batch b = pq.queue.peekLast();
            long now = time.nanoTime();
            if (b == null || !b.isOpen() || (!b.records.isEmpty() && b.writer().size() + size > batchSize)) {
                if (b != null && b.isOpen()) {
                    b.markFull();
                }
                int capacity = Math.max(size + MessageBlock.BLOCK_OVERHEAD, Math.min(batchSize, 65536));
                b = new Batch(tp, now, now + deliveryTimeoutNanos, new MessageBlockWriter(alloc, capacity),
                        compression);
                pq.queue.add(b);
                incomplete.add(b);
            }
            MessageBlockWriter w = b.writer();
            w.beginMessage(0, timestampNanos, key, value, headers.size());
            try {
                for (Header h : headers) {
                    w.header(h.key(), h.value());
                }
            } catch (DuplicateHeaderException e) {
                throw new StreamBusException("record for " + tp + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new StreamBusException("cannot write the headers of a record for " + tp + ": " + e, e);
            }
            w.endMessage();
            b.records.add(new Batch.Entry(future, timestamp, keySize, valueSize));
            b.reserved += size;
            if (w.size() >= batchSize) {
                b.markFull();
            }
            if (appendAware != null) {
                appendAware.onAppend(tp.topic(), tp.partition(), size);
            }
            toSend = nextToSend(pq, now);
        }
        if (toSend != null) {
            sendBatch(pq, toSend);
        }
    }

    private PartitionQueue queue(TopicPartition tp) {
        Object[] arr = queuesByTopic.get(tp.topic());
        int p = tp.partition();
        if (arr != null && p < arr.length && arr[p] != null) {
            @SuppressWarnings("unchecked")
            PartitionQueue cached = (PartitionQueue) arr[p];
            return cached;
        }
        PartitionQueue pq = queues.computeIfAbsent(tp, PartitionQueue::new);
        queuesByTopic.compute(tp.topic(), (t, old) -> {
            Object[] n = old == null ? new Object[p + 1] : java.util.Arrays.copyOf(old, Math.max(old.length, p + 1));
            n[p] = pq;
            return n;
        });
        return pq;
    }

    /**
     * Under the partition's lock: the batch to send now, or null (one in flight, nothing ready, or a linger timer
     * will come back). Expired batches met on the way are failed.
     */
    private Batch nextToSend(PartitionQueue pq, long now) {
        while (pq.inFlight == null) {
            Batch b = pq.queue.peekFirst();
            if (b == null) {
                return null;
            }
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
            if (now - b.deadline > 0) {
                completeBatch(b, null, new StreamBusTimeoutException(b.records.size() + " record(s) for " + b.tp
                        + " expired after delivery.timeout.ms=" + TimeUnit.NANOSECONDS.toMillis(deliveryTimeoutNanos)
                        + " before they could be sent"));
                releaseBatch(b);
                continue;
            }
            pq.inFlight = b;
            b.startSending();
            return b;
        }
        return null;
    }

    private void dispatch(PartitionQueue pq) {
        Batch b;
        synchronized (pq) {
            b = nextToSend(pq, time.nanoTime());
        }
        if (b != null) {
            sendBatch(pq, b);
        }
    }

    private void sendBatch(PartitionQueue pq, Batch b) {
        if (!b.beginAttempt()) {
            // failed explicitly (producer closed) while waiting for a retry: give its buffer back, send nothing
            finishInFlight(pq, b, null, null);
            return;
        }
        long remaining = b.deadline - time.nanoTime();
        if (remaining <= 0) {
            onBatchFailure(pq, b, new StreamBusTimeoutException("delivery.timeout.ms expired"));
            return;
        }
        long timeout = Math.min(remaining, network.requestTimeoutNanos());
        network.send(b, Frames.FLAG_REQUIRE_ACK, timeout, new ResponseHandler() {
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
        });
    }

    private void onBatchSuccess(PartitionQueue pq, Batch b, ProduceResponse r) {
        if (r.messageCount() != b.records.size()) {
            LOG.warn("Produce to {} stored {} records but {} were sent", b.tp, r.messageCount(), b.records.size());
        }
        metrics.recordSend(b.tp, b.records.size(), b.block().sizeInBytes(), time.nanoTime() - b.createdAt);
        finishInFlight(pq, b, r, null);
    }

    private void onBatchFailure(PartitionQueue pq, Batch b, Throwable error) {
        Throwable e = Errors.unwrap(error);
        metrics.recordError("Produce", network.activeAddress(), e);
        if (e instanceof BrokerErrorException be && be.code() == ErrorCode.TOPIC_NOT_FOUND) {
            metadata.invalidate(b.tp.topic());
        }
        if (!b.state().isCompleted() && Errors.isRetriable(e) && b.attempts <= retries) {
            long delayMs = retryBackoff.delayMs(b.attempts - 1);
            if (time.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs) - b.deadline < 0) {
                if (b.startBackoff()) {
                    LOG.debug("retrying Produce to {} in {} ms (attempt {}): {}", b.tp, delayMs, b.attempts + 1,
                            e.toString());
                    metrics.recordSendRetry(b.tp, e);
                    network.schedule(() -> sendBatch(pq, b), delayMs);
                    return;
                }
                finishInFlight(pq, b, null, e);
                return;
            }
            e = new StreamBusTimeoutException(b.records.size() + " record(s) for " + b.tp
                    + " not acknowledged within delivery.timeout.ms=" + TimeUnit.NANOSECONDS.toMillis(
                    deliveryTimeoutNanos) + " after " + b.attempts + " attempt(s); last error: " + e.getMessage());
        }
        finishInFlight(pq, b, null, e);
    }

    /**
     * The partition's next batch goes out first, then the finished batch's records complete: the broker works on
     * the next batch while this thread runs the record callbacks.
     */
    private void finishInFlight(PartitionQueue pq, Batch b, ProduceResponse r, Throwable error) {
        Batch next;
        synchronized (pq) {
            if (pq.inFlight == b) {
                pq.inFlight = null;
            }
            next = nextToSend(pq, time.nanoTime());
        }
        if (next != null) {
            sendBatch(pq, next);
        }
        if (r != null || error != null) {
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
        Batch.State before = b.markCompleted();
        if (before == null) {
            return null;
        }
        for (int i = 0; i < b.records.size(); i++) {
            Batch.Entry e = b.records.get(i);
            RecordMetadata md = new RecordMetadata(b.tp, r == null ? -1 : r.baseOffset() + i, e.timestamp(),
                    e.keySize(), e.valueSize());
            for (ProducerInterceptor<K, V> ic : interceptors) {
                try {
                    ic.onAcknowledgement(md, error);
                } catch (RuntimeException ex) {
                    LOG.warn("interceptor {} threw in onAcknowledgement", ic, ex);
                }
            }
            if (error == null) {
                e.future().complete(md);
            } else {
                e.future().completeExceptionally(error);
            }
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

    /** Fails queued batches whose delivery timeout passed (they may wait behind a retrying batch). */
    private void sweep() {
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
                    completeBatch(b, null, new StreamBusTimeoutException(b.records.size() + " record(s) for " + b.tp
                            + " expired after delivery.timeout.ms=" + TimeUnit.NANOSECONDS.toMillis(
                            deliveryTimeoutNanos) + " while waiting to be sent"));
                    synchronized (pq) {
                        releaseBatch(b);
                    }
                }
            }
        }
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
        try {
            partitioner.close();
        } catch (RuntimeException e) {
            LOG.warn("partitioner close failed", e);
        }
        for (ProducerInterceptor<K, V> i : interceptors) {
            try {
                i.close();
            } catch (RuntimeException e) {
                LOG.warn("interceptor close failed", e);
            }
        }
        client.unregister(this);
    }

    /** Bytes of buffer.memory in use (for tests and metrics). */
    public long bufferedBytes() {
        return memory.total() - memory.available();
    }

    @Override
    public String toString() {
        return "Producer[" + client.clientId() + ", partitioner=" + partitioner + ", compression="
                + compression.name().toLowerCase() + "]";
    }
}
