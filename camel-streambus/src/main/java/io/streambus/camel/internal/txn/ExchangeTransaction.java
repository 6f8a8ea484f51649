package io.streambus.camel.internal.txn;

import io.streambus.client.StreamBusException;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerFencedException;
import io.streambus.client.producer.TransactionAbortedException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.camel.Exchange;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.spi.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The StreamBus transaction of one exchange: begun by the first send of a transacted endpoint, bound to the exchange
 * (property {@link #PROPERTY}) so that every later send of that endpoint joins it, and ended with the exchange's
 * unit of work: committed when the exchange completed, together with the offsets a transacted consumer left on it
 * ({@link ConsumedOffsets}), aborted when it failed. A commit that fails aborts the transaction and fails the exchange
 * with the cause (a {@link ProducerFencedException} when another producer took over the transactional id); a commit
 * that gets no answer is repeated for a while. A commit that still fails, other than because the broker aborted the
 * transaction, and whose abort fails as well, leaves the consumed offsets in doubt (the consumer then reads its
 * position from the group's committed offsets) and the producer is replaced.
 *
 * <p>Thread-safe in the sense Camel needs: begun on the sending thread, ended once on the thread that completes the
 * unit of work.
 */
public final class ExchangeTransaction implements Synchronization {
    /** The exchange property holding the transaction (internal to the component). */
    public static final String PROPERTY = "CamelStreamBusTransaction";

    private static final Logger LOG = LoggerFactory.getLogger(ExchangeTransaction.class);

    private final TransactionalProducers owner;
    private final TransactionalProducers.Slot slot;

    private ExchangeTransaction(TransactionalProducers owner, TransactionalProducers.Slot slot) {
        this.owner = owner;
        this.slot = slot;
    }

    /**
     * The producer to send an exchange's records with: the one of its transaction, or a new transaction's (taken
     * from {@code producers}, begun, and bound to the exchange's unit of work).
     *
     * @throws IllegalStateException when the exchange has no unit of work, or a transaction of another endpoint
     * @throws RuntimeException      what acquiring a producer threw (not served, broker unreachable)
     */
    public static Producer<Object, Object> producerFor(Exchange exchange, TransactionalProducers producers,
                                                       String endpoint) {
        ExchangeTransaction tx = exchange.getProperty(PROPERTY, ExchangeTransaction.class);
        if (tx != null) {
            if (tx.owner != producers) {
                throw new IllegalStateException("the exchange already sends in the StreamBus transaction of "
                        + tx.slot.transactionalId() + " (another transacted endpoint); an exchange's transaction "
                        + "belongs to one transacted streambus endpoint: reach other topics from it with the "
                        + "CamelStreamBusOverrideTopic header (" + endpoint + ")");
            }
            return tx.slot.producer();
        }
        UnitOfWork uow = exchange.getUnitOfWork();
        if (uow == null) {
            throw new IllegalStateException("transacted=true needs the exchange's unit of work to end the transaction "
                    + "(send through a route) (" + endpoint + ")");
        }
        TransactionalProducers.Slot slot = producers.acquire();
        try {
            slot.producer().beginTransaction();
        } catch (RuntimeException e) {
            producers.release(slot, true);
            throw e;
        }
        tx = new ExchangeTransaction(producers, slot);
        exchange.setProperty(PROPERTY, tx);
        uow.addSynchronization(tx);
        return slot.producer();
    }

    @Override
    public void onComplete(Exchange exchange) {
        if (exchange.isRollbackOnly() || exchange.isRollbackOnlyLast()) {
            abort(exchange, "the exchange was marked rollback-only");
            return;
        }
        ConsumedOffsets offsets = exchange.getProperty(ConsumedOffsets.PROPERTY, ConsumedOffsets.class);
        boolean sent = false;
        boolean committing = false;
        Producer<Object, Object> p = slot.producer();
        try {
            if (offsets != null && offsets.claim()) {
                sent = true;
                p.sendOffsetsToTransaction(offsets.offsets(), offsets.group());
            }
            committing = true;
            commitRetrying(p);
        } catch (RuntimeException e) {
            exchange.setException(e);
            boolean broken;
            boolean inDoubt = false;
            if (!committing || e instanceof TransactionAbortedException) {
                // Failed before the commit, or the broker says it aborted the transaction: nothing was committed.
                broken = e instanceof ProducerFencedException || !abortQuietly("it failed: " + e);
            } else {
                // The commit failed otherwise (no answer until the retries ran out, or an error after a repetition):
                // it may have committed. An abort that succeeds proves it did not (B.7.6: abort after a commit is
                // refused); if the abort fails too, only the group's committed offsets can tell.
                inDoubt = !abortQuietly("its commit failed: " + e);
                broken = inDoubt;
            }
            if (sent) {
                if (inDoubt) {
                    offsets.inDoubt();
                } else {
                    offsets.aborted();
                }
            }
            finish(exchange, broken);
            LOG.warn("StreamBus transaction of {} could not be committed{}, the exchange fails: {}",
                    slot.transactionalId(), inDoubt ? " (outcome unknown)" : "", e.toString());
            return;
        }
        if (sent) {
            offsets.committed();
        }
        finish(exchange, false);
    }

    /**
     * Commits, repeating the commit after a retriable failure (connection lost, broker restarting) with a growing
     * pause, until {@link TransactionalProducers#commitRetry()} has passed: repeating the decision of a transaction
     * that already completed succeeds (spec B.7.6), so a repetition never commits twice.
     */
    private void commitRetrying(Producer<Object, Object> p) {
        long deadline = System.nanoTime() + owner.commitRetry().toNanos();
        long pauseNanos = TimeUnit.MILLISECONDS.toNanos(50);
        while (true) {
            try {
                p.commitTransaction();
                return;
            } catch (StreamBusException e) {
                if (!e.isRetriable() || System.nanoTime() + pauseNanos - deadline >= 0) {
                    throw e;
                }
                LOG.info("commit of the StreamBus transaction of {} failed, repeating it: {}",
                        slot.transactionalId(), e.toString());
                LockSupport.parkNanos(pauseNanos);
                pauseNanos = Math.min(pauseNanos * 2, TimeUnit.SECONDS.toNanos(1));
            }
        }
    }

    @Override
    public void onFailure(Exchange exchange) {
        abort(exchange, "the exchange failed");
    }

    private void abort(Exchange exchange, String why) {
        ConsumedOffsets offsets = exchange.getProperty(ConsumedOffsets.PROPERTY, ConsumedOffsets.class);
        // Offsets are claimed only at commit time, so an aborted transaction never holds them.
        boolean broken = !abortQuietly(why);
        finish(exchange, broken);
        if (offsets != null) {
            LOG.debug("StreamBus transaction of {} aborted ({}); consumed offsets not committed: {}",
                    slot.transactionalId(), why, offsets);
        }
    }

    /** @return false if the abort failed (the producer must not be reused) */
    private boolean abortQuietly(String why) {
        try {
            slot.producer().abortTransaction();
            LOG.debug("StreamBus transaction of {} aborted: {}", slot.transactionalId(), why);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("aborting the StreamBus transaction of {} ({}) failed; the producer is replaced: {}",
                    slot.transactionalId(), why, e.toString());
            return false;
        }
    }

    private void finish(Exchange exchange, boolean broken) {
        exchange.removeProperty(PROPERTY);
        owner.release(slot, broken);
    }

    @Override
    public String toString() {
        return "StreamBus transaction of " + slot.transactionalId();
    }
}
