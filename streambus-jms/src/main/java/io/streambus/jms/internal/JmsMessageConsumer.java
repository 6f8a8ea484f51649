package io.streambus.jms.internal;

import io.streambus.common.TopicPartition;
import io.streambus.client.WakeupException;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.jms.StreamBusDestination;
import io.streambus.jms.message.StreamBusBytesMessage;
import io.streambus.jms.message.StreamBusMessage;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.Queue;
import jakarta.jms.QueueReceiver;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import jakarta.jms.TopicSubscriber;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JMS consumer over a {@link RecordSource}. A fetcher thread owns the client consumer: it polls records into a
 * bounded buffer (pausing the source when {@code prefetch} records wait), decodes them and marks the ones the
 * selector or noLocal rejects, and runs the commands that must touch the client consumer (commits, seeks).
 * {@code receive} and the session's listener dispatcher take from the buffer.
 *
 * <p>Acknowledgement bookkeeping per partition: where consumption started or was last committed ({@code base}), the
 * highest offset handed out or skipped in order ({@code consumedUpTo}), the delivered-but-unacknowledged offsets
 * (for delivery counts) and the delayed messages still held back. A commit moves the partition to
 * {@code min(consumedUpTo + 1, lowest held offset)}; a rewind (recover, rollback) seeks back to {@code base} and
 * counts one more delivery for each unacknowledged offset, which gives {@code JMSRedelivered} and
 * {@code JMSXDeliveryCount}.
 *
 * <p>Thread-safety: the JMS methods follow the JMS rule that a session (and its consumers) is used by one thread;
 * {@link #close()} may be called from any thread.
 */
public class JmsMessageConsumer implements QueueReceiver, TopicSubscriber {
    private static final Logger LOG = LoggerFactory.getLogger(JmsMessageConsumer.class);

    /** What kind of subscription this consumer reads; decides how it is closed and unsubscribed. */
    enum Kind { TOPIC, TEMPORARY, QUEUE, DURABLE, SHARED, SHARED_DURABLE }

    private final JmsSession session;
    private final StreamBusDestination destination;
    private final Selector selector;
    private final boolean noLocal;
    private final Kind kind;
    private final String subscriptionName;
    private final String groupId;
    private final JmsConfig config;
    private RecordSource source;
    private Runnable onClose = () -> { };

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Delivery> ready = new ArrayDeque<>();
    private final PriorityQueue<Delivery> held = new PriorityQueue<>(
            Comparator.comparingLong((Delivery d) -> d.deliveryTime).thenComparingLong(d -> d.offset));
    private final Map<TopicPartition, PartState> parts = new LinkedHashMap<>();
    private final ArrayDeque<Runnable> commands = new ArrayDeque<>();
    private Thread fetcher;
    private volatile boolean stopFetcher;
    private volatile boolean closed;
    private volatile MessageListener listener;
    private boolean paused;
    /** Set under the lock when the buffer drained while paused; the fetcher is woken after unlocking. */
    private boolean resumeWanted;
    private int dupsPending;
    private long dupsSinceNanos;
    private long lastPollErrorLog;
    /** Completed by the first assignment of a group source (fetcher thread only). */
    private CompletableFuture<Void> firstAssignment;

    /** One fetched record waiting for delivery; {@code message == null} means "skip" (selector, noLocal). */
    private static final class Delivery {
        final TopicPartition tp;
        final long offset;
        final StreamBusMessage message;
        final long deliveryTime;
        final long expiration;

        Delivery(TopicPartition tp, long offset, StreamBusMessage message) {
            this.tp = tp;
            this.offset = offset;
            this.message = message;
            this.deliveryTime = message == null ? 0 : message.getJMSDeliveryTime();
            this.expiration = message == null ? 0 : message.getJMSExpiration();
        }
    }

    /** Acknowledgement state of one assigned partition; guarded by {@link #lock}. */
    private static final class PartState {
        long base = -1;
        long committed = -1;
        long consumedUpTo = -1;
        final ArrayList<Long> unacked = new ArrayList<>();
        final HashMap<Long, Integer> previousDeliveries = new HashMap<>();
    }

    JmsMessageConsumer(JmsSession session, StreamBusDestination destination, Selector selector, boolean noLocal,
                       Kind kind, String subscriptionName, String groupId) {
        this.session = session;
        this.destination = destination;
        this.selector = selector;
        this.noLocal = noLocal;
        this.kind = kind;
        this.subscriptionName = subscriptionName;
        this.groupId = groupId;
        this.config = session.connection().config();
    }

    /**
     * Starts the fetcher on {@code source} and waits until the subscription is in place (positions resolved).
     *
     * @param onClose run once when this consumer closes (bookkeeping of the session and connection)
     */
    void start(RecordSource src, Runnable closeHook) throws JMSException {
        this.source = src;
        this.onClose = closeHook;
        CompletableFuture<Void> opened = new CompletableFuture<>();
        fetcher = new Thread(() -> fetchLoop(opened), "streambus-jms-consumer-" + destination.getName() + "-"
                + session.connection().id());
        fetcher.setDaemon(true);
        fetcher.start();
        try {
            Jms.await(opened, config.requestTimeoutMs(), "subscribing to " + destination);
        } catch (JMSException e) {
            stopFetcher = true;
            src.wakeup();
            closed = true;
            join();
            closeHook.run();
            throw e;
        }
    }

    RecordSource.Listener rebalanceListener() {
        return new RecordSource.Listener() {
            @Override
            public void assigned(Collection<TopicPartition> partitions) {
                lock.lock();
                try {
                    for (TopicPartition tp : partitions) {
                        parts.put(tp, new PartState());
                    }
                } finally {
                    lock.unlock();
                }
                onAssigned();
            }

            @Override
            public void revoked(Collection<TopicPartition> partitions) {
                onRevoked(partitions);
            }
        };
    }

    private void onAssigned() {
        CompletableFuture<Void> f = firstAssignment;
        if (f != null) {
            firstAssignment = null;
            f.complete(null);
        }
    }

    private void onRevoked(Collection<TopicPartition> partitions) {
        // Runs on the fetcher thread inside poll: commit what was consumed (auto modes), then forget the partitions.
        // Deliveries that were not acknowledged go to the partition's next owner.
        Map<TopicPartition, Long> toCommit = null;
        lock.lock();
        try {
            int mode = session.ackMode();
            if (mode == Session.AUTO_ACKNOWLEDGE || mode == Session.DUPS_OK_ACKNOWLEDGE) {
                toCommit = commitTargets(partitions);
            }
        } finally {
            lock.unlock();
        }
        if (toCommit != null && !toCommit.isEmpty()) {
            try {
                source.commit(toCommit, Duration.ofMillis(config.requestTimeoutMs()));
            } catch (RuntimeException e) {
                LOG.warn("{}: commit on partition revocation failed (the records may be delivered again): {}",
                        this, e.toString());
            }
        }
        lock.lock();
        try {
            for (TopicPartition tp : partitions) {
                parts.remove(tp);
            }
            ready.removeIf(d -> partitions.contains(d.tp));
            held.removeIf(d -> partitions.contains(d.tp));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- fetcher thread

    private void fetchLoop(CompletableFuture<Void> opened) {
        Duration pollTimeout = Duration.ofMillis(config.pollIntervalMs());
        try {
            source.open(Duration.ofMillis(config.requestTimeoutMs()));
            if (!source.assignsInPoll()) {
                opened.complete(null);
            } else {
                firstAssignment = opened;
            }
        } catch (RuntimeException e) {
            opened.completeExceptionally(e);
            closeSource();
            return;
        }
        long joinDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.requestTimeoutMs()) / 2;
        while (!stopFetcher) {
            if (!opened.isDone() && System.nanoTime() > joinDeadline) {
                // The group is slow to assign (a rebalance in progress): hand the consumer out anyway.
                LOG.debug("{}: no partition assignment yet, continuing", this);
                opened.complete(null);
            }
            runCommands();
            maybeCommitDupsOk();
            managePause();
            ConsumerRecords<byte[], byte[]> records;
            try {
                records = source.poll(pollTimeout);
            } catch (WakeupException e) {
                continue;
            } catch (RuntimeException e) {
                // Keep the fetcher alive whatever the client throws; transport errors reach the ExceptionListener.
                onPollError(e);
                continue;
            }
            if (!records.isEmpty()) {
                add(records);
            }
        }
        runCommands();
        flushAutoCommits();
        closeSource();
    }

    private void closeSource() {
        try {
            source.close(Duration.ofMillis(config.closeTimeoutMs()));
        } catch (RuntimeException e) {
            LOG.debug("{}: closing the client consumer: {}", this, e.toString());
        }
        lock.lock();
        try {
            // Anything still queued (a command submitted during close) fails fast instead of timing out.
            commands.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void onPollError(RuntimeException e) {
        long now = System.nanoTime();
        if (now - lastPollErrorLog > TimeUnit.SECONDS.toNanos(10)) {
            lastPollErrorLog = now;
            LOG.warn("{}: fetching failed, retrying: {}", this, e.toString());
        }
        session.connection().transportFailure(e);
        lock.lock();
        try {
            if (!stopFetcher) {
                changed.await(config.pollIntervalMs(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            stopFetcher = true;
        } finally {
            lock.unlock();
        }
    }

    private void add(ConsumerRecords<byte[], byte[]> records) {
        String myConnection = session.connection().id();
        List<Delivery> batch = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> r : records) {
            StreamBusMessage m = null;
            if (!(noLocal && myConnection.equals(MessageCodec.connectionIdOf(r)))) {
                m = decode(r);
                if (selector != null && !selector.matches(m)) {
                    m = null;
                }
            }
            batch.add(new Delivery(new TopicPartition(r.topic(), r.partition()), r.offset(), m));
        }
        lock.lock();
        try {
            for (Delivery d : batch) {
                PartState ps = parts.get(d.tp);
                if (ps == null) {
                    continue; // revoked meanwhile
                }
                if (ps.base < 0) {
                    ps.base = d.offset;
                }
                ready.add(d);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        session.wakeDispatcher();
    }

    private StreamBusMessage decode(ConsumerRecord<byte[], byte[]> r) {
        StreamBusMessage m;
        try {
            m = MessageCodec.decode(r, destination, config.deserializationPolicy(), config.foreignRecordsAsText());
        } catch (JMSException | RuntimeException e) {
            // Never drop a record: deliver its raw value with the problem named in a property.
            LOG.warn("{}: record {}-{}@{} cannot be decoded as a JMS message ({}); delivered as a BytesMessage",
                    this, r.topic(), r.partition(), r.offset(), e.toString());
            StreamBusBytesMessage b = new StreamBusBytesMessage();
            b.decodeBody(r.value() == null ? new byte[0] : r.value());
            b.putPropertyUnchecked("JMS_SB_DecodeError", e.toString());
            b.setJMSMessageID(MessageCodec.messageId(r.topic(), r.partition(), r.offset()));
            b.setJMSDestination(destination);
            m = b;
        }
        m.setReadOnly();
        return m;
    }

    private void managePause() {
        boolean pause;
        boolean resume;
        lock.lock();
        try {
            int buffered = ready.size() + held.size();
            resume = paused && buffered < Math.max(1, config.prefetch() / 2);
            // Re-pausing every round also holds back partitions a rebalance assigned since the last pause.
            pause = !resume && (paused || buffered >= config.prefetch());
            paused = pause;
        } finally {
            lock.unlock();
        }
        // Client consumer calls happen outside our lock (see wakeIfResumeWanted).
        if (pause) {
            source.pause(source.assignment());
        } else if (resume) {
            source.resume(source.assignment());
        }
    }

    private void runCommands() {
        while (true) {
            Runnable c;
            lock.lock();
            try {
                c = commands.poll();
            } finally {
                lock.unlock();
            }
            if (c == null) {
                return;
            }
            c.run();
        }
    }

    /** Runs {@code action} on the fetcher thread and waits for it (inline when already on it). */
    private void onFetcher(String what, Runnable action) throws JMSException {
        if (Thread.currentThread() == fetcher) {
            action.run();
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        lock.lock();
        try {
            if (stopFetcher && !fetcher.isAlive()) {
                throw new IllegalStateException(what + ": the consumer is closed");
            }
            commands.add(() -> {
                try {
                    action.run();
                    done.complete(null);
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        source.wakeup();
        Jms.await(done, config.requestTimeoutMs(), what);
    }

    // ---------------------------------------------------------------- delivery

    /**
     * The next deliverable message, waiting up to {@code timeoutMs} (0 = no wait, negative = forever) while the
     * connection is started. Skipped, expired and not-yet-due records are handled on the way.
     */
    StreamBusMessage next(long timeoutMs) throws JMSException {
        try {
            return take(timeoutMs);
        } finally {
            wakeIfResumeWanted();
        }
    }

    /**
     * Wakes the fetcher (so that it resumes a paused source) outside {@link #lock}: the client consumer takes its
     * own lock in wakeup, and a group consumer calls our rebalance listener (which takes ours) under it.
     */
    private void wakeIfResumeWanted() {
        boolean wake;
        lock.lock();
        try {
            wake = resumeWanted;
            resumeWanted = false;
        } finally {
            lock.unlock();
        }
        if (wake) {
            source.wakeup();
        }
    }

    private StreamBusMessage take(long timeoutMs) throws JMSException {
        long deadline = timeoutMs < 0 ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    return null;
                }
                long waitNanos = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (session.connection().isStarted()) {
                    long now = System.currentTimeMillis();
                    Delivery d = !held.isEmpty() && held.peek().deliveryTime <= now ? held.poll() : ready.poll();
                    if (d != null) {
                        StreamBusMessage m = deliver(d, now);
                        if (m != null) {
                            return m;
                        }
                        continue;
                    }
                    if (!held.isEmpty()) {
                        waitNanos = Math.min(waitNanos,
                                TimeUnit.MILLISECONDS.toNanos(Math.max(1, held.peek().deliveryTime - now)));
                    }
                }
                if (waitNanos <= 0 || timeoutMs == 0) {
                    return null;
                }
                // Bounded waits also notice a connection start without a dedicated signal path.
                changed.awaitNanos(Math.min(waitNanos, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JMSException("interrupted while receiving");
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: the message to hand out for {@code d}, or null when it was skipped or held back. */
    private StreamBusMessage deliver(Delivery d, long now) {
        PartState ps = parts.get(d.tp);
        if (ps == null) {
            return null;
        }
        if (d.message == null || (d.expiration != 0 && d.expiration <= now)) {
            consumed(ps, d.offset);
            if (d.message == null) {
                markSkipped();
            } else {
                LOG.debug("{}: message {} expired at {}, not delivered", this, d.message.getJMSMessageID(),
                        d.expiration);
            }
            return null;
        }
        if (d.deliveryTime > now) {
            held.add(d);
            return null;
        }
        consumed(ps, d.offset);
        ps.unacked.add(d.offset);
        int previous = ps.previousDeliveries.getOrDefault(d.offset, 0);
        StreamBusMessage m = d.message;
        m.setJMSRedelivered(previous > 0);
        m.putPropertyUnchecked(StreamBusMessage.JMSX_DELIVERY_COUNT, previous + 1);
        m.setAcknowledger(session.acknowledger());
        if (paused && ready.size() + held.size() < Math.max(1, config.prefetch() / 2)) {
            resumeWanted = true; // the caller wakes the fetcher once the lock is released
        }
        return m;
    }

    private static void consumed(PartState ps, long offset) {
        if (offset > ps.consumedUpTo) {
            ps.consumedUpTo = offset;
        }
    }

    private void markSkipped() {
        // Skipped records need a commit too, eventually; the auto modes piggy-back on the DUPS_OK timer.
        if (dupsPending == 0) {
            dupsSinceNanos = System.nanoTime();
        }
        dupsPending++;
    }

    /** True when a message is ready or due now (the dispatcher's check, no waiting). */
    boolean hasDeliverable() {
        lock.lock();
        try {
            return !closed && (!ready.isEmpty()
                    || (!held.isEmpty() && held.peek().deliveryTime <= System.currentTimeMillis()));
        } finally {
            lock.unlock();
        }
    }

    /** Milliseconds until the earliest held message is due, or -1. */
    long nextDueInMs() {
        lock.lock();
        try {
            return held.isEmpty() ? -1 : Math.max(0, held.peek().deliveryTime - System.currentTimeMillis());
        } finally {
            lock.unlock();
        }
    }

    void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- acknowledgement

    /** Under the lock: per partition the offset to commit, where it advances. */
    private Map<TopicPartition, Long> commitTargets(Collection<TopicPartition> only) {
        Map<TopicPartition, Long> minHeld = new HashMap<>();
        for (Delivery d : held) {
            minHeld.merge(d.tp, d.offset, Math::min);
        }
        Map<TopicPartition, Long> out = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, PartState> e : parts.entrySet()) {
            if (only != null && !only.contains(e.getKey())) {
                continue;
            }
            PartState ps = e.getValue();
            if (ps.consumedUpTo < 0) {
                continue;
            }
            long target = ps.consumedUpTo + 1;
            Long h = minHeld.get(e.getKey());
            if (h != null && h < target) {
                target = h;
            }
            if (target > ps.committed && target > ps.base - 1) {
                out.put(e.getKey(), target);
            }
        }
        return out;
    }

    private void applyCommitted(Map<TopicPartition, Long> offsets) {
        lock.lock();
        try {
            offsets.forEach((tp, off) -> {
                PartState ps = parts.get(tp);
                if (ps != null) {
                    ps.committed = Math.max(ps.committed, off);
                    ps.base = Math.max(ps.base, off);
                    ps.unacked.removeIf(o -> o < off);
                    ps.previousDeliveries.keySet().removeIf(o -> o < off);
                }
            });
        } finally {
            lock.unlock();
        }
    }

    /**
     * Commits everything delivered (and skipped) so far: {@code acknowledge()}, transaction commit, and AUTO after
     * each delivery.
     */
    void commitConsumed() throws JMSException {
        Map<TopicPartition, Long> targets;
        lock.lock();
        try {
            targets = commitTargets(null);
            dupsPending = 0;
        } finally {
            lock.unlock();
        }
        if (targets.isEmpty()) {
            return;
        }
        if (source.localCommits()) {
            source.commit(targets, Duration.ofMillis(config.requestTimeoutMs()));
            applyCommitted(targets);
            return;
        }
        onFetcher("committing offsets of " + this, () -> {
            Map<TopicPartition, Long> owned = new LinkedHashMap<>(targets);
            owned.keySet().retainAll(source.assignment());
            if (!owned.isEmpty()) {
                source.commit(owned, Duration.ofMillis(config.requestTimeoutMs()));
                applyCommitted(owned);
            }
        });
    }

    /** Called after each delivery in a DUPS_OK session: commits in batches, from the fetcher thread. */
    void deliveredDupsOk() {
        boolean wake;
        lock.lock();
        try {
            markSkipped();
            wake = dupsPending >= config.dupsOkBatch();
        } finally {
            lock.unlock();
        }
        if (wake) {
            source.wakeup();
        }
    }

    private void maybeCommitDupsOk() {
        Map<TopicPartition, Long> targets;
        lock.lock();
        try {
            int mode = session.ackMode();
            boolean auto = mode == Session.AUTO_ACKNOWLEDGE || mode == Session.DUPS_OK_ACKNOWLEDGE;
            if (!auto || dupsPending == 0 || (dupsPending < config.dupsOkBatch()
                    && System.nanoTime() - dupsSinceNanos < TimeUnit.MILLISECONDS.toNanos(config.dupsOkIntervalMs()))) {
                return;
            }
            dupsPending = 0;
            targets = commitTargets(null);
            if (mode == Session.AUTO_ACKNOWLEDGE) {
                // In AUTO the delivered ones are committed by their receive; here only skipped records remain.
                targets.keySet().removeIf(tp -> !parts.get(tp).unacked.isEmpty());
            }
        } finally {
            lock.unlock();
        }
        commitQuietly(targets);
    }

    private void flushAutoCommits() {
        int mode = session.ackMode();
        if (mode != Session.AUTO_ACKNOWLEDGE && mode != Session.DUPS_OK_ACKNOWLEDGE) {
            return;
        }
        Map<TopicPartition, Long> targets;
        lock.lock();
        try {
            targets = commitTargets(null);
        } finally {
            lock.unlock();
        }
        commitQuietly(targets);
    }

    private void commitQuietly(Map<TopicPartition, Long> targets) {
        if (targets.isEmpty()) {
            return;
        }
        targets.keySet().retainAll(source.assignment());
        try {
            source.commit(targets, Duration.ofMillis(config.requestTimeoutMs()));
            applyCommitted(targets);
        } catch (RuntimeException e) {
            LOG.warn("{}: lazy commit failed (records may be delivered again): {}", this, e.toString());
        }
    }

    /**
     * Goes back to the last committed position of every partition: everything delivered and not acknowledged is
     * delivered again, marked redelivered (recover, rollback, a listener that threw in an auto mode).
     */
    void rewind() throws JMSException {
        if (closed) {
            return;
        }
        onFetcher("rewinding " + this, () -> {
            Map<TopicPartition, Long> seeks = new LinkedHashMap<>();
            lock.lock();
            try {
                for (Map.Entry<TopicPartition, PartState> e : parts.entrySet()) {
                    PartState ps = e.getValue();
                    if (ps.base < 0 || ps.consumedUpTo < ps.base) {
                        // Nothing handed out since the last commit: keep the prefetched records (cached sessions
                        // are rolled back on every logical close by Spring and pooled-jms).
                        continue;
                    }
                    for (Long o : ps.unacked) {
                        ps.previousDeliveries.merge(o, 1, Integer::sum);
                    }
                    ps.unacked.clear();
                    ps.consumedUpTo = ps.base - 1;
                    seeks.put(e.getKey(), ps.base);
                }
                ready.removeIf(d -> seeks.containsKey(d.tp));
                held.removeIf(d -> seeks.containsKey(d.tp));
                dupsPending = 0;
            } finally {
                lock.unlock();
            }
            seeks.forEach(source::seek);
        });
    }

    // ---------------------------------------------------------------- JMS API

    private void checkOpen() throws IllegalStateException {
        if (closed) {
            throw new IllegalStateException("the message consumer is closed");
        }
        session.checkOpen();
    }

    @Override
    public String getMessageSelector() throws JMSException {
        checkOpen();
        return selector == null ? null : selector.text();
    }

    @Override
    public MessageListener getMessageListener() throws JMSException {
        checkOpen();
        return listener;
    }

    @Override
    public void setMessageListener(MessageListener l) throws JMSException {
        checkOpen();
        this.listener = l;
        session.listenerChanged(this);
    }

    MessageListener listener() {
        return listener;
    }

    @Override
    public Message receive() throws JMSException {
        return receive(-1);
    }

    @Override
    public Message receive(long timeout) throws JMSException {
        checkOpen();
        if (listener != null) {
            throw new IllegalStateException("receive is not allowed while a MessageListener is set");
        }
        StreamBusMessage m = next(timeout <= 0 ? -1 : timeout);
        if (m != null) {
            session.afterReceive(this, m);
        }
        return m;
    }

    @Override
    public Message receiveNoWait() throws JMSException {
        checkOpen();
        if (listener != null) {
            throw new IllegalStateException("receive is not allowed while a MessageListener is set");
        }
        StreamBusMessage m = next(0);
        if (m != null) {
            session.afterReceive(this, m);
        }
        return m;
    }

    @Override
    public void close() throws JMSException {
        if (closed) {
            return;
        }
        if (session.isDeliveringOnThisThread(this)) {
            // Called from this consumer's own onMessage: allowed (JMS 3.1); finishes after onMessage returns.
            session.closeAfterDelivery(this);
            return;
        }
        session.awaitDeliveryDone(this);
        closeNow();
    }

    /** Closes without waiting for a running listener (the caller has made sure none runs). */
    void closeNow() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        stopFetcher = true;
        if (source != null) {
            source.wakeup();
        }
        join();
        session.consumerClosed(this);
        onClose.run();
    }

    private void join() {
        if (fetcher != null && Thread.currentThread() != fetcher) {
            try {
                fetcher.join(config.closeTimeoutMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (fetcher.isAlive()) {
                LOG.warn("{}: fetcher thread did not stop within {} ms", this, config.closeTimeoutMs());
            }
        }
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public Queue getQueue() throws JMSException {
        checkOpen();
        if (!(destination instanceof Queue q)) {
            throw new IllegalStateException("this consumer reads topic " + destination + ", not a queue");
        }
        return q;
    }

    @Override
    public Topic getTopic() throws JMSException {
        checkOpen();
        if (!(destination instanceof Topic t)) {
            throw new IllegalStateException("this consumer reads queue " + destination + ", not a topic");
        }
        return t;
    }

    @Override
    public boolean getNoLocal() throws JMSException {
        checkOpen();
        return noLocal;
    }

    JmsSession session() {
        return session;
    }

    StreamBusDestination destination() {
        return destination;
    }

    Kind kind() {
        return kind;
    }

    String subscriptionName() {
        return subscriptionName;
    }

    String groupId() {
        return groupId;
    }

    @Override
    public String toString() {
        return "JmsMessageConsumer[" + destination + (groupId == null ? "" : ", group " + groupId)
                + (selector == null ? "" : ", selector " + selector) + "]";
    }

    /** For tests and diagnostics: records waiting in the buffer. */
    int buffered() {
        lock.lock();
        try {
            return ready.size() + held.size();
        } finally {
            lock.unlock();
        }
    }
}
