package io.streambus.camel.internal.txn;

import io.streambus.client.producer.Producer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactional producers of one transacted endpoint. A transactional producer has at most one open
 * transaction, so each exchange in progress gets one of its own: {@link #acquire()} hands out an idle producer or
 * creates one, {@link #release} takes it back when the exchange's transaction ended. Producer {@code n} has the
 * transactional id {@code <prefix>-<n>}, and the lowest free {@code n} is used first, so the ids in use stay
 * {@code prefix-0 .. prefix-(k-1)} for {@code k} concurrent exchanges (the number of route threads sending through
 * the endpoint) and a restarted route takes over the same ids, which aborts what a crashed instance left open
 * (InitProducerID fences older producers of an id). A producer that failed fatally (fenced, or its transaction could
 * not be ended) is closed and its id freed; the next exchange that needs it creates a new one with the same id.
 *
 * <p>Thread-safe.
 */
public final class TransactionalProducers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionalProducers.class);

    /** A producer with its index and transactional id. */
    public record Slot(int index, String transactionalId, Producer<Object, Object> producer) {
    }

    private final String prefix;
    private final Function<String, Producer<Object, Object>> factory;
    private final Duration closeTimeout;
    private final Duration commitRetry;
    private final TreeMap<Integer, Slot> idle = new TreeMap<>();
    private final BitSet taken = new BitSet();
    private final List<Slot> all = new ArrayList<>();
    private boolean closed;

    /**
     * @param prefix       the endpoint's transactionalId
     * @param factory      creates a producer with the given {@code transactional.id} (not yet initialised)
     * @param closeTimeout how long closing a producer may take
     * @param commitRetry  how long a commit that got no answer is repeated before its outcome is left in doubt
     */
    public TransactionalProducers(String prefix, Function<String, Producer<Object, Object>> factory,
                                  Duration closeTimeout, Duration commitRetry) {
        this.prefix = prefix;
        this.factory = factory;
        this.closeTimeout = closeTimeout;
        this.commitRetry = commitRetry;
    }

    /** How long a commit that got no answer is repeated. */
    public Duration commitRetry() {
        return commitRetry;
    }

    /**
     * An idle producer (lowest index first), or a new one, registered with the broker (initTransactions: blocks up
     * to the producer's {@code max.block.ms}). The caller owns it until {@link #release}.
     *
     * @throws IllegalStateException when closed
     * @throws RuntimeException      what creating or initialising the producer threw (for example
     *                               UnsupportedFeatureException on a broker without transactions); the id is freed
     */
    public Slot acquire() {
        int index;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the transactional producers of " + prefix + " are closed");
            }
            var first = idle.pollFirstEntry();
            if (first != null) {
                return first.getValue();
            }
            index = taken.nextClearBit(0);
            taken.set(index);
        }
        String id = prefix + "-" + index;
        Producer<Object, Object> p = null;
        try {
            p = factory.apply(id);
            p.initTransactions();
        } catch (RuntimeException e) {
            if (p != null) {
                closeQuietly(p, id);
            }
            synchronized (this) {
                taken.clear(index);
            }
            throw e;
        }
        Slot slot = new Slot(index, id, p);
        boolean closeNow;
        synchronized (this) {
            closeNow = closed;
            if (closeNow) {
                taken.clear(index);
            } else {
                all.add(slot);
            }
        }
        if (closeNow) {
            closeQuietly(p, id);
            throw new IllegalStateException("the transactional producers of " + prefix + " are closed");
        }
        LOG.debug("transactional producer {} ready", id);
        return slot;
    }

    /**
     * Takes a producer back.
     *
     * @param broken true when it must not be used again (fenced, or its transaction could not be ended): it is
     *               closed and its id freed
     */
    public void release(Slot slot, boolean broken) {
        boolean closeIt;
        synchronized (this) {
            closeIt = broken || closed;
            if (closeIt) {
                all.remove(slot);
                taken.clear(slot.index());
            } else {
                idle.put(slot.index(), slot);
            }
        }
        if (closeIt) {
            closeQuietly(slot.producer(), slot.transactionalId());
        }
    }

    /** Number of producers created and not closed (idle or in use). */
    public synchronized int size() {
        return all.size();
    }

    /** Closes every producer; producers in use are closed when they are released. */
    @Override
    public void close() {
        List<Slot> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayList<>(idle.values());
            idle.clear();
            all.removeAll(toClose);
        }
        for (Slot s : toClose) {
            closeQuietly(s.producer(), s.transactionalId());
        }
    }

    private void closeQuietly(Producer<Object, Object> p, String id) {
        try {
            p.close(closeTimeout);
        } catch (RuntimeException e) {
            LOG.warn("closing transactional producer {} failed: {}", id, e.toString());
        }
    }
}
