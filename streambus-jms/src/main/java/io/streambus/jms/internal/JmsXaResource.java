package io.streambus.jms.internal;

import io.streambus.client.Futures;
import io.streambus.client.admin.Admin;
import io.streambus.client.producer.XaProducer;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.txn.Xid;
import jakarta.jms.JMSException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link XAResource} of one {@link JmsXaSession}, on spec B.7.8 as its B.7.8.8 says a client's must work:
 *
 * <ul>
 * <li>{@code start} remembers the association; InitXaBranch goes out with the branch's first work (a send, or
 * consumed offsets staged at {@code end}), so that a branch without work costs nothing and prepares
 * {@link #XA_RDONLY}. TMJOIN and TMRESUME continue a branch this resource holds; {@code end(TMSUSPEND)} and
 * {@code end(TMSUCCESS)} are client-side, except that TMSUCCESS stages what the session consumed in the branch
 * (offsets of group subscriptions through AddOffsetsToTxn/TxnOffsetCommit); {@code end(TMFAIL)} rolls the branch
 * back at once.</li>
 * <li>Each branch has a producer of its own (an XA transaction id carries one branch, B.7.8.1), taken from a small
 * pool; {@code prepare} is PrepareTxn, the one-phase {@code commit} EndTxn, and the two-phase {@code commit},
 * {@code rollback} and {@code forget} are EndXaBranch by Xid, which work from any resource with the same prefix,
 * in a new process too (recovery).</li>
 * <li>{@code recover(TMSTARTRSCAN)} lists the prefix's Prepared and heuristically completed branches; other calls of
 * the scan return nothing.</li>
 * <li>{@code isSameRM} is true only for this resource (B.7.8.8 item 4: a branch is one producer, which another
 * session cannot join).</li>
 * <li>Replies map to {@link XAException} codes by the table of B.7.8.8; decisions are retried on transport
 * failures for the factory's {@code xaRetryTimeout}, then fail with XAER_RMFAIL.</li>
 * </ul>
 *
 * <p>Thread-safe: the session's thread and the transaction manager's threads may call it concurrently.
 */
public final class JmsXaResource implements XAResource {
    private static final Logger LOG = LoggerFactory.getLogger(JmsXaResource.class);
    /** The largest timeout a broker accepts by default (B.7.1). */
    static final int MAX_TIMEOUT_SECONDS = 900;
    /** The broker's default timeout, for a branch started with 0 (B.7.1). */
    private static final int DEFAULT_TIMEOUT_MS = 60_000;
    private static final int SCAN_FLAGS = TMSTARTRSCAN | TMENDRSCAN;

    private final JmsSession session;
    private final XaSettings settings;
    private final Map<Xid, XaSessionBranch> branches = new ConcurrentHashMap<>();
    private final ArrayDeque<XaProducer<byte[], byte[]>> idleProducers = new ArrayDeque<>();
    private volatile XaSessionBranch active;
    private volatile int timeoutSeconds;
    private boolean closed;

    JmsXaResource(JmsSession session, XaSettings settings) {
        this.session = session;
        this.settings = settings;
    }

    // ---------------------------------------------------------------- association

    @Override
    public void start(javax.transaction.xa.Xid tmXid, int flags) throws XAException {
        Xid xid = XidValue.of(tmXid);
        if (!session.connection().capabilities().supportsTwoPhaseCommit()) {
            throw XaErrors.xa(XAException.XAER_RMERR, "XA transactions are not supported by this broker (feature "
                    + "TWO_PHASE_COMMIT, spec B.7.8)", null);
        }
        synchronized (this) {
            if (closed) {
                throw XaErrors.xa(XAException.XAER_RMERR, "the XA session is closed", null);
            }
            if (active != null && active.state() == XaBranchState.DONE) {
                active = null; // rolled back by the TM while associated: that association is over
            }
            if (active != null) {
                throw XaErrors.xa(XAException.XAER_PROTO, "the session is already associated with "
                        + active.xid(), null);
            }
            XaSessionBranch b = branches.get(xid);
            switch (flags) {
                case TMNOFLAGS -> {
                    if (b != null) {
                        throw XaErrors.xa(XAException.XAER_DUPID, "this resource already has " + b, null);
                    }
                    b = new XaSessionBranch(xid, timeoutSeconds * 1000);
                    branches.put(xid, b);
                }
                case TMJOIN, TMRESUME -> {
                    if (b == null) {
                        throw XaErrors.xa(XAException.XAER_NOTA, "unknown branch " + xid, null);
                    }
                    XaBranchState expected = flags == TMJOIN ? XaBranchState.IDLE : XaBranchState.SUSPENDED;
                    if (b.state() != expected) {
                        throw XaErrors.xa(XAException.XAER_PROTO, (flags == TMJOIN ? "TMJOIN" : "TMRESUME")
                                + " of " + b, null);
                    }
                    b.moveTo(XaBranchState.ACTIVE);
                }
                default -> throw XaErrors.xa(XAException.XAER_INVAL, "start flags " + Integer.toHexString(flags),
                        null);
            }
            active = b;
        }
    }

    @Override
    public void end(javax.transaction.xa.Xid tmXid, int flags) throws XAException {
        Xid xid = XidValue.of(tmXid);
        XaSessionBranch gone = rolledBackWhileAssociated(xid);
        if (gone != null) {
            rewindAll(); // what the session received after the rollback comes again
            throw rolledBack(gone, "end of " + gone);
        }
        XaSessionBranch b = known(xid);
        switch (flags) {
            case TMSUSPEND -> {
                synchronized (this) {
                    requireAssociated(b, "end(TMSUSPEND)");
                    b.moveTo(XaBranchState.SUSPENDED);
                    active = null;
                }
            }
            case TMSUCCESS -> {
                synchronized (this) {
                    if (active == b) {
                        active = null;
                    }
                }
                if (b.state() == XaBranchState.ROLLBACK_ONLY) {
                    rollbackAtOnce(b);
                    throw rolledBack(b, "end of " + b);
                }
                if (!b.state().associated()) {
                    throw XaErrors.xa(XAException.XAER_PROTO, "end(TMSUCCESS) of " + b, null);
                }
                try {
                    stageConsumers(b);
                    b.moveTo(XaBranchState.IDLE);
                } catch (JMSException | RuntimeException e) {
                    b.fail(e);
                    rollbackAtOnce(b);
                    throw rolledBack(b, "acknowledging the messages consumed in " + b);
                }
            }
            case TMFAIL -> {
                synchronized (this) {
                    if (active == b) {
                        active = null;
                    }
                }
                b.fail(new IllegalStateException("ended with TMFAIL"));
                rollbackAtOnce(b);
            }
            default -> throw XaErrors.xa(XAException.XAER_INVAL, "end flags " + Integer.toHexString(flags), null);
        }
    }

    /**
     * The association with {@code xid} if the transaction manager rolled that branch back while the session still
     * worked in it (its timeout), now ended; else null.
     */
    private synchronized XaSessionBranch rolledBackWhileAssociated(Xid xid) {
        XaSessionBranch b = active;
        if (b != null && b.state() == XaBranchState.DONE && b.xid().equals(xid)) {
            active = null;
            return b;
        }
        return null;
    }

    private void requireAssociated(XaSessionBranch b, String what) throws XAException {
        if (active != b || b.state() != XaBranchState.ACTIVE) {
            throw XaErrors.xa(XAException.XAER_PROTO, what + " of " + b + ", which is not associated", null);
        }
    }

    /** Stages what every consumer of the session consumed in {@code b} (B.7.8.8: acknowledged within the branch). */
    private void stageConsumers(XaSessionBranch b) throws JMSException {
        for (JmsMessageConsumer c : session.consumers()) {
            if (!c.isClosed()) {
                b.staged(c, c.stageInBranch(() -> branchProducer(b)));
            }
        }
    }

    // ---------------------------------------------------------------- the session's work

    /** The branch the session works in now, or null outside a transaction. Any thread. */
    XaSessionBranch activeBranch() {
        return active;
    }

    /** True while a branch of this resource is not decided (positions must not be committed outside it). */
    boolean hasOpenBranches() {
        return !branches.isEmpty();
    }

    /**
     * The producer holding {@code b} on the broker, starting the branch there (InitXaBranch) if this is its first
     * work.
     *
     * @throws JMSException when InitXaBranch failed (the branch is then rollback-only)
     */
    XaProducer<byte[], byte[]> branchProducer(XaSessionBranch b) throws JMSException {
        synchronized (b) {
            XaProducer<byte[], byte[]> held = b.producer();
            if (held != null) {
                return held;
            }
            XaProducer<byte[], byte[]> p = acquireProducer();
            try {
                retryingCall("InitXaBranch for " + b.xid(), deadline -> {
                    p.startXaBranch(settings.prefix(), b.xid(), Duration.ofMillis(b.timeoutMs()));
                    return null;
                });
            } catch (XAException e) {
                closeQuietly(p);
                b.fail(e);
                JMSException j = Jms.jms("starting " + b + " on the broker failed (XA error code " + e.errorCode
                        + ")", e);
                j.setLinkedException(e);
                throw j;
            }
            b.started(p);
            return p;
        }
    }

    private synchronized XaProducer<byte[], byte[]> acquireProducer() {
        XaProducer<byte[], byte[]> p = idleProducers.poll();
        return p != null ? p : session.connection().transport().newXaProducer();
    }

    /** A producer whose branch ended goes back to the pool (or is closed, if it still holds something). */
    private void releaseProducer(XaProducer<byte[], byte[]> p) {
        if (p == null) {
            return;
        }
        if (p.xaBranch() != null) {
            try {
                p.rollbackXaBranch();
            } catch (RuntimeException e) {
                LOG.debug("cleaning up a producer's XA branch {}: {}", p.xaBranch(), e.toString());
            }
        }
        synchronized (this) {
            if (!closed && p.xaBranch() == null) {
                idleProducers.push(p);
                return;
            }
        }
        closeQuietly(p);
    }

    private void closeQuietly(XaProducer<byte[], byte[]> p) {
        try {
            p.close(Duration.ofMillis(session.connection().config().closeTimeoutMs()));
        } catch (RuntimeException e) {
            LOG.debug("closing an XA producer: {}", e.toString());
        }
    }

    // ---------------------------------------------------------------- two-phase commit

    @Override
    public int prepare(javax.transaction.xa.Xid tmXid) throws XAException {
        XaSessionBranch b = known(XidValue.of(tmXid));
        XaBranchState s = b.state();
        if (s.associated() || s == XaBranchState.DONE) {
            throw XaErrors.xa(XAException.XAER_PROTO, "prepare of " + b, null);
        }
        if (s == XaBranchState.PREPARED) {
            return XA_OK; // a repeated prepare, as the broker answers one
        }
        if (s == XaBranchState.ROLLBACK_ONLY) {
            throw rollBackNow(b, "prepare of " + b);
        }
        XaProducer<byte[], byte[]> p = b.producer();
        if (p == null) {
            // B.7.8.8 item 6: nothing was sent to the broker for this branch; what it consumed is acknowledged now.
            finish(b, true);
            return XA_RDONLY;
        }
        try {
            p.prepareXaBranch();
        } catch (RuntimeException e) {
            throw brokerFailure(b, e, "prepare of " + b);
        }
        b.moveTo(XaBranchState.PREPARED);
        releaseProducer(b.takeProducer());
        return XA_OK;
    }

    @Override
    public void commit(javax.transaction.xa.Xid tmXid, boolean onePhase) throws XAException {
        Xid xid = XidValue.of(tmXid);
        XaSessionBranch b = branches.get(xid);
        if (onePhase) {
            commitOnePhase(b, xid);
            return;
        }
        if (b != null && b.state() != XaBranchState.PREPARED) {
            throw XaErrors.xa(XAException.XAER_PROTO, "two-phase commit of " + b + ", which is not prepared", null);
        }
        Admin admin = session.connection().transport().admin();
        try {
            retrying("commit of " + xid, () -> admin.commitXaBranch(settings.prefix(), xid));
        } catch (XAException e) {
            settleAfterFailedDecision(b, e);
            throw e;
        }
        if (b != null) {
            finish(b, true);
        }
    }

    private void commitOnePhase(XaSessionBranch b, Xid xid) throws XAException {
        if (b == null) {
            throw XaErrors.xa(XAException.XAER_NOTA, "one-phase commit of " + xid + ", which this resource does not "
                    + "hold", null);
        }
        XaBranchState s = b.state();
        if (s.associated() || s == XaBranchState.PREPARED || s == XaBranchState.DONE) {
            throw XaErrors.xa(XAException.XAER_PROTO, "one-phase commit of " + b, null);
        }
        if (s == XaBranchState.ROLLBACK_ONLY) {
            throw rollBackNow(b, "one-phase commit of " + b);
        }
        XaProducer<byte[], byte[]> p = b.producer();
        if (p != null) {
            try {
                p.commitXaBranchOnePhase();
            } catch (RuntimeException e) {
                throw brokerFailure(b, e, "one-phase commit of " + b);
            }
        }
        finish(b, true);
    }

    @Override
    public void rollback(javax.transaction.xa.Xid tmXid) throws XAException {
        Xid xid = XidValue.of(tmXid);
        XaSessionBranch b = branches.get(xid);
        if (b == null) {
            // B.7.8.8 item 8: by Xid, even for a branch this resource never saw (recovery).
            Admin admin = session.connection().transport().admin();
            retrying("rollback of " + xid, () -> admin.rollbackXaBranch(settings.prefix(), xid));
            return;
        }
        // Rolled back while the session still works in it (the TM's timeout): the association stays until end or
        // the next start, so that the session's sends fail instead of going out outside any transaction.
        boolean wasAssociated = b.state().associated();
        XaProducer<byte[], byte[]> p = b.takeProducer();
        boolean byXid = b.state() == XaBranchState.PREPARED || b.rollbackPending();
        if (p != null) {
            try {
                p.rollbackXaBranch();
            } catch (RuntimeException e) {
                LOG.debug("rollback of {} through its producer failed, rolling back by Xid: {}", b, e.toString());
                byXid = true;
            }
            releaseProducer(p);
        }
        if (byXid) {
            Admin admin = session.connection().transport().admin();
            try {
                retrying("rollback of " + xid, () -> admin.rollbackXaBranch(settings.prefix(), xid));
            } catch (XAException e) {
                settleAfterFailedDecision(b, e);
                throw e;
            }
        }
        if (wasAssociated) {
            rewindAll();
        }
        finish(b, false, wasAssociated);
    }

    @Override
    public void forget(javax.transaction.xa.Xid tmXid) throws XAException {
        Xid xid = XidValue.of(tmXid);
        Admin admin = session.connection().transport().admin();
        retrying("forget of " + xid, () -> admin.forgetXaBranch(settings.prefix(), xid));
        branches.remove(xid);
    }

    @Override
    public javax.transaction.xa.Xid[] recover(int flags) throws XAException {
        if ((flags & ~SCAN_FLAGS) != 0) {
            throw XaErrors.xa(XAException.XAER_INVAL, "recover flags " + Integer.toHexString(flags), null);
        }
        if ((flags & TMSTARTRSCAN) == 0) {
            return new javax.transaction.xa.Xid[0]; // the whole list came with the start of the scan (item 9)
        }
        Admin admin = session.connection().transport().admin();
        List<Xid> xids = retrying("recover", () -> admin.recoverXaBranches(settings.prefix()));
        return xids.stream().map(XidValue::new).toArray(javax.transaction.xa.Xid[]::new);
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public int getTransactionTimeout() {
        return timeoutSeconds;
    }

    /**
     * The timeout of branches started from now on (InitXaBranch); 0 restores the broker's default. False (and
     * unchanged) above the broker's default maximum of 900 s.
     */
    @Override
    public boolean setTransactionTimeout(int seconds) throws XAException {
        if (seconds < 0) {
            throw XaErrors.xa(XAException.XAER_INVAL, "negative transaction timeout " + seconds, null);
        }
        if (seconds > MAX_TIMEOUT_SECONDS) {
            return false;
        }
        timeoutSeconds = seconds;
        return true;
    }

    // ---------------------------------------------------------------- outcomes

    /** Rolls {@code b} back on the broker now, if it is there and its producer holds it; failures are logged. */
    private void rollbackAtOnce(XaSessionBranch b) {
        XaProducer<byte[], byte[]> p = b.takeProducer();
        if (p == null) {
            return;
        }
        try {
            p.rollbackXaBranch();
        } catch (RuntimeException e) {
            // The transaction manager's rollback by Xid (or the branch's timeout) ends it.
            LOG.warn("rolling back {} failed: {}", b, e.toString());
            b.rollbackPending(true);
        }
        releaseProducer(p);
    }

    /** {@code b} can only be rolled back: rolls it back now and returns the XA_RB* exception that says so. */
    private XAException rollBackNow(XaSessionBranch b, String what) {
        rollbackAtOnce(b);
        finish(b, false);
        return rolledBack(b, what);
    }

    /**
     * {@code e}, the broker's answer to {@code what} (PrepareTxn, one-phase EndTxn), as an XAException; when it says
     * that the branch was rolled back (XA_RB*), the branch is finished as rolled back, and XA_RBTIMEOUT is reported
     * if its timeout had passed.
     */
    private XAException brokerFailure(XaSessionBranch b, RuntimeException e, String what) {
        int code = XaErrors.code(e);
        if (!XaErrors.isRollback(code)) {
            return XaErrors.of(e, what);
        }
        finish(b, false);
        int reported = timedOut(b, e) ? XAException.XA_RBTIMEOUT : code;
        return XaErrors.xa(reported, what + ": the branch was rolled back: " + e.getMessage(), e);
    }

    /** A decision by Xid failed: a heuristic or final answer settles {@code b} as the broker decided it. */
    private void settleAfterFailedDecision(XaSessionBranch b, XAException e) {
        if (b == null) {
            return;
        }
        switch (e.errorCode) {
            case XAException.XA_HEURCOM -> finish(b, true);
            case XAException.XA_HEURRB, XAException.XAER_NOTA -> finish(b, false);
            default -> {
                if (XaErrors.isRollback(e.errorCode)) {
                    finish(b, false);
                }
            }
        }
    }

    /**
     * {@code b} is decided: its staged positions are acknowledged ({@code committed}) or its consumers rewound,
     * and its producer goes back to the pool.
     */
    private void finish(XaSessionBranch b, boolean committed) {
        finish(b, committed, false);
    }

    /** {@link #finish(XaSessionBranch, boolean)}, keeping the session associated with it if {@code keepAssociation}. */
    private void finish(XaSessionBranch b, boolean committed, boolean keepAssociation) {
        synchronized (this) {
            if (active == b && !keepAssociation) {
                active = null;
            }
        }
        if (b.state() != XaBranchState.DONE) {
            b.moveTo(XaBranchState.DONE);
        }
        branches.remove(b.xid(), b);
        releaseProducer(b.takeProducer());
        Map<JmsMessageConsumer, Map<TopicPartition, Long>> staged = b.takeStaged();
        for (Map.Entry<JmsMessageConsumer, Map<TopicPartition, Long>> e : staged.entrySet()) {
            JmsMessageConsumer c = e.getKey();
            if (c.isClosed()) {
                continue; // its offsets went with the branch, or were kept in memory by a consumer now gone
            }
            try {
                if (committed) {
                    c.branchCommitted(e.getValue());
                } else {
                    c.rewind();
                }
            } catch (JMSException | RuntimeException ex) {
                LOG.warn("{} after {}: {}", c, committed ? "the commit" : "the rollback", ex.toString());
            }
        }
    }

    private void rewindAll() {
        for (JmsMessageConsumer c : session.consumers()) {
            try {
                c.rewind();
            } catch (JMSException | RuntimeException e) {
                LOG.warn("rewinding {} after a rollback: {}", c, e.toString());
            }
        }
    }

    private XAException rolledBack(XaSessionBranch b, String what) {
        Throwable cause = b.failure();
        int code = timedOut(b, cause) ? XAException.XA_RBTIMEOUT : XAException.XA_RBROLLBACK;
        return XaErrors.xa(code, what + ": the branch was rolled back" + (cause == null ? "" : " (" + cause + ")"),
                cause);
    }

    private static boolean timedOut(XaSessionBranch b, Throwable cause) {
        return cause != null && XaErrors.abortedByBroker(cause) && b.timedOut(DEFAULT_TIMEOUT_MS);
    }

    private XaSessionBranch known(Xid xid) throws XAException {
        XaSessionBranch b = branches.get(xid);
        if (b == null) {
            throw XaErrors.xa(XAException.XAER_NOTA, "this resource holds no branch " + xid, null);
        }
        return b;
    }

    // ---------------------------------------------------------------- retries (B.7.8.8 item 12)

    /** A request that may be sent again: InitXaBranch, PrepareTxn and EndXaBranch are safe to repeat. */
    @FunctionalInterface
    private interface Attempt<T> {
        CompletableFuture<T> send();
    }

    /**
     * Sends {@code attempt} and waits for it until {@code xaRetryTimeout} has passed (the client retries it on
     * transport failures meanwhile), sending it again after a failure that may pass.
     */
    private <T> T retrying(String what, Attempt<T> attempt) throws XAException {
        return retryingCall(what, deadline -> Futures.awaitUntil(attempt.send(), deadline, what));
    }

    /** One try of a call that {@link #retryingCall} repeats, bounded by {@code deadlineNanos}. */
    @FunctionalInterface
    private interface Call<T> {
        T call(long deadlineNanos);
    }

    /**
     * Runs {@code call} until it succeeds, fails for good, or {@code xaRetryTimeout} passed (XAER_RMFAIL, B.7.8.8
     * item 12). A request given up on may still reach the broker later; InitXaBranch, PrepareTxn and EndXaBranch
     * are safe to repeat, and a decision arriving late is the one the transaction manager took.
     */
    private <T> T retryingCall(String what, Call<T> call) throws XAException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.retryTimeoutMs());
        long backoffMs = 50;
        while (true) {
            try {
                return call.call(deadline);
            } catch (RuntimeException e) {
                XAException x = XaErrors.of(e, what);
                if (x.errorCode != XAException.XAER_RMFAIL
                        || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs) > deadline
                        || Thread.currentThread().isInterrupted()) {
                    throw x;
                }
                LOG.debug("{} failed, retrying in {} ms: {}", what, backoffMs, e.toString());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoffMs)); // back-off between attempts
                backoffMs = Math.min(1000, backoffMs * 2);
            }
        }
    }

    // ---------------------------------------------------------------- session lifecycle

    /**
     * The session closes: what it consumed in a branch that is still associated is staged now (the transaction
     * manager decides the branch later); idle producers are closed, the others when their branch ends.
     */
    void sessionClosing() {
        XaSessionBranch b = active;
        if (b != null && b.state().associated()) {
            try {
                stageConsumers(b);
            } catch (JMSException | RuntimeException e) {
                b.fail(e);
            }
        }
        Set<XaProducer<byte[], byte[]>> idle;
        synchronized (this) {
            closed = true;
            idle = new LinkedHashSet<>(idleProducers);
            idleProducers.clear();
        }
        idle.forEach(this::closeQuietly);
    }

    @Override
    public String toString() {
        return "JmsXaResource[" + settings.prefix() + ", " + branches.size() + " branches]";
    }
}
