package io.streambus.jms.ra;

import io.streambus.jms.internal.DelegatingXAResource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The XAResource of a managed connection: its XA session's, plus telling the managed connection when the session
 * works in a global transaction (between {@code start} and {@code end}), which is when the Jakarta EE rules for
 * sessions in a transaction apply.
 */
final class ManagedXAResource extends DelegatingXAResource {
    private final StreamBusManagedConnection connection;

    ManagedXAResource(XAResource delegate, StreamBusManagedConnection connection) {
        super(delegate);
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
}
