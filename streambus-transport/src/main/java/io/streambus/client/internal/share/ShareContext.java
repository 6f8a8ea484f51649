package io.streambus.client.internal.share;

import io.streambus.client.StreamBusException;
import io.streambus.client.internal.Time;
import io.streambus.client.internal.net.Backoff;
import io.streambus.client.internal.net.RequestSender;
import io.streambus.client.metrics.MetricsCollector;
import io.streambus.client.share.AcknowledgementCommitCallback;
import io.streambus.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the roles of one share consumer share: the group, the network, the clock, the one lock that guards all
 * their state (network callbacks and the application thread meet under it), the lifecycle, the fatal error, the
 * lock duration last reported by the broker, and the acknowledgement callbacks queued for the application thread.
 * Thread-safe where noted; other fields are guarded by {@link #lock}.
 */
final class ShareContext {
    private static final Logger LOG = LoggerFactory.getLogger(ShareContext.class);
    private static final long POLL_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    final String groupId;
    final RequestSender sender;
    final Time time;
    final Backoff backoff;
    final MetricsCollector metrics;
    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    /** Acknowledgement callbacks to run on the application thread (thread-safe). */
    final ConcurrentLinkedQueue<Runnable> callbacks = new ConcurrentLinkedQueue<>();
    /** The application's callback (volatile). */
    volatile AcknowledgementCommitCallback callback;
    /** Round trips of acknowledgement requests (guarded by lock), for the renewal margin. */
    final RoundTripTime ackRoundTrip = new RoundTripTime();

    // Guarded by lock.
    ShareMembership membership;
    HeldRecords held;
    ConsumerLifecycle lifecycle = ConsumerLifecycle.OPEN;
    StreamBusException fatal;
    Integer lockMs;

    ShareContext(String groupId, RequestSender sender, Time time, Backoff backoff, MetricsCollector metrics) {
        this.groupId = groupId;
        this.sender = sender;
        this.time = time;
        this.backoff = backoff;
        this.metrics = metrics == null ? MetricsCollector.NOOP : metrics;
    }

    /** True unless OPEN. Under lock. */
    boolean stopping() {
        return lifecycle != ConsumerLifecycle.OPEN;
    }

    /** True once CLOSED. Under lock. */
    boolean closed() {
        return lifecycle == ConsumerLifecycle.CLOSED;
    }

    /** Moves the lifecycle (checked). Under lock. */
    void moveTo(ConsumerLifecycle to) {
        lifecycle = lifecycle.moveTo(to);
    }

    /** Throws unless OPEN. Under lock. */
    void ensureOpen() {
        if (stopping()) {
            throw new IllegalStateException("the share consumer of group '" + groupId + "' is closed");
        }
    }

    /** Records the first fatal error; the application's next call throws it. Under lock. */
    void failLocked(StreamBusException e) {
        if (fatal == null) {
            fatal = e;
            LOG.warn("share consumer of group '{}' failed: {}", groupId, e.getMessage());
        }
        membership.fail();
        changed.signalAll();
    }

    /** {@link #failLocked} taking the lock. */
    void fail(StreamBusException e) {
        lock.lock();
        try {
            failLocked(e);
        } finally {
            lock.unlock();
        }
    }

    /** B.13.12: 53, 8, 5 — stop using the partition and refresh the assignment at once. Under lock. */
    void partitionGone(TopicPartition tp) {
        held.dropPartition(tp);
        membership.partitionGone(tp);
    }

    /** Runs the queued acknowledgement callbacks; on the application thread, without the lock. */
    void runCallbacks() {
        Runnable r;
        while ((r = callbacks.poll()) != null) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("acknowledgement commit callback of share group '{}' failed", groupId, e);
            }
        }
    }

    /** Waits for {@code f} until {@code deadline} of the engine clock, bounded in real time as well; null if not done. */
    <T> T awaitQuietly(CompletableFuture<T> f, long deadline, String what) {
        long realDeadline = System.nanoTime() + Math.max(0, deadline - time.nanoTime());
        while (!f.isDone()) {
            long left = realDeadline - System.nanoTime();
            if (left <= 0 || time.nanoTime() >= deadline) {
                LOG.debug("{} of share group '{}' did not complete in time", what, groupId);
                return null;
            }
            try {
                return f.get(Math.min(left, POLL_SLICE_NANOS), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // go on waiting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (ExecutionException e) {
                return null;
            }
        }
        return f.getNow(null);
    }

    /** The slice in which blocking waits re-check their conditions. */
    static long pollSliceNanos() {
        return POLL_SLICE_NANOS;
    }
}
