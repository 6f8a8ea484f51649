package io.streambus.client.internal.producer;

import io.streambus.client.StreamBusTimeoutException;
import io.streambus.client.internal.Time;
import io.streambus.client.internal.net.Backoff;
import io.streambus.client.internal.net.Errors;
import io.streambus.client.internal.net.RequestSender;
import io.streambus.client.metrics.MetricsCollector;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retry bookkeeping of Produce (spec A.6.1, B.12.4): whether a failed batch is tried again ({@code retries},
 * the backoff, {@code delivery.timeout.ms}), its backoff timer, and the rule that a batch waiting for a retry is
 * resent first and alone once nothing else of its partition is on the wire, so that a partition's batches are
 * stored in sequence order. Thread-safe: batch flags are read and written under their partition queue's lock.
 */
final class ProduceRetries {
    private static final Logger LOG = LoggerFactory.getLogger(ProduceRetries.class);

    private final RequestSender network;
    private final Time time;
    private final MetricsCollector metrics;
    private final int retries;
    private final Backoff backoff;
    private final long deliveryTimeoutNanos;
    private final BatchLifecycle batches;

    ProduceRetries(RequestSender network, Time time, MetricsCollector metrics, int retries, Backoff backoff,
                   long deliveryTimeoutNanos, BatchLifecycle batches) {
        this.network = network;
        this.time = time;
        this.metrics = metrics;
        this.retries = retries;
        this.backoff = backoff;
        this.deliveryTimeoutNanos = deliveryTimeoutNanos;
        this.batches = batches;
    }

    /** The backoff before the {@code attempt}-th retry (0-based), in ms. */
    long delayMs(int attempt) {
        return backoff.delayMs(attempt);
    }

    /**
     * After a failed attempt of {@code b} with the (unwrapped) error {@code e}: schedules a retry and returns null
     * when the error is retriable, retries are left and the backoff ends before the delivery deadline; otherwise
     * returns the error the records fail with ({@code e}, or a timeout naming it when retries were cut short).
     */
    Throwable retryOrFail(PartitionQueue pq, Batch b, Throwable e) {
        if (!Errors.isRetriable(e) || b.attempts > retries) {
            return e;
        }
        long delayMs = backoff.delayMs(b.attempts - 1);
        if (time.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs) - b.deadline < 0) {
            retryLater(pq, b, e, delayMs);
            return null;
        }
        return new StreamBusTimeoutException(b.recordCount() + " record(s) for " + b.tp
                + " not acknowledged within delivery.timeout.ms=" + TimeUnit.NANOSECONDS.toMillis(
                deliveryTimeoutNanos) + " after " + b.attempts + " attempt(s); last error: " + e.getMessage());
    }

    /** Keeps the batch for a retry after {@code delayMs}; it is resent in sequence order (B.12.4). */
    void retryLater(PartitionQueue pq, Batch b, Throwable e, long delayMs) {
        if (!b.startBackoff()) {
            batches.finish(pq, b, null, false);
            return;
        }
        LOG.debug("retrying Produce to {} in {} ms (attempt {}): {}", b.tp, delayMs, b.attempts + 1, e.toString());
        metrics.recordSendRetry(b.tp, e);
        synchronized (pq) {
            if (!b.awaitingRetry) {
                pq.awaitingRetries++;
            }
            b.awaitingRetry = true;
            b.retryDue = delayMs == 0;
        }
        if (delayMs > 0) {
            network.schedule(() -> {
                synchronized (pq) {
                    b.retryDue = true;
                }
                batches.dispatch(pq);
            }, delayMs);
        }
        batches.dispatch(pq);
    }

    /**
     * Under the partition's lock: the first batch waiting for a retry, or null if none waits. While one waits,
     * nothing else of the partition is sent.
     */
    static Batch waiting(PartitionQueue pq) {
        if (pq.awaitingRetries == 0) {
            return null;
        }
        for (Batch b : pq.unresolved) {
            if (b.awaitingRetry) {
                return b;
            }
        }
        pq.awaitingRetries = 0; // the count was above the truth (batches removed while waiting)
        return null;
    }

    /**
     * Under the partition's lock: true, and {@code w} no longer waits, if the waiting batch {@code w} may be resent
     * now (its backoff is over and nothing of the partition is on the wire).
     */
    static boolean takeIfDue(PartitionQueue pq, Batch w) {
        if (pq.outstanding > 0 || !w.retryDue) {
            return false;
        }
        w.awaitingRetry = false;
        w.retryDue = false;
        pq.awaitingRetries--;
        return true;
    }
}
