package io.streambus.jms.ra;

import io.streambus.jms.StreamBusXAConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.XAConnection;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The XAResource {@link StreamBusResourceAdapter#getXAResources} gives the server's recovery: it holds no connection
 * until used. {@code recover(TMSTARTRSCAN)} opens a fresh XA connection (no transaction association) and keeps it for
 * the scan; {@code recover(TMENDRSCAN)} closes it (as Narayana's JMS recovery helper does). A commit, rollback or
 * forget outside a scan opens a connection for that call and closes it afterwards, so nothing leaks however the
 * transaction manager drives it. Decisions by Xid work from any connection with the same {@code xaPrefix}. A broker
 * that cannot be reached gives {@code XAER_RMFAIL} (the TM retries later). Thread-safe (synchronized).
 */
final class RecoveryXAResource implements XAResource {
    private static final Logger LOG = LoggerFactory.getLogger(RecoveryXAResource.class);

    private final StreamBusXAConnectionFactory factory;
    private XAConnection scanConnection;
    private XAResource scanResource;

    RecoveryXAResource(StreamBusXAConnectionFactory factory) {
        this.factory = factory;
    }

    @FunctionalInterface
    private interface XaCall<T> {
        T call(XAResource r) throws XAException;
    }

    /** Runs {@code call} on the scan's resource, or on a connection opened (and closed) for it. */
    private synchronized <T> T withResource(XaCall<T> call) throws XAException {
        if (scanResource != null) {
            return call.call(scanResource);
        }
        XAConnection c = open();
        try {
            return call.call(c.createXASession().getXAResource());
        } catch (JMSException e) {
            throw rmfail(e);
        } finally {
            close(c);
        }
    }

    private XAConnection open() throws XAException {
        try {
            return factory.createXAConnection();
        } catch (JMSException | RuntimeException e) {
            throw rmfail(e);
        }
    }

    private static XAException rmfail(Exception e) {
        XAException x = new XAException("StreamBus broker not reachable for recovery: " + LogText.of(e));
        x.errorCode = XAException.XAER_RMFAIL;
        x.initCause(e);
        return x;
    }

    private static void close(XAConnection c) {
        try {
            c.close();
        } catch (JMSException | RuntimeException e) {
            LOG.debug("closing a recovery connection: {}", LogText.of(e));
        }
    }

    @Override
    public synchronized Xid[] recover(int flag) throws XAException {
        Xid[] found = new Xid[0];
        if ((flag & TMSTARTRSCAN) != 0) {
            endScan();
            XAConnection c = open();
            try {
                scanResource = c.createXASession().getXAResource();
                scanConnection = c;
            } catch (JMSException | RuntimeException e) {
                close(c);
                throw rmfail(e);
            }
            found = scanResource.recover(TMSTARTRSCAN);
        }
        if ((flag & TMENDRSCAN) != 0) {
            endScan();
        }
        return found;
    }

    private void endScan() {
        if (scanConnection != null) {
            close(scanConnection);
            scanConnection = null;
            scanResource = null;
        }
    }

    /** Closes a scan the transaction manager did not end (the adapter's stop). */
    synchronized void close() {
        endScan();
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        withResource(r -> {
            r.commit(xid, onePhase);
            return null;
        });
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        withResource(r -> {
            r.rollback(xid);
            return null;
        });
    }

    @Override
    public void forget(Xid xid) throws XAException {
        withResource(r -> {
            r.forget(xid);
            return null;
        });
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        throw proto("start");
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        throw proto("end");
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        throw proto("prepare");
    }

    private static XAException proto(String what) {
        XAException x = new XAException("a recovery XAResource does not " + what + " branches");
        x.errorCode = XAException.XAER_PROTO;
        return x;
    }

    /** True only for itself: each recovery resource is matched to its own scan. */
    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) {
        return false;
    }

    @Override
    public String toString() {
        return "StreamBus recovery XAResource[" + factory + "]";
    }
}
