package io.streambus.jms.ra;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The XAResource of a managed connection: its XA session's, plus telling the managed connection when the session
 * works in a global transaction (between {@code start} and {@code end}), which is when the Jakarta EE rules for
 * sessions in a transaction apply. Thread-safe as far as the delegate is.
 */
final class ManagedXAResource implements XAResource {
    private final XAResource delegate;
    private final StreamBusManagedConnection connection;

    ManagedXAResource(XAResource delegate, StreamBusManagedConnection connection) {
        this.delegate = delegate;
        this.connection = connection;
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        delegate.start(xid, flags);
        connection.xaAssociated(true);
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        connection.xaAssociated(false);
        delegate.end(xid, flags);
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        return delegate.prepare(xid);
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        delegate.commit(xid, onePhase);
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        delegate.rollback(xid);
    }

    @Override
    public void forget(Xid xid) throws XAException {
        delegate.forget(xid);
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        return delegate.recover(flag);
    }

    @Override
    public boolean isSameRM(XAResource other) throws XAException {
        return delegate.isSameRM(other instanceof ManagedXAResource m ? m.delegate : other);
    }

    @Override
    public int getTransactionTimeout() throws XAException {
        return delegate.getTransactionTimeout();
    }

    @Override
    public boolean setTransactionTimeout(int seconds) throws XAException {
        return delegate.setTransactionTimeout(seconds);
    }

    @Override
    public String toString() {
        return "ManagedXAResource[" + delegate + "]";
    }
}
