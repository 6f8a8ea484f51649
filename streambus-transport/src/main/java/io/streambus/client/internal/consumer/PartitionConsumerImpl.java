package io.streambus.client.internal.consumer;

import io.netty.buffer.ByteBufUtil;
import io.streambus.client.BrokerErrorException;
import io.streambus.client.ClientConfig;
import io.streambus.common.Header;
import io.streambus.client.StreamBusException;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.StreamBusTimeoutException;
import io.streambus.common.TopicPartition;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.client.consumer.NoOffsetException;
import io.streambus.client.consumer.OffsetResetStrategy;
import io.streambus.client.internal.ClientContext;
import io.streambus.client.internal.Time;
import io.streambus.client.internal.Wakeup;
import io.streambus.client.internal.net.BodySupplier;
import io.streambus.client.internal.net.BrokerView;
import io.streambus.client.internal.net.Errors;
import io.streambus.client.internal.net.RequestSender;
import io.streambus.client.internal.net.ResponseHandler;
import io.streambus.client.metrics.MetricsCollector;
import io.streambus.client.serialization.Deserializer;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.message.CompressionCodec;
import io.streambus.protocol.DecodedResponse;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.core.FetchRequest;
import io.streambus.protocol.core.FetchResponse;
import io.streambus.protocol.core.GetOffsetRequest;
import io.streambus.protocol.core.GetOffsetResponse;
import io.streambus.protocol.message.Message;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.protocol.message.HeaderKeys;
import io.streambus.protocol.message.MessageCursor;
import io.streambus.protocol.RequestBody;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partition consumer and fetch engine. Each assigned partition prefetches in the background: one Fetch in flight
 * at a time, the next one sent as soon as the previous reply is buffered, while the bytes buffered by this consumer
 * stay below {@code fetch.queue.max.bytes}. Fetched message blocks are kept as they came off the wire (pooled,
 * zero-copy) and records are deserialized in {@link #poll}.
 *
 * <p>Rules of the reference broker it follows (spec A.6.2, A.6.3): there is no "earliest/latest" sentinel, so
 * positions are resolved with GetOffset; an empty reply comes back at once, so polling is paced with a backoff that
 * starts at 1 ms and doubles up to {@code fetch.backoff.ms}; offsets can have gaps, so the next fetch offset is the
 * last returned offset + 1; the reference's timestamp sentinel becomes {@link ConsumerRecord#NO_TIMESTAMP}. A
 * position beyond the log end or below its start is out of range and handled by {@code auto.offset.reset}.
 *
 * <p>Not thread-safe, except {@link #wakeup()} (see {@link Consumer}).
 */
public final class PartitionConsumerImpl<K, V> implements Consumer<K, V> {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionConsumerImpl.class);

    private final ClientContext client;
    private final RequestSender network;
    private final Time time;
    private final MetricsCollector metrics;
    private final Deserializer<K> keyDeserializer;
    /** Header keys of the records polled (poll is single-threaded). */
    private final HeaderKeys headerKeys = new HeaderKeys();
    private final Deserializer<V> valueDeserializer;
    private final int fetchMaxBytes;
    private final int maxPollRecords;
    private final long queueMaxBytes;
    private final int fetchBackoffMaxMs;
    private final OffsetResetStrategy resetStrategy;
    /**
     * {@code isolation.level=read_committed}: Fetch with flag 0x0040 and read up to the last stable offset (B.7.7);
     * the connection refuses the flag towards a broker without TXN_DATA_PATH (UnsupportedFeatureException).
     */
    private final boolean readCommitted;
    private final CompressionCodec fetchCodec;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final LinkedHashMap<TopicPartition, PState> partitions = new LinkedHashMap<>();
    private long bufferedBytes;
    private int rotation;
    private final Wakeup wakeup = new Wakeup(lock, changed);
    private boolean closed;

    /** A fetched block being consumed. */
    private static final class Fetched {
        final MessageBlock block;
        final MessageCursor cursor;
        int remaining;

        Fetched(MessageBlock block) {
            this.block = block;
            this.cursor = block.cursor();
            this.remaining = block.count();
        }
    }

    /** State of one assigned partition; guarded by the consumer's lock. */
    private static final class PState {
        final TopicPartition tp;
        long position = -1;
        long fetchOffset = -1;
        OffsetResetStrategy pendingReset;
        boolean resetInFlight;
        boolean paused;
        boolean fetchInFlight;
        boolean fetchScheduled;
        int epoch;
        int emptyFetches;
        final ArrayDeque<Fetched> queue = new ArrayDeque<>();
        RuntimeException error;

        PState(TopicPartition tp) {
            this.tp = tp;
        }
    }

    /** A consumer on the connections of {@code client}, under the consumer-scope settings of {@code config}. */
    public PartitionConsumerImpl(ClientContext client, Deserializer<K> keyDeserializer,
                                 Deserializer<V> valueDeserializer, ClientConfig config) {
        this.client = client;
        this.network = client.network();
        this.time = client.time();
        this.metrics = client.metrics();
        this.keyDeserializer = keyDeserializer;
        this.valueDeserializer = valueDeserializer;
        this.fetchMaxBytes = config.getInt(ClientConfig.FETCH_MAX_BYTES);
        this.maxPollRecords = config.getInt(ClientConfig.MAX_POLL_RECORDS);
        this.queueMaxBytes = config.getLong(ClientConfig.FETCH_QUEUE_MAX_BYTES);
        this.fetchBackoffMaxMs = config.getInt(ClientConfig.FETCH_BACKOFF_MS);
        this.resetStrategy = OffsetResetStrategy.valueOf(config.getString(ClientConfig.AUTO_OFFSET_RESET)
                .toUpperCase(Locale.ROOT));
        this.fetchCodec = CompressionCodec.forName(config.getString(ClientConfig.FETCH_COMPRESSION_TYPE));
        this.readCommitted = "read_committed".equals(config.getString(ClientConfig.ISOLATION_LEVEL));
        client.register(this);
    }

    // ---- assignment -------------------------------------------------------------------------------------------------

    @Override
    public void assign(String topic, Collection<Integer> partitionIds) {
        List<TopicPartition> list = new ArrayList<>();
        for (Integer p : partitionIds) {
            list.add(new TopicPartition(topic, p));
        }
        assign(list);
    }

    @Override
    public void assign(Collection<TopicPartition> assignment) {
        lock.lock();
        try {
            ensureOpen();
            Set<TopicPartition> wanted = new LinkedHashSet<>(assignment);
            for (var it = partitions.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (!wanted.contains(e.getKey())) {
                    clear(e.getValue());
                    it.remove();
                }
            }
            for (TopicPartition tp : wanted) {
                partitions.computeIfAbsent(tp, PState::new);
            }
            startResets();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Set<TopicPartition> assignment() {
        lock.lock();
        try {
            return Set.copyOf(partitions.keySet());
        } finally {
            lock.unlock();
        }
    }

    // ---- positions --------------------------------------------------------------------------------------------------

    @Override
    public void seek(TopicPartition partition, long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, was " + offset + " for " + partition);
        }
        lock.lock();
        try {
            PState ps = state(partition);
            clear(ps);
            ps.position = offset;
            ps.fetchOffset = offset;
            ps.pendingReset = null;
            maybeFetch(ps);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void seekToBeginning(Collection<TopicPartition> parts) {
        resetTo(parts, OffsetResetStrategy.EARLIEST);
    }

    @Override
    public void seekToEnd(Collection<TopicPartition> parts) {
        resetTo(parts, OffsetResetStrategy.LATEST);
    }

    private void resetTo(Collection<TopicPartition> parts, OffsetResetStrategy target) {
        lock.lock();
        try {
            Collection<TopicPartition> list = parts.isEmpty() ? partitions.keySet() : parts;
            for (TopicPartition tp : list) {
                PState ps = state(tp);
                clear(ps);
                ps.position = -1;
                ps.pendingReset = target;
            }
            startResets();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long position(TopicPartition partition, Duration timeout) {
        long deadline = time.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            PState ps = state(partition);
            while (true) {
                checkWakeup();
                if (ps.position >= 0 && ps.pendingReset == null) {
                    return ps.position;
                }
                if (ps.position < 0 && ps.pendingReset == null) {
                    ps.pendingReset = resetStrategy;
                }
                startResets();
                if (ps.error != null) {
                    RuntimeException e = ps.error;
                    ps.error = null;
                    throw e;
                }
                long rem = deadline - time.nanoTime();
                if (rem <= 0) {
                    throw new StreamBusTimeoutException("position of " + partition + " not resolved within "
                            + timeout.toMillis() + " ms");
                }
                changed.awaitNanos(rem);
                if (!partitions.containsKey(partition)) {
                    throw new IllegalStateException(partition + " is no longer assigned");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamBusException("interrupted", e);
        } finally {
            lock.unlock();
        }
    }

    /** Known positions (next offset poll returns) of assigned partitions; partitions being reset are left out. */
    public Map<TopicPartition, Long> positions() {
        lock.lock();
        try {
            Map<TopicPartition, Long> m = new HashMap<>();
            partitions.forEach((tp, ps) -> {
                if (ps.position >= 0 && ps.pendingReset == null) {
                    m.put(tp, ps.position);
                }
            });
            return m;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void pause(Collection<TopicPartition> parts) {
        lock.lock();
        try {
            for (TopicPartition tp : parts) {
                state(tp).paused = true;
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void resume(Collection<TopicPartition> parts) {
        lock.lock();
        try {
            for (TopicPartition tp : parts) {
                PState ps = state(tp);
                ps.paused = false;
                maybeFetch(ps);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Set<TopicPartition> paused() {
        lock.lock();
        try {
            Set<TopicPartition> s = new LinkedHashSet<>();
            partitions.forEach((tp, ps) -> {
                if (ps.paused) {
                    s.add(tp);
                }
            });
            return s;
        } finally {
            lock.unlock();
        }
    }

    // ---- poll -------------------------------------------------------------------------------------------------------

    @Override
    public ConsumerRecords<K, V> poll(Duration timeout) {
        long deadline = time.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            ensureOpen();
            while (true) {
                checkWakeup();
                for (PState ps : partitions.values()) {
                    if (ps.position < 0 && ps.pendingReset == null) {
                        ps.pendingReset = resetStrategy;
                    }
                }
                startResets();
                ConsumerRecords<K, V> records = drain();
                if (!records.isEmpty()) {
                    return records;
                }
                throwPendingError();
                for (PState ps : partitions.values()) {
                    maybeFetch(ps);
                }
                long rem = deadline - time.nanoTime();
                if (rem <= 0) {
                    return ConsumerRecords.empty();
                }
                changed.awaitNanos(rem);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamBusException("interrupted during poll", e);
        } finally {
            lock.unlock();
        }
    }

    private void checkWakeup() {
        wakeup.throwIfRequested();
    }

    private void throwPendingError() {
        for (PState ps : partitions.values()) {
            if (ps.error != null) {
                RuntimeException e = ps.error;
                ps.error = null;
                // Fetching resumes after a pause, so that a transient cause can clear.
                scheduleFetch(ps, fetchBackoffMaxMs);
                throw e;
            }
        }
    }

    private ConsumerRecords<K, V> drain() {
        if (bufferedBytes == 0 && partitions.values().stream().allMatch(p -> p.queue.isEmpty())) {
            return ConsumerRecords.empty();
        }
        Map<TopicPartition, List<ConsumerRecord<K, V>>> out = new LinkedHashMap<>();
        List<PState> order = new ArrayList<>(partitions.values());
        int n = order.size();
        int count = 0;
        int start = n == 0 ? 0 : Math.floorMod(rotation++, n);
        for (int k = 0; k < n && count < maxPollRecords; k++) {
            PState ps = order.get((start + k) % n);
            if (ps.paused || ps.queue.isEmpty()) {
                continue;
            }
            List<ConsumerRecord<K, V>> list = null;
            while (count < maxPollRecords && !ps.queue.isEmpty()) {
                Fetched f = ps.queue.peek();
                if (f.remaining == 0) {
                    consumed(ps);
                    continue;
                }
                MessageCursor c = f.cursor;
                c.next();
                f.remaining--;
                if (c.offset() < ps.position) {
                    continue;
                }
                ConsumerRecord<K, V> r;
                try {
                    r = toRecord(ps.tp, c);
                } catch (RuntimeException e) {
                    long offset = c.offset();
                    clear(ps);
                    ps.position = offset;
                    ps.fetchOffset = offset;
                    ps.error = new StreamBusException("cannot deserialize the record at offset " + offset + " of "
                            + ps.tp + " (seek past it to skip it): " + e, e);
                    break;
                }
                if (list == null) {
                    // Sized for what this partition can still give to this poll: no growth copies per poll.
                    list = new ArrayList<>(Math.min(maxPollRecords - count, queuedRecords(ps)));
                    out.put(ps.tp, list);
                }
                list.add(r);
                ps.position = c.offset() + 1;
                count++;
                if (f.remaining == 0) {
                    consumed(ps);
                }
            }
            maybeFetch(ps);
        }
        return out.isEmpty() ? ConsumerRecords.empty() : new ConsumerRecords<>(out);
    }

    /** Records not yet drained from the blocks buffered for {@code ps} (an upper bound: some may be skipped). */
    private static int queuedRecords(PState ps) {
        long n = 0;
        for (Fetched f : ps.queue) {
            n += f.remaining;
        }
        return (int) Math.min(Integer.MAX_VALUE, n + 1);
    }

    private void consumed(PState ps) {
        Fetched f = ps.queue.poll();
        bufferedBytes -= f.block.sizeInBytes();
        f.block.release();
    }

    private ConsumerRecord<K, V> toRecord(TopicPartition tp, MessageCursor c) {
        String topic = tp.topic();
        // Straight from the fetched frame: no slice wrapper per field for deserializers that read by index.
        K key = c.keyLength() == 0 ? null
                : keyDeserializer.deserialize(topic, c.buffer(), c.keyIndex(), c.keyLength());
        V value = valueDeserializer.deserialize(topic, c.buffer(), c.valueIndex(), c.valueLength());
        long ts = timestampMillis(c.timestampNanos());
        List<Header> headers;
        if (c.headerCount() == 0) {
            headers = List.of();
        } else {
            // Straight from the frame into the API type: one value copy per header, the key mostly one seen before.
            List<Header> h = new ArrayList<>(c.headerCount());
            c.forEachHeader((b, ki, kl, vi, vl) -> h.add(new Header(headerKeys.key(h.size(), b, ki, kl),
                    ByteBufUtil.getBytes(b, vi, vl))));
            headers = Collections.unmodifiableList(h);
        }
        return new ConsumerRecord<>(topic, tp.partition(), c.offset(), ts, key, value, headers);
    }

    /**
     * Wire timestamp (epoch nanoseconds) to API timestamp (epoch milliseconds, rounded down); the reference
     * broker's sentinel for "no timestamp" (spec A.5) becomes {@link ConsumerRecord#NO_TIMESTAMP}.
     */
    public static long timestampMillis(long nanos) {
        return nanos == Message.REFERENCE_NO_TIMESTAMP ? ConsumerRecord.NO_TIMESTAMP : Math.floorDiv(nanos, 1_000_000L);
    }

    // ---- fetching ---------------------------------------------------------------------------------------------------

    private void maybeFetch(PState ps) {
        if (closed || ps.paused || ps.fetchInFlight || ps.fetchScheduled || ps.resetInFlight || ps.pendingReset != null
                || ps.fetchOffset < 0 || ps.error != null || bufferedBytes >= queueMaxBytes
                || partitions.get(ps.tp) != ps) {
            return;
        }
        ps.fetchInFlight = true;
        int epoch = ps.epoch;
        long offset = ps.fetchOffset;
        long sentAt = time.nanoTime();
        BodySupplier body = new BodySupplier() {
            @Override
            public ApiKey apiKey() {
                return ApiKey.FETCH;
            }

            @Override
            public RequestBody body(BrokerCapabilities caps, BrokerView broker) {
                CompressionCodec codec = CompressionCodec.NONE;
                if (fetchCodec != CompressionCodec.NONE) {
                    if (caps.supportsCompression()) {
                        codec = fetchCodec;
                    } else if (broker.firstTime("fetch-compression-unsupported")) {
                        // Same rule as the producer's (B.11): plain data from such a broker, one warning per address.
                        LOG.warn("fetch.compression.type={} is configured but broker {} does not advertise "
                                + "COMPRESSION (spec B.11); fetching uncompressed from it",
                                fetchCodec.name().toLowerCase(Locale.ROOT), broker.address());
                    }
                }
                if (readCommitted && !caps.has(BrokerCapabilities.TXN_DATA_PATH)) {
                    throw new UnsupportedFeatureException(BrokerCapabilities.CAP_TRANSACTIONS, broker.address());
                }
                return new FetchRequest(ps.tp.topic(), ps.tp.partition(), offset, fetchMaxBytes, codec,
                        readCommitted);
            }
        };
        network.send(body, 0, network.requestTimeoutNanos(), new ResponseHandler() {
            @Override
            public void onResponse(DecodedResponse r) {
                onFetch(ps, epoch, offset, sentAt, r);
            }

            @Override
            public void onFailure(Throwable error) {
                onFetchError(ps, epoch, error);
            }
        });
    }

    private void onFetch(PState ps, int epoch, long offset, long sentAt, DecodedResponse r) {
        lock.lock();
        try {
            if (ps.epoch == epoch) {
                ps.fetchInFlight = false;
            }
            if (r.isError()) {
                RuntimeException e = Errors.fromResponse(r, "Fetch from " + ps.tp);
                r.close();
                onFetchErrorLocked(ps, epoch, e);
                return;
            }
            FetchResponse f = r.body(FetchResponse.class);
            MessageBlock block = f.messages();
            metrics.recordFetch(ps.tp, block.count(), block.sizeInBytes(), time.nanoTime() - sentAt);
            if (closed || ps.epoch != epoch || partitions.get(ps.tp) != ps) {
                r.close();
                return;
            }
            if (block.count() == 0) {
                long hwm = f.highWaterMark();
                long lso = f.lastStableOffset();
                r.close();
                metrics.consumerLag(ps.tp, Math.max(0, hwm - offset));
                if (readCommitted && lso != FetchResponse.NO_LAST_STABLE_OFFSET && offset <= hwm) {
                    onEmptyCommittedFetch(ps, offset, lso);
                } else {
                    onEmptyFetch(ps, offset, hwm);
                }
                return;
            }
            // Known from the frame's validation: no second walk over the messages on the I/O thread.
            long last = block.lastOffset();
            metrics.consumerLag(ps.tp, Math.max(0, f.highWaterMark() - (last + 1)));
            block.retain();
            r.close();
            ps.queue.add(new Fetched(block));
            bufferedBytes += block.sizeInBytes();
            ps.fetchOffset = Math.max(ps.fetchOffset, last + 1);
            ps.emptyFetches = 0;
            changed.signalAll();
            maybeFetch(ps);
        } finally {
            lock.unlock();
        }
    }

    private void onEmptyFetch(PState ps, long offset, long hwm) {
        if (offset > hwm) {
            outOfRange(ps, offset, "beyond the log end " + hwm);
            return;
        }
        if (offset < hwm) {
            // Nothing returned below the high-water mark: the offset may be below the log start (A.6.2).
            checkLogStart(ps, offset);
            return;
        }
        ps.emptyFetches++;
        scheduleFetch(ps, Math.min(fetchBackoffMaxMs, 1L << Math.min(ps.emptyFetches - 1, 20)));
    }

    /**
     * Read committed, nothing returned: below the LSO everything left is aborted or a marker (B.7.7), so the
     * position moves on to the LSO; at the LSO an open transaction holds the partition back: wait as for an empty
     * fetch.
     */
    private void onEmptyCommittedFetch(PState ps, long offset, long lso) {
        if (offset < lso) {
            ps.fetchOffset = Math.max(ps.fetchOffset, lso);
            ps.emptyFetches = 0;
            maybeFetch(ps);
            return;
        }
        ps.emptyFetches++;
        scheduleFetch(ps, Math.min(fetchBackoffMaxMs, 1L << Math.min(ps.emptyFetches - 1, 20)));
    }

    private void checkLogStart(PState ps, long offset) {
        int epoch = ps.epoch;
        ps.fetchInFlight = true;
        network.call(new GetOffsetRequest(ps.tp.topic(), ps.tp.partition()), r -> r.body(GetOffsetResponse.class))
                .whenComplete((g, err) -> {
                    lock.lock();
                    try {
                        if (ps.epoch != epoch) {
                            return;
                        }
                        ps.fetchInFlight = false;
                        if (err == null && offset < g.startOffset()) {
                            outOfRange(ps, offset, "below the log start " + g.startOffset());
                        } else {
                            ps.emptyFetches++;
                            scheduleFetch(ps, fetchBackoffMaxMs);
                        }
                    } finally {
                        lock.unlock();
                    }
                });
    }

    private void outOfRange(PState ps, long offset, String why) {
        if (resetStrategy == OffsetResetStrategy.NONE) {
            ps.error = new StreamBusException("offset " + offset + " of " + ps.tp + " is out of range (" + why
                    + ") and auto.offset.reset=none");
            changed.signalAll();
            return;
        }
        LOG.info("offset {} of {} is out of range ({}); resetting to {}", offset, ps.tp, why,
                resetStrategy.name().toLowerCase(Locale.ROOT));
        clear(ps);
        ps.position = -1;
        ps.pendingReset = resetStrategy;
        startResets();
    }

    private void onFetchError(PState ps, int epoch, Throwable error) {
        lock.lock();
        try {
            if (ps.epoch == epoch) {
                ps.fetchInFlight = false;
            }
            onFetchErrorLocked(ps, epoch, error);
        } finally {
            lock.unlock();
        }
    }

    private void onFetchErrorLocked(PState ps, int epoch, Throwable error) {
        Throwable e = Errors.unwrap(error);
        metrics.recordError("Fetch", network.activeAddress(), e);
        if (closed || ps.epoch != epoch || partitions.get(ps.tp) != ps) {
            return;
        }
        if (Errors.isRetriable(e)) {
            ps.emptyFetches++;
            scheduleFetch(ps, fetchBackoffMaxMs);
        } else {
            ps.error = Errors.toStreamBus(e, "Fetch from " + ps.tp + " failed");
            changed.signalAll();
        }
    }

    private void scheduleFetch(PState ps, long delayMs) {
        if (ps.fetchScheduled || closed) {
            return;
        }
        ps.fetchScheduled = true;
        network.schedule(() -> {
            lock.lock();
            try {
                ps.fetchScheduled = false;
                maybeFetch(ps);
            } finally {
                lock.unlock();
            }
        }, delayMs);
    }

    // ---- resets ----------------------------------------------------------------------------------------------------

    private void startResets() {
        for (PState ps : partitions.values()) {
            if (ps.pendingReset == null || ps.resetInFlight || ps.error != null) {
                continue;
            }
            if (ps.pendingReset == OffsetResetStrategy.NONE) {
                ps.pendingReset = null;
                ps.error = new NoOffsetException(ps.tp);
                changed.signalAll();
                continue;
            }
            resolve(ps);
        }
    }

    private void resolve(PState ps) {
        ps.resetInFlight = true;
        int epoch = ps.epoch;
        OffsetResetStrategy target = ps.pendingReset;
        network.call(new GetOffsetRequest(ps.tp.topic(), ps.tp.partition()), r -> r.body(GetOffsetResponse.class))
                .whenComplete((g, err) -> {
                    lock.lock();
                    try {
                        if (ps.epoch != epoch || partitions.get(ps.tp) != ps) {
                            return;
                        }
                        ps.resetInFlight = false;
                        if (err != null) {
                            Throwable e = Errors.unwrap(err);
                            if (e instanceof BrokerErrorException be && be.code() == ErrorCode.TOPIC_NOT_FOUND) {
                                // The topic does not exist yet (GetOffset never creates it): try again later.
                                scheduleReset(ps);
                            } else if (Errors.isRetriable(e)) {
                                scheduleReset(ps);
                            } else {
                                ps.error = Errors.toStreamBus(e, "cannot resolve the position of " + ps.tp);
                            }
                            changed.signalAll();
                            return;
                        }
                        long pos = target == OffsetResetStrategy.EARLIEST ? g.startOffset() : g.endOffset();
                        ps.pendingReset = null;
                        ps.position = pos;
                        ps.fetchOffset = pos;
                        changed.signalAll();
                        maybeFetch(ps);
                    } finally {
                        lock.unlock();
                    }
                });
    }

    private void scheduleReset(PState ps) {
        ps.resetInFlight = true;
        int epoch = ps.epoch;
        network.schedule(() -> {
            lock.lock();
            try {
                if (ps.epoch == epoch && partitions.get(ps.tp) == ps && !closed) {
                    resolve(ps);
                }
            } finally {
                lock.unlock();
            }
        }, fetchBackoffMaxMs);
    }

    // ---- lifecycle --------------------------------------------------------------------------------------------------

    @Override
    public void wakeup() {
        wakeup.request();
    }

    @Override
    public void close(Duration timeout) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (PState ps : partitions.values()) {
                clear(ps);
            }
            partitions.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        client.unregister(this);
    }

    /** Bytes of fetched records buffered (for tests). */
    public long bufferedBytes() {
        lock.lock();
        try {
            return bufferedBytes;
        } finally {
            lock.unlock();
        }
    }

    private void clear(PState ps) {
        ps.epoch++;
        ps.fetchInFlight = false;
        ps.resetInFlight = false;
        ps.error = null;
        ps.emptyFetches = 0;
        while (!ps.queue.isEmpty()) {
            consumed(ps);
        }
    }

    private PState state(TopicPartition tp) {
        ensureOpen();
        PState ps = partitions.get(tp);
        if (ps == null) {
            throw new IllegalStateException(tp + " is not assigned to this consumer (assigned: "
                    + partitions.keySet() + ")");
        }
        return ps;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("consumer is closed");
        }
    }

    @Override
    public String toString() {
        return "PartitionConsumer[" + client.clientId() + ", " + partitions.keySet() + "]";
    }
}
