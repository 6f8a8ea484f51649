package io.streambus.jms.internal;

import io.streambus.common.TopicPartition;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.client.producer.Producer;
import io.streambus.client.share.AcknowledgeType;
import io.streambus.client.share.InvalidRecordStateException;
import io.streambus.client.share.ShareConsumer;
import io.streambus.client.share.ShareRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Records of a JMS queue through a share-group member (spec B.13): any number of consumers share every partition,
 * the broker counts deliveries and applies the selector (as the share fetch filter), and every message is settled on
 * its own: ACCEPT when the acknowledgement mode acknowledges it, RELEASE when it is to come again (recover, rollback,
 * a listener that threw).
 *
 * <p>The client share consumer runs in explicit mode and settles a poll's records before the next poll, so this source
 * hands a poll's records (up to {@value #MAX_POLL_RECORDS}) to the JMS consumer and polls again only once all of them
 * are settled; the share consumer prefetches meanwhile. Settlements decided on the application's thread
 * ({@link #settleHanded}) are queued and applied on the fetcher thread, which sends them ({@code commitAsync},
 * coalesced by the share consumer while a request is on the wire: no round trip per message). Acceptances are
 * gathered for at most {@value #ACCEPT_FLUSH_MICROS} µs unless they settle the rest of the poll (then the next poll
 * follows at once): waking the fetcher and sending a request for every message would cost more than the message
 * itself, and AUTO_ACKNOWLEDGE's acceptances still do not wait for the end of the poll's records. Releases
 * (recover, rollback, selector misses) wake the fetcher at once. Records of a poll that the JMS consumer never
 * delivered are RETURNed when it closes: not counted as a delivery (spec B.13.8).
 *
 * <p>The poll's records are kept in an array with a state each (found by position, in delivery order almost always at
 * a cursor): no key object, map entry or queue node per message.
 *
 * <p>Thread-safety: the {@link RecordSource} methods run on the fetcher thread; {@link #handed}, {@link #passedOver},
 * {@link #settleHanded}, {@link #hasHanded}, {@link #deliveryCount}, {@link #skippedBySelector} and {@link #wakeup()}
 * may be called from any thread. The poll's records and their states are guarded by {@link #lock}.
 */
final class ShareSource implements RecordSource {
    /** Records of one poll at most (bounded further by the consumer's prefetch). */
    static final int MAX_POLL_RECORDS = 100;
    /** Longest time queued acceptances wait on the fetcher thread for more to send with them. */
    static final long ACCEPT_FLUSH_MICROS = 2000;

    /** Fetched, not handed to the application. */
    private static final byte FETCHED = 0;
    /** Handed to the application (or skipped by it); its settlement follows the acknowledgement mode. */
    private static final byte HANDED = 1;
    /** Taken by {@link #stageHandedInTransaction} while the producer stages its acceptance. */
    private static final byte STAGING = 2;
    /** Settlement queued for the fetcher thread (type in {@link #types}). */
    private static final byte QUEUED = 3;
    /** Settled: handed to the share consumer. */
    private static final byte DONE = 4;

    private final ShareConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Listener listener;
    private final Set<TopicPartition> known = new HashSet<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition settled = lock.newCondition();
    private volatile boolean woken;

    // Guarded by lock: the current poll's records.
    @SuppressWarnings("unchecked")
    private ShareRecord<byte[], byte[]>[] records = new ShareRecord[0];
    private byte[] states = new byte[0];
    private AcknowledgeType[] types = new AcknowledgeType[0];
    private int size;
    /** Records of the poll not DONE. */
    private int open;
    /** Where the last lookup found its record: deliveries come in poll order. */
    private int cursor;
    /** Indices of HANDED records, in the order handed. */
    private int[] handedIdx = new int[0];
    private int handedCount;
    /** Indices of QUEUED records, in the order queued. */
    private int[] queuedIdx = new int[0];
    private int queuedCount;
    /** A queued settlement must go now: a release, or the poll's last one. */
    private boolean urgent;

    ShareSource(ShareConsumer<byte[], byte[]> consumer, String topic, Listener listener) {
        this.consumer = consumer;
        this.topic = topic;
        this.listener = listener;
    }

    @Override
    public void open(Duration timeout) {
        consumer.subscribe(List.of(topic));
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        boolean applied = applySettlements();
        if (openRecords() > 0) {
            // The JMS consumer still holds records of the last poll: wait for their settlement (or a wakeup).
            if (!applied) {
                awaitSettlement(timeout);
                applied = applySettlements();
            }
            if (openRecords() > 0) {
                if (applied) {
                    consumer.commitAsync(); // what was settled goes now, not once the whole poll is
                }
                return ConsumerRecords.empty();
            }
        }
        List<ShareRecord<byte[], byte[]>> polled = consumer.poll(timeout);
        if (polled.isEmpty()) {
            return ConsumerRecords.empty();
        }
        install(polled);
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> byPartition = new LinkedHashMap<>();
        List<TopicPartition> fresh = new ArrayList<>();
        TopicPartition tp = null;
        List<ConsumerRecord<byte[], byte[]>> list = null;
        for (ShareRecord<byte[], byte[]> r : polled) {
            if (tp == null || tp.partition() != r.partition() || !tp.topic().equals(r.topic())) {
                tp = r.topicPartition(); // records of a poll come by partition: one key object per run of them
                if (known.add(tp)) {
                    fresh.add(tp);
                }
                list = byPartition.computeIfAbsent(tp, k -> new ArrayList<>());
            }
            list.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(),
                    r.headers()));
        }
        if (!fresh.isEmpty()) {
            // Every member is assigned every partition (B.13.1): partitions are announced as records show up.
            listener.assigned(fresh);
        }
        return new ConsumerRecords<>(byPartition);
    }

    /** Fetcher thread, with every record of the last poll settled: the new poll's records, all FETCHED. */
    @SuppressWarnings("unchecked")
    private void install(List<ShareRecord<byte[], byte[]>> polled) {
        int n = polled.size();
        lock.lock();
        try {
            if (records.length < n) {
                records = new ShareRecord[n];
                states = new byte[n];
                types = new AcknowledgeType[n];
                handedIdx = new int[n];
                queuedIdx = new int[n];
            }
            if (size > n) {
                Arrays.fill(records, n, size, null); // nothing of an older, longer poll stays reachable
            }
            for (int i = 0; i < n; i++) {
                records[i] = polled.get(i);
                states[i] = FETCHED;
                types[i] = null;
            }
            size = n;
            open = n;
            cursor = 0;
            handedCount = 0;
            queuedCount = 0;
        } finally {
            lock.unlock();
        }
    }

    private int openRecords() {
        lock.lock();
        try {
            return open;
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: the index of the record at {@code tp}/{@code offset} in the current poll, or -1. */
    private int find(TopicPartition tp, long offset) {
        for (int i = cursor; i < size && i <= cursor + 1; i++) {
            if (at(i, tp, offset)) {
                cursor = i;
                return i;
            }
        }
        for (int i = 0; i < size; i++) {
            if (at(i, tp, offset)) {
                cursor = i;
                return i;
            }
        }
        return -1;
    }

    private boolean at(int i, TopicPartition tp, long offset) {
        ShareRecord<byte[], byte[]> r = records[i];
        return r.offset() == offset && r.partition() == tp.partition() && r.topic().equals(tp.topic());
    }

    private void awaitSettlement(Duration timeout) {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (!woken && queuedCount == 0 && nanos > 0) {
                nanos = settled.awaitNanos(nanos);
            }
            // Acceptances alone: gather more for a while (bounded) rather than send a request for each.
            long flush = Math.min(nanos, TimeUnit.MICROSECONDS.toNanos(ACCEPT_FLUSH_MICROS));
            while (!woken && !urgent && flush > 0) {
                flush = settled.awaitNanos(flush);
            }
            woken = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Fetcher thread: hands queued settlements to the share consumer (sent with its next poll or commit).
     *
     * @return true if there were any
     */
    private boolean applySettlements() {
        lock.lock();
        try {
            urgent = false;
            int n = queuedCount;
            int k = 0;
            try {
                for (; k < n; k++) {
                    int i = queuedIdx[k];
                    states[i] = DONE; // first: a settlement the client refuses is not tried again
                    open--;
                    consumer.acknowledge(records[i], types[i]);
                }
            } finally {
                int rest = k < n ? n - k - 1 : 0;
                System.arraycopy(queuedIdx, n - rest, queuedIdx, 0, rest);
                queuedCount = rest;
            }
            return n > 0;
        } finally {
            lock.unlock();
        }
    }

    /** The broker's delivery count of a fetched record (JMSXDeliveryCount), or {@code fallback} if unknown. */
    @Override
    public int deliveryCount(TopicPartition tp, long offset, int fallback) {
        lock.lock();
        try {
            int i = find(tp, offset);
            return i < 0 || states[i] == DONE ? fallback : records[i].deliveryCount();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean perRecordAcks() {
        return true;
    }

    /** A record was handed to the application: its settlement follows the acknowledgement mode. */
    @Override
    public void handed(TopicPartition tp, long offset) {
        lock.lock();
        try {
            int i = find(tp, offset);
            if (i >= 0 && states[i] == FETCHED) {
                states[i] = HANDED;
                handedIdx[handedCount++] = i;
            }
        } finally {
            lock.unlock();
        }
    }

    /** An expired record is consumed without delivery (as the group-consumer mapping commits past it). */
    @Override
    public void passedOver(TopicPartition tp, long offset) {
        settle(tp, offset, AcknowledgeType.ACCEPT);
    }

    /**
     * A fetched record that the consumer's selector rejects (only when the broker could not apply the selector as a
     * filter, or a race with a filter change): released without delivery so that another consumer may take it.
     */
    @Override
    public void skippedBySelector(TopicPartition tp, long offset) {
        settle(tp, offset, AcknowledgeType.RELEASE);
    }

    private void settle(TopicPartition tp, long offset, AcknowledgeType type) {
        lock.lock();
        try {
            int i = find(tp, offset);
            if (i >= 0 && states[i] == FETCHED) {
                queue(i, type);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Settles every handed record with {@code type}: ACCEPT (acknowledged) or RELEASE (to be delivered again). */
    @Override
    public void settleHanded(boolean accept) {
        AcknowledgeType type = accept ? AcknowledgeType.ACCEPT : AcknowledgeType.RELEASE;
        lock.lock();
        try {
            for (int k = 0; k < handedCount; k++) {
                int i = handedIdx[k];
                if (states[i] == HANDED) {
                    queue(i, type);
                }
            }
            handedCount = 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean hasHanded() {
        lock.lock();
        try {
            for (int k = 0; k < handedCount; k++) {
                if (states[handedIdx[k]] == HANDED) {
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Stages ACCEPT of every handed record in the producer's transaction; see {@link RecordSource}. */
    @Override
    public boolean stageHandedInTransaction(Producer<?, ?> producer) {
        applySettlements();
        Map<ShareRecord<byte[], byte[]>, AcknowledgeType> acks = new LinkedHashMap<>();
        int[] taken;
        int n = 0;
        lock.lock();
        try {
            taken = new int[handedCount];
            for (int k = 0; k < handedCount; k++) {
                int i = handedIdx[k];
                if (states[i] == HANDED) {
                    states[i] = STAGING; // neither settled nor settleable meanwhile
                    taken[n++] = i;
                    acks.put(records[i], AcknowledgeType.ACCEPT);
                }
            }
            handedCount = 0;
        } finally {
            lock.unlock();
        }
        if (n == 0) {
            return false;
        }
        boolean staged = false;
        try {
            producer.sendAcknowledgementsToTransaction(acks, consumer);
            staged = true;
        } catch (InvalidRecordStateException e) {
            staged = true; // the client releases what it could not stage; the transaction can only abort
            throw e;
        } finally {
            // Staged: settled by the transaction. Else nothing was staged (no transaction, no TXN_SHARE_ACKS): the
            // records stay handed, so that a rollback releases them.
            lock.lock();
            try {
                for (int k = 0; k < n; k++) {
                    int i = taken[k];
                    if (staged) {
                        states[i] = DONE;
                        open--;
                    } else {
                        states[i] = HANDED;
                        handedIdx[handedCount++] = i;
                    }
                }
            } finally {
                lock.unlock();
            }
        }
        return true;
    }

    /** Under the lock: queues the settlement of record {@code i} for the fetcher and wakes it when it matters. */
    private void queue(int i, AcknowledgeType type) {
        states[i] = QUEUED;
        types[i] = type;
        queuedIdx[queuedCount++] = i;
        if (type != AcknowledgeType.ACCEPT || queuedCount >= open) {
            urgent = true;
            settled.signalAll();
        } else if (queuedCount == 1) {
            settled.signalAll(); // the fetcher gathers acceptances from now on, for a bounded time
        }
    }

    private void signal() {
        lock.lock();
        try {
            settled.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Sends the queued settlements now and waits for their outcome (acknowledge(), commit()). */
    @Override
    public void confirm(Duration timeout) {
        applySettlements();
        Map<TopicPartition, Optional<Exception>> outcome = consumer.commitSync(timeout);
        for (Map.Entry<TopicPartition, Optional<Exception>> e : outcome.entrySet()) {
            if (e.getValue().isPresent()) {
                throw new IllegalStateException("acknowledging messages of " + e.getKey() + " failed: "
                        + e.getValue().get(), e.getValue().get());
            }
        }
    }

    @Override
    public boolean localCommits() {
        return true;
    }

    /** Per-record acknowledgements need no offsets: everything handed is accepted. */
    @Override
    public void commit(Map<TopicPartition, Long> offsets, Duration timeout) {
        settleHanded(true);
    }

    @Override
    public void seek(TopicPartition partition, long offset) {
        throw new UnsupportedOperationException("a share-group member has no position to seek");
    }

    @Override
    public Set<TopicPartition> assignment() {
        return Set.copyOf(known);
    }

    @Override
    public void pause(Collection<TopicPartition> partitions) {
        // Flow control is the settle-before-next-poll rule and the share consumer's prefetch bound.
    }

    @Override
    public void resume(Collection<TopicPartition> partitions) {
        // See pause.
    }

    @Override
    public void wakeup() {
        woken = true;
        signal();
        consumer.wakeup();
    }

    /**
     * Sends what is settled, then closes the member: records still unsettled are released if they were delivered (in
     * CLIENT_ACKNOWLEDGE or a transaction and not acknowledged) and returned uncounted if the JMS consumer never
     * delivered them; the share consumer returns its prefetch.
     */
    @Override
    public void close(Duration timeout) {
        try {
            applySettlements();
            lock.lock();
            try {
                for (int i = 0; i < size; i++) {
                    if (states[i] != DONE) {
                        consumer.acknowledge(records[i], states[i] == FETCHED ? AcknowledgeType.RETURN
                                : AcknowledgeType.RELEASE);
                        states[i] = DONE;
                    }
                }
                open = 0;
                handedCount = 0;
            } finally {
                lock.unlock();
            }
        } finally {
            consumer.close(timeout);
        }
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "ShareSource[" + topic + ", unsettled " + open + ", handed " + handedCount + "]";
        } finally {
            lock.unlock();
        }
    }
}
