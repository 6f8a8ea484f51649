package io.streambus.jms.ra;

import io.streambus.jms.internal.DelegatingXAResource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The XAResource an inbound session hands to {@code MessageEndpointFactory.createEndpoint}: the XA session's own,
 * plus a rollback-only mark. When the endpoint's {@code onMessage} throws, the adapter marks the branch, and the
 * transaction manager's {@code end(TMSUCCESS)} becomes {@code end(TMFAIL)}: the branch rolls back (the message comes
 * again, delivery count + 1) even if the container did not roll the transaction back itself. Thread-safe as far as
 * the delegate is (the mark is volatile).
 */
final class DeliveryXAResource extends DelegatingXAResource {
    private volatile boolean rollbackOnly;

    DeliveryXAResource(XAResource delegate) {
        super(delegate);
    }

    /** Makes the branch the session works in now roll back at its end. */
    void markRollbackOnly() {
        rollbackOnly = true;
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        if (flags == TMNOFLAGS) {
            rollbackOnly = false;
        }
        delegate.start(xid, flags);
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        boolean fail = rollbackOnly && flags == TMSUCCESS;
        if (flags != TMSUSPEND) {
            rollbackOnly = false;
        }
        delegate.end(xid, fail ? TMFAIL : flags);
    }
}
