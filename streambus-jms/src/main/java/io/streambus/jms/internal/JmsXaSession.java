package io.streambus.jms.internal;

import jakarta.jms.JMSException;
import jakarta.jms.QueueSession;
import jakarta.jms.Session;
import jakarta.jms.TopicSession;
import jakarta.jms.XAQueueSession;
import jakarta.jms.XASession;
import jakarta.jms.XATopicSession;
import javax.transaction.xa.XAResource;

/**
 * An XA session: a {@link JmsSession} whose work belongs to the XA branch its {@link JmsXaResource} is associated
 * with (see {@link XaSessionPolicy}). {@link #getTransacted()} is true and {@code commit}/{@code rollback} throw
 * {@link jakarta.jms.TransactionInProgressException}, as {@link XASession} says.
 *
 * <p>Queue consumers on share groups acknowledge within the branch through transactional share acknowledgements
 * (spec B.13.15); on a broker without TXN_SHARE_ACKS they are refused at {@code createConsumer}. Thread-safety: as
 * a session.
 */
public final class JmsXaSession extends JmsSession implements XASession, XAQueueSession, XATopicSession {
    private final JmsXaResource resource;

    JmsXaSession(JmsConnection connection, XaSettings settings) {
        super(connection, XaSessionPolicy::new);
        this.resource = new JmsXaResource(this, settings);
        ((XaSessionPolicy) ackPolicy()).resource(resource);
    }

    @Override
    public XAResource getXAResource() {
        return resource;
    }

    @Override
    public Session getSession() throws JMSException {
        checkOpen();
        return this;
    }

    @Override
    public QueueSession getQueueSession() throws JMSException {
        checkOpen();
        return this;
    }

    @Override
    public TopicSession getTopicSession() throws JMSException {
        checkOpen();
        return this;
    }
}
