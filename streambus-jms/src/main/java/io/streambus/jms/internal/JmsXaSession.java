package io.streambus.jms.internal;

import io.streambus.jms.StreamBusDestination;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
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
 * <p>Queue consumers on share groups are refused: acknowledging a share-group delivery within a branch needs the
 * client's transactional share acknowledgements (spec B.13.15), which it does not have yet. Queues consumed through
 * consumer groups ({@code queueMode=group}), topics and durable subscriptions work. Thread-safety: as a session.
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

    @Override
    public MessageConsumer createConsumer(Destination destination, String messageSelector, boolean noLocal)
            throws JMSException {
        checkOpen();
        if (destination != null) {
            StreamBusDestination d = MessageCodec.toDestination(destination);
            if (d.isQueue() && !d.isTemporary() && connection().shareQueues()) {
                throw new JMSException("queue " + d.getName() + " is consumed through a share group, "
                        + "whose acknowledgements this client cannot make part of an XA transaction yet "
                        + "(transactional share acknowledgements, spec B.13.15); consume it through a consumer "
                        + "group (queueMode=group) or outside XA", "xa-share-queue");
            }
        }
        return super.createConsumer(destination, messageSelector, noLocal);
    }
}
