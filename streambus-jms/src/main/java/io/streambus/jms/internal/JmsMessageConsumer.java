package io.streambus.jms.internal;

import io.streambus.common.TopicPartition;
import io.streambus.client.WakeupException;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.client.producer.Producer;
import io.streambus.jms.StreamBusDestination;
import io.streambus.jms.message.StreamBusBytesMessage;
import io.streambus.jms.message.StreamBusMessage;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.Queue;
import jakarta.jms.QueueReceiver;
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
 * <p>What was delivered, acknowledged and committable per partition is kept in an {@link AckLedger}; when to commit
 * or rewind is the session's {@link AckPolicy}'s decision. This class provides the mechanisms: committing (on the
 * fetcher thread when the client consumer needs it), lazy batched commits, and rewinding (seeking back).
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
    private final AckLedger ledger = new AckLedger();
    private final ArrayDeque<Runnable> commands = new ArrayDeque<>();
    private Thread fetcher;
    private volatile boolean stopFetcher;
    private volatile boolean closed;
    private volatile MessageListener listener;
    private boolean paused;
    /**
     * Set under the lock when the buffer drained while paused; the fetcher is woken after unlocking. Volatile so that
     * a receive can see without the lock that there is nothing to do.
     */
    private volatile boolean resumeWanted;
    /** Deliveries and skipped records since the last commit, for lazy (batched) commits. */
    private int lazyPending;
    private long lazySinceNanos;
    private long lastPollErrorLog;
    /**
     * AUTO_ACKNOWLEDGE on a group source: positions acknowledged and not yet handed to a commit (guarded by the
     * lock). A newer position replaces an older one, so at most one commit per partition is pending.
     */
    private final Map<TopicPartition, Long> acknowledged = new LinkedHashMap<>();
    /** Fetcher thread: the asynchronous commit of acknowledged positions in flight; one at a time keeps order. */
    private CompletableFuture<Void> ackInFlight = CompletableFuture.completedFuture(null);
    /** Fetcher thread: what {@link #ackInFlight} commits (sent again if it fails). */
    private Map<TopicPartition, Long> ackInFlightOffsets = Map.of();
    private long lastAckErrorLog;
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
                    ledger.assigned(partitions);
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
        // Runs on the fetcher thread inside poll. Deliveries that were not acknowledged go to the partition's next
        // owner; the policy may commit what was consumed first.
        session.ackPolicy().partitionsRevoked(this, partitions);
        lock.lock();
        try {
            ledger.revoked(partitions);
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
            session.ackPolicy().fetcherRound(this);
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
        session.ackPolicy().consumerClosing(this);
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
        TopicPartition tp = null; // the records of a partition come together: one object for them
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (tp == null || tp.partition() != r.partition() || !tp.topic().equals(r.topic())) {
                tp = new TopicPartition(r.topic(), r.partition());
            }
            StreamBusMessage m = null;
            if (!(noLocal && myConnection.equals(MessageCodec.connectionIdOf(r)))) {
                m = decode(r);
                if (selector != null && !selector.matches(m)) {
                    m = null;
                    if (source.perRecordAcks()) {
                        // A queue consumer never consumes what it does not select: back to the share group.
                        source.skippedBySelector(tp, r.offset());
                        continue;
                    }
                }
            }
            batch.add(new Delivery(tp, r.offset(), m));
        }
        lock.lock();
        try {
            for (Delivery d : batch) {
                if (ledger.fetched(d.tp, d.offset)) { // else revoked meanwhile
                    ready.add(d);
                }
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
        if (!resumeWanted) {
            return; // the common case, without taking the lock on every receive
        }
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
        if (!ledger.owns(d.tp)) {
            return null;
        }
        if (d.message == null || (d.expiration != 0 && d.expiration <= now)) {
            ledger.skipped(d.tp, d.offset);
            source.passedOver(d.tp, d.offset);
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
        // A share group counts deliveries on the broker (they survive restarts and other consumers); else the ledger.
        int deliveryCount = source.perRecordAcks() ? source.deliveryCount(d.tp, d.offset, 1)
                : ledger.delivered(d.tp, d.offset);
        source.handed(d.tp, d.offset);
        StreamBusMessage m = d.message;
        m.setJMSRedelivered(deliveryCount > 1);
        m.putPropertyUnchecked(StreamBusMessage.JMSX_DELIVERY_COUNT, deliveryCount);
        m.setAcknowledger(session.acknowledger());
        if (paused && ready.size() + held.size() < Math.max(1, config.prefetch() / 2)) {
            resumeWanted = true; // the caller wakes the fetcher once the lock is released
        }
        return m;
    }

    private void markSkipped() {
        // Skipped records need a commit too, eventually: the auto modes commit them lazily (commitLazily).
        if (lazyPending == 0) {
            lazySinceNanos = System.nanoTime();
        }
        lazyPending++;
    }

    /**
     * Waits up to {@code timeoutMs} (at least 0) until a message is ready or due, without taking it: the resource
     * adapter starts an XA transaction only once there is something to receive in it (a receive inside the
     * transaction then stages the acknowledgement there). False on timeout, when the consumer is closed, or while the
     * connection is stopped. Thread-safe.
     *
     * @throws JMSException when the waiting thread is interrupted (the interrupt flag is kept)
     */
    public boolean awaitDeliverable(long timeoutMs) throws JMSException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMs));
        lock.lock();
        try {
            while (!closed) {
                long now = System.currentTimeMillis();
                if (session.connection().isStarted() && (!ready.isEmpty()
                        || (!held.isEmpty() && held.peek().deliveryTime <= now))) {
                    return true;
                }
                long waitNanos = deadline - System.nanoTime();
                if (waitNanos <= 0) {
                    return false;
                }
                if (!held.isEmpty()) {
                    waitNanos = Math.min(waitNanos,
                            TimeUnit.MILLISECONDS.toNanos(Math.max(1, held.peek().deliveryTime - now)));
                }
                // Bounded waits also notice a connection start without a dedicated signal path (as take()).
                changed.awaitNanos(Math.min(waitNanos, TimeUnit.MILLISECONDS.toNanos(100)));
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JMSException("interrupted while waiting for a message");
        } finally {
            lock.unlock();
        }
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
        Map<TopicPartition, Long> lowestHeld = new HashMap<>();
        for (Delivery d : held) {
            lowestHeld.merge(d.tp, d.offset, Math::min);
        }
        return ledger.commitTargets(only, lowestHeld);
    }

    /** Every partition's commit target (what was delivered or skipped), resetting the lazy batch. */
    private Map<TopicPartition, Long> takeCommitTargets() {
        lock.lock();
        try {
            lazyPending = 0;
            return commitTargets(null);
        } finally {
            lock.unlock();
        }
    }

    private void applyCommitted(Map<TopicPartition, Long> offsets) {
        lock.lock();
        try {
            ledger.committed(offsets);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Commits everything delivered (and skipped) so far: {@code acknowledge()}, transaction commit, and AUTO after
     * each delivery.
     */
    void commitConsumed() throws JMSException {
        if (source.perRecordAcks()) {
            // Accepted with the member's next fetch: no round trip per message.
            lock.lock();
            try {
                lazyPending = 0;
            } finally {
                lock.unlock();
            }
            source.settleHanded(true);
            return;
        }
        Map<TopicPartition, Long> targets = takeCommitTargets();
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
            // Positions acknowledged without waiting go first (and with it), so that none lands after this commit.
            takeAcknowledged(null).forEach((tp, off) -> owned.merge(tp, off, Math::max));
            owned.keySet().retainAll(source.assignment());
            if (!owned.isEmpty()) {
                source.commit(owned, Duration.ofMillis(config.requestTimeoutMs()));
                applyCommitted(owned);
            }
        });
    }

    /**
     * AUTO_ACKNOWLEDGE without waiting for the broker: everything delivered (and skipped) so far counts as
     * acknowledged at once (a rewind starts after it) and its position is handed to the fetcher thread, which
     * commits it with its next round ({@link #sendAcknowledged}). Sources whose commits cost no round trip (share
     * groups, non-durable subscriptions) commit as {@link #commitConsumed()} does.
     */
    void acknowledgeConsumed() throws JMSException {
        if (source.perRecordAcks() || source.localCommits()) {
            commitConsumed();
            return;
        }
        lock.lock();
        try {
            lazyPending = 0;
            Map<TopicPartition, Long> targets = commitTargets(null);
            ledger.committed(targets);
            targets.forEach((tp, off) -> acknowledged.merge(tp, off, Math::max));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Fetcher thread, each round: starts committing the acknowledged positions of owned partitions unless the
     * previous such commit is still in flight (then they wait, coalesced, for a later round). A failed commit's
     * positions are sent again unless newer ones replaced them.
     */
    void sendAcknowledged() {
        if (!ackInFlight.isDone()) {
            return;
        }
        Map<TopicPartition, Long> targets = takeAcknowledged(null);
        if (targets.isEmpty()) {
            return;
        }
        ackInFlightOffsets = targets;
        try {
            ackInFlight = source.commitAsync(targets, Duration.ofMillis(config.requestTimeoutMs()));
        } catch (RuntimeException e) {
            ackInFlight = CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Fetcher thread: the acknowledged positions not known to be committed, removed from the pending ones: those of
     * {@code only} (partitions being revoked), or when null those of all owned partitions. Waits (bounded) for a
     * commit in flight first, so that a commit that follows cannot be overtaken by it, and takes its positions back
     * when it failed.
     */
    private Map<TopicPartition, Long> takeAcknowledged(Collection<TopicPartition> only) {
        if (!ackInFlight.isDone()) {
            try {
                ackInFlight.get(config.requestTimeoutMs(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // Handled below: sent again. Should the timed-out one still land after a newer commit, the position
                // goes back to it: after a crash those messages would come again, none is lost.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        boolean failed = !ackInFlight.isDone() || ackInFlight.isCompletedExceptionally();
        if (failed && !ackInFlightOffsets.isEmpty()) {
            logAckFailure();
        }
        Map<TopicPartition, Long> retry = failed ? ackInFlightOffsets : Map.of();
        ackInFlight = CompletableFuture.completedFuture(null);
        ackInFlightOffsets = Map.of();
        Map<TopicPartition, Long> out = new LinkedHashMap<>();
        lock.lock();
        try {
            retry.forEach((tp, off) -> acknowledged.merge(tp, off, Math::max));
            acknowledged.entrySet().removeIf(e -> {
                if (only == null || only.contains(e.getKey())) {
                    out.put(e.getKey(), e.getValue());
                    return true;
                }
                return false;
            });
        } finally {
            lock.unlock();
        }
        if (only == null && !out.isEmpty()) {
            out.keySet().retainAll(source.assignment());
        }
        return out;
    }

    private void logAckFailure() {
        long now = System.nanoTime();
        if (now - lastAckErrorLog > TimeUnit.SECONDS.toNanos(10)) {
            lastAckErrorLog = now;
            Throwable cause = ackInFlight.isDone() ? ackInFlight.handle((v, e) -> e).join() : null;
            LOG.warn("{}: committing acknowledged messages failed, retrying (after a crash they would be delivered "
                    + "again): {}", this, cause == null ? "no answer in time" : cause.toString());
        }
    }

    /**
     * {@link #commitConsumed()}, and for a share-group member also waits until the broker has applied the
     * acceptances (offset commits are synchronous already).
     */
    void commitConsumedAndConfirm() throws JMSException {
        commitConsumed();
        if (source.perRecordAcks() && !closed) {
            onFetcher("acknowledging the messages of " + this,
                    () -> source.confirm(Duration.ofMillis(config.requestTimeoutMs())));
        }
    }

    /**
     * Counts a delivery toward the next lazy commit (DUPS_OK); a full batch wakes the fetcher to commit it. On a
     * share-group queue the delivery is accepted at once instead.
     */
    void deliveredLazily() {
        if (source.perRecordAcks()) {
            // Share groups: an accept travels with the member's next fetch anyway (no round trip per message), and
            // holding it back for a batch would stall the fetcher, which polls again only once the records it
            // handed out are settled (8 messages/s with a 100 ms batch interval). So DUPS_OK accepts at once here.
            lock.lock();
            try {
                lazyPending = 0;
            } finally {
                lock.unlock();
            }
            source.settleHanded(true);
            return;
        }
        boolean wake;
        lock.lock();
        try {
            markSkipped();
            wake = lazyPending >= config.dupsOkBatch();
        } finally {
            lock.unlock();
        }
        if (wake) {
            source.wakeup();
        }
    }

    /**
     * Fetcher thread: commits what was consumed once a batch ({@code dupsOkBatch}) is full or {@code dupsOkInterval}
     * has passed since the first uncommitted record.
     *
     * @param withUnacknowledged false to leave out partitions with delivered records whose acknowledgement is still
     *                           to come (AUTO commits those itself after the delivery)
     */
    void commitLazily(boolean withUnacknowledged) {
        Map<TopicPartition, Long> targets;
        boolean perRecord = false;
        lock.lock();
        try {
            if (lazyPending == 0 || (lazyPending < config.dupsOkBatch()
                    && System.nanoTime() - lazySinceNanos < TimeUnit.MILLISECONDS.toNanos(config.dupsOkIntervalMs()))) {
                return;
            }
            lazyPending = 0;
            if (source.perRecordAcks()) {
                perRecord = true;
                targets = Map.of();
            } else {
                targets = commitTargets(null);
                if (!withUnacknowledged) {
                    targets.keySet().removeIf(ledger::hasUnacknowledged);
                }
            }
        } finally {
            lock.unlock();
        }
        if (perRecord) {
            // DUPS_OK accepts its batch; AUTO accepts after each delivery itself (a running listener's message must
            // stay open), so skipped records wait for that.
            if (withUnacknowledged) {
                source.settleHanded(true);
            }
            return;
        }
        commitOwnedQuietly(targets, "lazy commit");
    }

    /** Fetcher thread, when it stops: commits everything consumed. */
    void flushCommits() {
        if (source.perRecordAcks()) {
            source.settleHanded(true);
            return;
        }
        Map<TopicPartition, Long> targets;
        lock.lock();
        try {
            targets = commitTargets(null);
        } finally {
            lock.unlock();
        }
        commitOwnedQuietly(targets, "commit at close");
    }

    /** Fetcher thread, inside poll: commits what was consumed of partitions a rebalance takes away. */
    void commitRevoked(Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> targets;
        lock.lock();
        try {
            targets = commitTargets(partitions);
        } finally {
            lock.unlock();
        }
        commitQuietly(targets, partitions, "commit on partition revocation");
    }

    /** Commits {@code targets} where this consumer still owns the partition. */
    private void commitOwnedQuietly(Map<TopicPartition, Long> targets, String what) {
        targets.keySet().retainAll(source.assignment());
        commitQuietly(targets, null, what);
    }

    /**
     * Fetcher thread: commits {@code targets} together with the acknowledged positions still pending or in flight
     * (of {@code only}, or all when null), synchronously.
     */
    private void commitQuietly(Map<TopicPartition, Long> targets, Collection<TopicPartition> only, String what) {
        Map<TopicPartition, Long> acked = takeAcknowledged(only);
        acked.forEach((tp, off) -> targets.merge(tp, off, Math::max));
        if (targets.isEmpty()) {
            return;
        }
        try {
            source.commit(targets, Duration.ofMillis(config.requestTimeoutMs()));
            applyCommitted(targets);
        } catch (RuntimeException e) {
            LOG.warn("{}: {} failed (the records may be delivered again): {}", this, what, e.toString());
            if (only == null) {
                // Still owned: the acknowledged positions go with a later commit.
                lock.lock();
                try {
                    acked.forEach((tp, off) -> acknowledged.merge(tp, off, Math::max));
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /**
     * Stages what this consumer consumed so far (delivered and skipped) in a transaction: an XA branch or the
     * session's local transaction. Offsets of a group subscription go to the transaction
     * ({@link RecordSource#stageInTransaction}, on the fetcher thread), a share-group member's deliveries as
     * transactional acknowledgements ({@link RecordSource#stageHandedInTransaction}); positions kept in memory are
     * only returned. Nothing counts as acknowledged yet: {@link #branchCommitted} applies the
     * returned positions once the branch committed, {@link #rewind} goes back when it rolled back.
     *
     * @param branch the branch's producer, started on first need (InitXaBranch only when there is something to
     *               stage on the broker)
     * @return the staged positions (empty when nothing was consumed since the last commit)
     */
    Map<TopicPartition, Long> stageInBranch(java.util.concurrent.Callable<? extends Producer<byte[], byte[]>> branch)
            throws JMSException {
        if (source.perRecordAcks()) {
            stageHandedInBranch(branch);
            return Map.of();
        }
        Map<TopicPartition, Long> targets = takeCommitTargets();
        if (targets.isEmpty() || source.localCommits()) {
            return targets;
        }
        Producer<byte[], byte[]> producer = transactionProducer(branch);
        Map<TopicPartition, Long> staged = new LinkedHashMap<>();
        onFetcher("staging the offsets of " + this + " in an XA branch", () -> {
            Map<TopicPartition, Long> owned = new LinkedHashMap<>(targets);
            owned.keySet().retainAll(source.assignment());
            if (!owned.isEmpty() && source.stageInTransaction(owned, producer)) {
                staged.putAll(owned);
            }
        });
        return staged;
    }

    /**
     * A share-group member: the acceptance of every message it handed out goes to the transaction (spec B.13.15,
     * on the fetcher thread, which owns the client share consumer); the broker settles them with its outcome.
     */
    private void stageHandedInBranch(java.util.concurrent.Callable<? extends Producer<byte[], byte[]>> branch)
            throws JMSException {
        lock.lock();
        try {
            lazyPending = 0;
        } finally {
            lock.unlock();
        }
        if (!source.hasHanded()) {
            return;
        }
        Producer<byte[], byte[]> producer = transactionProducer(branch);
        onFetcher("staging the acknowledgements of " + this + " in a transaction",
                () -> source.stageHandedInTransaction(producer));
    }

    private Producer<byte[], byte[]> transactionProducer(
            java.util.concurrent.Callable<? extends Producer<byte[], byte[]>> branch) throws JMSException {
        try {
            return branch.call();
        } catch (JMSException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw Jms.jms("starting the transaction for " + this, e);
        }
    }

    /** True for a share-group member: messages are settled one by one, not by committing positions. Any thread. */
    boolean acknowledgesPerRecord() {
        return source.perRecordAcks();
    }

    /** True when messages of {@code partitions} were delivered and are not acknowledged yet (fetcher thread too). */
    boolean deliveredUnacknowledged(Collection<TopicPartition> partitions) {
        lock.lock();
        try {
            for (TopicPartition tp : partitions) {
                if (ledger.hasUnacknowledged(tp)) {
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** XA: the branch that staged {@code positions} ({@link #stageInBranch}) committed; they are acknowledged. */
    void branchCommitted(Map<TopicPartition, Long> positions) {
        if (positions.isEmpty()) {
            return;
        }
        if (source.localCommits()) {
            source.commit(positions, Duration.ofMillis(config.requestTimeoutMs()));
        }
        applyCommitted(positions);
    }

    /**
     * Goes back to the last committed position of every partition: everything delivered and not acknowledged is
     * delivered again, marked redelivered (recover, rollback, a listener that threw in an auto mode).
     */
    void rewind() throws JMSException {
        if (closed) {
            return;
        }
        if (source.perRecordAcks()) {
            // Released: the broker counts one more delivery and hands them out again (to any consumer).
            source.settleHanded(false);
            return;
        }
        onFetcher("rewinding " + this, () -> {
            Map<TopicPartition, Long> seeks;
            lock.lock();
            try {
                seeks = ledger.rewind();
                ready.removeIf(d -> seeks.containsKey(d.tp));
                held.removeIf(d -> seeks.containsKey(d.tp));
                lazyPending = 0;
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
            session.ackPolicy().afterReceive(this);
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
            session.ackPolicy().afterReceive(this);
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
