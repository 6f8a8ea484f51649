package io.streambus.jms.internal;

import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import jakarta.jms.XAJMSContext;
import java.util.concurrent.atomic.AtomicInteger;
import javax.transaction.xa.XAResource;

/**
 * The simplified API's XA context: a {@link JmsContextImpl} whose session is a {@link JmsXaSession}.
 * {@link #getTransacted()} is true, {@code commit}/{@code rollback} throw
 * {@link jakarta.jms.TransactionInProgressRuntimeException}. Thread-safety: as its session, one thread at a time.
 */
public final class JmsXaContextImpl extends JmsContextImpl implements XAJMSContext {

    private JmsXaContextImpl(JmsXaConnection connection) {
        super(connection, new AtomicInteger(1), Session.SESSION_TRANSACTED);
    }

    /**
     * An XA context owning {@code connection}.
     *
     * @throws JMSException when the broker does not serve two-phase commit (the connection is then closed)
     */
    public static JmsXaContextImpl create(JmsXaConnection connection) throws JMSException {
        try {
            JmsXaConnection.checkTwoPhaseCommit(connection.capabilities());
        } catch (JMSException e) {
            connection.close();
            throw e;
        }
        return new JmsXaContextImpl(connection);
    }

    @Override
    JmsSession newSession(JmsConnection c, int mode) throws JMSException {
        return (JmsSession) ((JmsXaConnection) c).createXASession();
    }

    @Override
    public JMSContext getContext() {
        session(); // checks that the context is open
        return this;
    }

    @Override
    public XAResource getXAResource() {
        return ((JmsXaSession) session()).getXAResource();
    }
}
