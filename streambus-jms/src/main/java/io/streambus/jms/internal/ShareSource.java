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
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * ({@link #settleHanded}) are queued and applied on the fetcher thread, which sends them at once
 * ({@code commitAsync}, coalesced by the share consumer while a request is on the wire: no round trip per message, and
 * AUTO_ACKNOWLEDGE's acceptances do not wait for the end of the poll's records). Records of a poll that the JMS
 * consumer never delivered are RETURNed when it closes: not counted as a delivery (spec B.13.8).
 *
 * <p>Thread-safety: the {@link RecordSource} methods run on the fetcher thread; {@link #handed}, {@link #passedOver}, {@link #settleHanded},
 * {@link #deliveryCount}, {@link #skippedBySelector} and {@link #wakeup()} may be called from any thread.
 */
final class ShareSource implements RecordSource {
    /** Records of one poll at most (bounded further by the consumer's prefetch). */
    static final int MAX_POLL_RECORDS = 100;

    private final ShareConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Listener listener;
    /** Records of the current poll not settled yet, by position. */
    private final Map<Position, ShareRecord<byte[], byte[]>> unsettled = new ConcurrentHashMap<>();
    /** Records handed to the application (or skipped by it) and awaiting their settlement. */
    private final Set<Position> handed = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Settlement> settlements = new ConcurrentLinkedQueue<>();
    private final Set<TopicPartition> known = new HashSet<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition settled = lock.newCondition();
    private volatile boolean woken;

    /** A record's place in the log. */
    record Position(TopicPartition tp, long offset) {
    }

    private record Settlement(Position position, AcknowledgeType type) {
    }

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
        if (!unsettled.isEmpty()) {
            // The JMS consumer still holds records of the last poll: wait for their settlement (or a wakeup).
            if (!applied) {
                awaitSettlement(timeout);
                applied = applySettlements();
            }
            if (!unsettled.isEmpty()) {
                if (applied) {
                    consumer.commitAsync(); // what was settled goes now, not once the whole poll is
                }
                return ConsumerRecords.empty();
            }
        }
        List<ShareRecord<byte[], byte[]>> records = consumer.poll(timeout);
        if (records.isEmpty()) {
            return ConsumerRecords.empty();
        }
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> byPartition = new LinkedHashMap<>();
        List<TopicPartition> fresh = new ArrayList<>();
        for (ShareRecord<byte[], byte[]> r : records) {
            TopicPartition tp = r.topicPartition();
            if (known.add(tp)) {
                fresh.add(tp);
            }
            unsettled.put(new Position(tp, r.offset()), r);
            byPartition.computeIfAbsent(tp, k -> new ArrayList<>()).add(new ConsumerRecord<>(r.topic(),
                    r.partition(), r.offset(), r.timestamp(), r.key(), r.value(), r.headers()));
        }
        if (!fresh.isEmpty()) {
            // Every member is assigned every partition (B.13.1): partitions are announced as records show up.
            listener.assigned(fresh);
        }
        return new ConsumerRecords<>(byPartition);
    }

    private void awaitSettlement(Duration timeout) {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (!woken && settlements.isEmpty() && nanos > 0) {
                nanos = settled.awaitNanos(nanos);
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
        boolean any = false;
        Settlement s;
        while ((s = settlements.poll()) != null) {
            ShareRecord<byte[], byte[]> r = unsettled.remove(s.position());
            if (r != null) {
                consumer.acknowledge(r, s.type());
                any = true;
            }
        }
        return any;
    }

    /** The broker's delivery count of a fetched record (JMSXDeliveryCount), or {@code fallback} if unknown. */
    @Override
    public int deliveryCount(TopicPartition tp, long offset, int fallback) {
        ShareRecord<byte[], byte[]> r = unsettled.get(new Position(tp, offset));
        return r == null ? fallback : r.deliveryCount();
    }

    @Override
    public boolean perRecordAcks() {
        return true;
    }

    /** A record was handed to the application: its settlement follows the acknowledgement mode. */
    @Override
    public void handed(TopicPartition tp, long offset) {
        handed.add(new Position(tp, offset));
    }

    /** An expired record is consumed without delivery (as the group-consumer mapping commits past it). */
    @Override
    public void passedOver(TopicPartition tp, long offset) {
        queue(new Position(tp, offset), AcknowledgeType.ACCEPT);
    }

    /**
     * A fetched record that the consumer's selector rejects (only when the broker could not apply the selector as a
     * filter, or a race with a filter change): released without delivery so that another consumer may take it.
     */
    @Override
    public void skippedBySelector(TopicPartition tp, long offset) {
        queue(new Position(tp, offset), AcknowledgeType.RELEASE);
    }

    /** Settles every handed record with {@code type}: ACCEPT (acknowledged) or RELEASE (to be delivered again). */
    @Override
    public void settleHanded(boolean accept) {
        AcknowledgeType type = accept ? AcknowledgeType.ACCEPT : AcknowledgeType.RELEASE;
        for (Position p : List.copyOf(handed)) {
            if (handed.remove(p)) {
                queue(p, type);
            }
        }
    }

    @Override
    public boolean hasHanded() {
        return !handed.isEmpty();
    }

    /** Stages ACCEPT of every handed record in the producer's transaction; see {@link RecordSource}. */
    @Override
    public boolean stageHandedInTransaction(Producer<?, ?> producer) {
        applySettlements();
        Map<ShareRecord<byte[], byte[]>, AcknowledgeType> acks = new LinkedHashMap<>();
        Map<ShareRecord<byte[], byte[]>, Position> taken = new LinkedHashMap<>();
        for (Position p : List.copyOf(handed)) {
            if (handed.remove(p)) {
                ShareRecord<byte[], byte[]> r = unsettled.remove(p);
                if (r != null) {
                    acks.put(r, AcknowledgeType.ACCEPT);
                    taken.put(r, p);
                }
            }
        }
        if (acks.isEmpty()) {
            return false;
        }
        try {
            producer.sendAcknowledgementsToTransaction(acks, consumer);
        } catch (InvalidRecordStateException e) {
            throw e; // the client releases what it could not stage; the transaction can only abort
        } catch (RuntimeException e) {
            // Nothing was staged (no transaction, no TXN_SHARE_ACKS): the records stay handed, so that a rollback
            // releases them.
            taken.forEach((r, p) -> {
                unsettled.put(p, r);
                handed.add(p);
            });
            throw e;
        }
        return true;
    }

    private void queue(Position p, AcknowledgeType type) {
        settlements.add(new Settlement(p, type));
        signal();
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
            for (Map.Entry<Position, ShareRecord<byte[], byte[]>> e : List.copyOf(unsettled.entrySet())) {
                consumer.acknowledge(e.getValue(), handed.contains(e.getKey()) ? AcknowledgeType.RELEASE
                        : AcknowledgeType.RETURN);
            }
            unsettled.clear();
        } finally {
            consumer.close(timeout);
        }
    }

    @Override
    public String toString() {
        return "ShareSource[" + topic + ", unsettled " + unsettled.size() + ", handed " + handed.size() + "]";
    }
}
