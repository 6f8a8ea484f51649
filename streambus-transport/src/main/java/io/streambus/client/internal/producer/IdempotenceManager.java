package io.streambus.client.internal.producer;

import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.internal.Time;
import io.streambus.client.internal.net.Errors;
import io.streambus.client.internal.net.RequestSender;
import io.streambus.client.producer.InvalidProducerEpochException;
import io.streambus.client.producer.OutOfOrderSequenceException;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.txn.InitProducerIdRequest;
import io.streambus.protocol.txn.InitProducerIdResponse;
import io.streambus.protocol.txn.ProducerIdAndEpoch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The idempotent side of the producer (spec B.12.2, B.12.6): learns whether the broker serves idempotence, takes
 * the producer id, replaces it after a loss (47) or an expiry (49) once nothing is on the wire any more, and
 * decides how a sequenced batch's failure with 47, 48, 49 or 30 is handled. The sequences themselves are kept by
 * {@link ProducerIdentity}. Thread-safe.
 */
final class IdempotenceManager {
    private static final Logger LOG = LoggerFactory.getLogger(IdempotenceManager.class);

    private final ProducerIdentity identity = new ProducerIdentity();
    private final RequestSender network;
    private final Time time;
    private final String clientId;
    private final long maxBlockNanos;
    private final long deliveryTimeoutNanos;
    /** True when enable.idempotence is true (its default counts). */
    private final boolean wanted;
    /** True when enable.idempotence=true was set explicitly: a broker without it then fails the producer. */
    private final boolean explicit;
    private final BooleanSupplier closed;
    private final BatchLifecycle batches;
    private final ProduceRetries retries;
    /** Batches in flight on the wire, over every partition (a reset of the producer id waits for 0). */
    private final AtomicInteger outstandingTotal = new AtomicInteger();
    /** True while a new producer id is being taken. */
    private final AtomicBoolean resetting = new AtomicBoolean();

    IdempotenceManager(RequestSender network, Time time, String clientId, long maxBlockNanos,
                       long deliveryTimeoutNanos, boolean wanted, boolean explicit, BooleanSupplier closed,
                       BatchLifecycle batches, ProduceRetries retries) {
        this.network = network;
        this.time = time;
        this.clientId = clientId;
        this.maxBlockNanos = maxBlockNanos;
        this.deliveryTimeoutNanos = deliveryTimeoutNanos;
        this.wanted = wanted;
        this.explicit = explicit;
        this.closed = closed;
        this.batches = batches;
        this.retries = retries;
    }

    /** The producer id, epoch and sequences (shared with the transaction manager). */
    ProducerIdentity identity() {
        return identity;
    }

    /** The identity's mode. */
    ProducerIdentity.Mode mode() {
        return identity.mode();
    }

    /**
     * Learns whether the broker serves idempotence and takes a producer id (B.12.2, B.12.6 items 1-2); batches wait
     * meanwhile. A broker without IDEMPOTENT_PRODUCE gets ordinary Produce requests (today's behaviour) and one INFO
     * line, unless idempotence was asked for explicitly.
     */
    void establish() {
        if (!wanted) {
            identity.establish(null, false);
            return;
        }
        network.capabilities(time.nanoTime() + maxBlockNanos).whenComplete((caps, err) -> {
            if (err != null) {
                if (!Errors.isRetriable(err)) {
                    // e.g. SASL configured towards a broker without it: every send fails with that error
                    identity.fail(Errors.unwrap(err));
                    batches.dispatchAll();
                    return;
                }
                // Not reachable yet: ask again; the batches wait, bounded by delivery.timeout.ms.
                if (!closed.getAsBoolean()) {
                    LOG.debug("broker capabilities not known yet ({}); asking again", err.toString());
                    network.schedule(this::establish, retries.delayMs(0));
                }
                return;
            }
            if (!caps.supportsIdempotence()) {
                if (explicit) {
                    identity.fail(new UnsupportedFeatureException(BrokerCapabilities.CAP_IDEMPOTENCE,
                            network.activeAddress()));
                } else {
                    LOG.info("idempotence is off: broker {} does not serve idempotent produce (IDEMPOTENT_PRODUCE, "
                            + "spec B.12); a retried batch may be stored twice", network.activeAddress());
                    identity.establish(null, false);
                }
                batches.dispatchAll();
                return;
            }
            takeProducerId(false);
        });
    }

    /** InitProducerID with an empty transaction id (B.12.2); then every partition starts at sequence 0. */
    private void takeProducerId(boolean reset) {
        network.call(new InitProducerIdRequest("", 0), r -> r.body(InitProducerIdResponse.class),
                time.nanoTime() + deliveryTimeoutNanos).whenComplete((r, err) -> {
                    if (err != null) {
                        Throwable e = Errors.unwrap(err);
                        if (closed.getAsBoolean()) {
                            return;
                        }
                        if (e instanceof UnsupportedFeatureException || !Errors.isRetriable(e)) {
                            identity.fail(e);
                            batches.dispatchAll();
                            return;
                        }
                        network.schedule(() -> takeProducerId(reset), retries.delayMs(1));
                        return;
                    }
                    onNewProducerId(new ProducerIdAndEpoch(r.producerId(), r.producerEpoch()), reset);
                });
    }

    /**
     * Under the new id every partition starts at sequence 0; batches waiting for a retry get new sequences, in order
     * (B.12.6, 49). Then sending resumes.
     */
    private void onNewProducerId(ProducerIdAndEpoch id, boolean reset) {
        LOG.info("producer {} {} producer id {} (epoch {})", clientId, reset ? "took the new" : "uses",
                id.producerId(), id.producerEpoch());
        if (!reset) {
            identity.establish(id, true);
        } else {
            // The identity stays RESETTING (nothing is sent) while the waiting batches are renumbered under the new
            // id; lock order is partition queue, then identity.
            identity.newId(id);
            batches.resequenceWaiting(identity);
            identity.resume();
            resetting.set(false);
        }
        batches.dispatchAll();
    }

    /** An attempt went on the wire. */
    void attemptStarted() {
        outstandingTotal.incrementAndGet();
    }

    /** An attempt ended (reply, failure, or not sent); a pending reset may start. */
    void attemptEnded() {
        outstandingTotal.decrementAndGet();
        maybeTakeNewProducerId();
    }

    /** Takes a new producer id once a reset was asked for and nothing is on the wire any more (B.12.6). */
    private void maybeTakeNewProducerId() {
        if (identity.mode() == ProducerIdentity.Mode.RESETTING && outstandingTotal.get() == 0
                && resetting.compareAndSet(false, true)) {
            takeProducerId(true);
        }
    }

    /**
     * The B.12.6 reactions to the sequence codes 47, 48, 49 and 30 for the sequenced batch {@code b}; a
     * transactional producer ({@code txn} not null) handles 49 and 30 as transaction errors instead.
     *
     * @return true if the failure was handled
     */
    boolean onSequenceError(PartitionQueue pq, Batch b, int code, Throwable e, TransactionManager txn) {
        switch (code) {
            case ErrorCode.DUPLICATE_SEQUENCE -> {
                // Stored before, but older than the 5 batches the broker remembers: success, offsets unknown.
                LOG.info("Produce to {} (sequence {}) was a duplicate of a batch stored earlier; its offsets are "
                        + "unknown (spec B.12.6, code 48)", b.tp, b.sequence().baseSequence());
                batches.finish(pq, b, null, true);
                return true;
            }
            case ErrorCode.OUT_OF_ORDER_SEQUENCE -> {
                if (pq.hasEarlierUnresolved(b)) {
                    // The batch before it is being retried: resend this one after it, unchanged.
                    retries.retryLater(pq, b, e, 0);
                    return true;
                }
                OutOfOrderSequenceException lost = new OutOfOrderSequenceException(code, e.getMessage(),
                        "Produce to " + b.tp + " (the broker lost batches acknowledged before; this one and the "
                        + "later ones of the partition were not stored)");
                if (txn != null) {
                    // the abort takes a new epoch: under this one every later sequence of the partition is ahead
                    txn.onSequencedSendFailure(lost);
                    batches.failFrom(pq, b, lost);
                    return true;
                }
                batches.failFrom(pq, b, lost);
                if (identity.requestReset()) {
                    LOG.warn("{}: taking a new producer id once the batches in flight have completed",
                            lost.getMessage());
                }
                maybeTakeNewProducerId();
                return true;
            }
            case ErrorCode.UNKNOWN_PRODUCER_ID -> {
                if (txn != null) {
                    return false;
                }
                // The id expired; nothing was stored under it: resend under a new id with new sequences.
                if (identity.requestReset()) {
                    LOG.info("producer id {} expired at the broker (code 49); taking a new one",
                            b.sequence().producerId());
                }
                retries.retryLater(pq, b, e, 0);
                maybeTakeNewProducerId();
                return true;
            }
            case ErrorCode.INVALID_PRODUCER_EPOCH -> {
                if (txn != null) {
                    return false;
                }
                InvalidProducerEpochException fatal = new InvalidProducerEpochException(code, e.getMessage(),
                        "Produce to " + b.tp + " (idempotent producer id " + b.sequence().producerId() + ")");
                identity.fail(fatal);
                batches.finish(pq, b, fatal, true);
                batches.dispatchAll();
                return true;
            }
            default -> {
                return false;
            }
        }
    }
}
