package io.streambus.jms.ra;

import jakarta.jms.BytesMessage;
import jakarta.jms.Destination;
import jakarta.jms.IllegalStateException;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.QueueReceiver;
import jakarta.jms.QueueSender;
import jakarta.jms.QueueSession;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TopicPublisher;
import jakarta.jms.TopicSession;
import jakarta.jms.TopicSubscriber;
import jakarta.jms.TransactionInProgressException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session of a {@link StreamBusRaConnection}: works on the managed connection's XA session (or, during a server
 * local transaction, its transacted session), chosen when a producer, consumer or browser is created. Inside a JTA
 * transaction it sends and acknowledges in that transaction; {@code commit}, {@code rollback} throw
 * {@link TransactionInProgressException} and {@code recover} {@link IllegalStateException}. Outside one it is
 * non-transacted and auto-acknowledged ({@code commit}/{@code rollback} throw {@link IllegalStateException}, as for
 * any non-transacted session). Message listeners and {@code run()} are refused (JMS 3.1 §12.2). Closing it closes what
 * it created; the physical session stays with the pooled connection.
 *
 * <p>Thread-safety: one thread at a time, as any JMS session.
 */
public class StreamBusRaSession implements Session, QueueSession, TopicSession {
    private static final Logger LOG = LoggerFactory.getLogger(StreamBusRaSession.class);

    private final StreamBusRaConnection connection;
    private final List<Object> children = new ArrayList<>();
    private volatile boolean closed;

    StreamBusRaSession(StreamBusRaConnection connection) {
        this.connection = connection;
    }

    /** The physical session to work on now. */
    private Session physical() throws JMSException {
        checkOpen();
        return connection.managed().currentSession();
    }

    private StreamBusManagedConnection.TransactionMode mode() throws JMSException {
        checkOpen();
        return connection.managed().mode();
    }

    private void checkOpen() throws IllegalStateException {
        if (closed) {
            throw new IllegalStateException("the session is closed");
        }
    }

    boolean isClosed() {
        return closed;
    }

    private synchronized <T> T track(T child) {
        children.add(child);
        return child;
    }

    // ---------------------------------------------------------------- messages

    @Override
    public BytesMessage createBytesMessage() throws JMSException {
        return physical().createBytesMessage();
    }

    @Override
    public MapMessage createMapMessage() throws JMSException {
        return physical().createMapMessage();
    }

    @Override
    public Message createMessage() throws JMSException {
        return physical().createMessage();
    }

    @Override
    public ObjectMessage createObjectMessage() throws JMSException {
        return physical().createObjectMessage();
    }

    @Override
    public ObjectMessage createObjectMessage(Serializable object) throws JMSException {
        return physical().createObjectMessage(object);
    }

    @Override
    public StreamMessage createStreamMessage() throws JMSException {
        return physical().createStreamMessage();
    }

    @Override
    public TextMessage createTextMessage() throws JMSException {
        return physical().createTextMessage();
    }

    @Override
    public TextMessage createTextMessage(String text) throws JMSException {
        return physical().createTextMessage(text);
    }

    // ---------------------------------------------------------------- transactions

    @Override
    public boolean getTransacted() throws JMSException {
        return mode() != StreamBusManagedConnection.TransactionMode.NONE;
    }

    @Override
    public int getAcknowledgeMode() throws JMSException {
        return getTransacted() ? Session.SESSION_TRANSACTED : Session.AUTO_ACKNOWLEDGE;
    }

    @Override
    public void commit() throws JMSException {
        if (getTransacted()) {
            throw new TransactionInProgressException("commit() is not allowed: the session works in a transaction "
                    + "the server (JTA) decides");
        }
        throw new IllegalStateException("commit() of a non-transacted session");
    }

    @Override
    public void rollback() throws JMSException {
        if (getTransacted()) {
            throw new TransactionInProgressException("rollback() is not allowed: the session works in a transaction "
                    + "the server (JTA) decides; use setRollbackOnly");
        }
        throw new IllegalStateException("rollback() of a non-transacted session");
    }

    @Override
    public void recover() throws JMSException {
        if (getTransacted()) {
            throw new IllegalStateException("recover() is not allowed in a transaction");
        }
        physical().recover();
    }

    // ---------------------------------------------------------------- lifecycle

    /** Closes what this session created; the physical session stays open for the pool. */
    @Override
    public void close() throws JMSException {
        closeQuietly();
    }

    void closeQuietly() {
        List<Object> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(children);
            children.clear();
        }
        for (Object c : all) {
            try {
                if (c instanceof MessageConsumer mc) {
                    mc.close();
                } else if (c instanceof MessageProducer mp) {
                    mp.close();
                } else if (c instanceof QueueBrowser qb) {
                    qb.close();
                }
            } catch (JMSException | RuntimeException e) {
                LOG.debug("closing {}: {}", c, LogText.of(e));
            }
        }
    }

    @Override
    public MessageListener getMessageListener() throws JMSException {
        throw new IllegalStateException("message listeners are not allowed in a Jakarta EE container (JMS 3.1 "
                + "section 12.2)");
    }

    @Override
    public void setMessageListener(MessageListener listener) throws JMSException {
        throw new IllegalStateException("message listeners are not allowed in a Jakarta EE container (JMS 3.1 "
                + "section 12.2); use a message-driven bean");
    }

    @Override
    public void run() {
        throw new IllegalStateRuntimeException("Session.run() is not allowed in a Jakarta EE container");
    }

    // ---------------------------------------------------------------- producers, consumers, browsers

    @Override
    public MessageProducer createProducer(Destination destination) throws JMSException {
        return track(physical().createProducer(destination));
    }

    @Override
    public QueueSender createSender(Queue queue) throws JMSException {
        return (QueueSender) createProducer(queue);
    }

    @Override
    public TopicPublisher createPublisher(Topic topic) throws JMSException {
        return (TopicPublisher) createProducer(topic);
    }

    private StreamBusRaMessageConsumer consumer(MessageConsumer c) {
        return track(new StreamBusRaMessageConsumer(c));
    }

    @Override
    public MessageConsumer createConsumer(Destination destination) throws JMSException {
        return consumer(physical().createConsumer(destination));
    }

    @Override
    public MessageConsumer createConsumer(Destination destination, String messageSelector) throws JMSException {
        return consumer(physical().createConsumer(destination, messageSelector));
    }

    @Override
    public MessageConsumer createConsumer(Destination destination, String messageSelector, boolean noLocal)
            throws JMSException {
        return consumer(physical().createConsumer(destination, messageSelector, noLocal));
    }

    @Override
    public MessageConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName) throws JMSException {
        return consumer(physical().createSharedConsumer(topic, sharedSubscriptionName));
    }

    @Override
    public MessageConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName, String messageSelector)
            throws JMSException {
        return consumer(physical().createSharedConsumer(topic, sharedSubscriptionName, messageSelector));
    }

    @Override
    public TopicSubscriber createDurableSubscriber(Topic topic, String name) throws JMSException {
        return consumer(physical().createDurableSubscriber(topic, name));
    }

    @Override
    public TopicSubscriber createDurableSubscriber(Topic topic, String name, String messageSelector, boolean noLocal)
            throws JMSException {
        return consumer(physical().createDurableSubscriber(topic, name, messageSelector, noLocal));
    }

    @Override
    public MessageConsumer createDurableConsumer(Topic topic, String name) throws JMSException {
        return consumer(physical().createDurableConsumer(topic, name));
    }

    @Override
    public MessageConsumer createDurableConsumer(Topic topic, String name, String messageSelector, boolean noLocal)
            throws JMSException {
        return consumer(physical().createDurableConsumer(topic, name, messageSelector, noLocal));
    }

    @Override
    public MessageConsumer createSharedDurableConsumer(Topic topic, String name) throws JMSException {
        return consumer(physical().createSharedDurableConsumer(topic, name));
    }

    @Override
    public MessageConsumer createSharedDurableConsumer(Topic topic, String name, String messageSelector)
            throws JMSException {
        return consumer(physical().createSharedDurableConsumer(topic, name, messageSelector));
    }

    @Override
    public QueueReceiver createReceiver(Queue queue) throws JMSException {
        return consumer(physical().createConsumer(queue));
    }

    @Override
    public QueueReceiver createReceiver(Queue queue, String messageSelector) throws JMSException {
        return consumer(physical().createConsumer(queue, messageSelector));
    }

    @Override
    public TopicSubscriber createSubscriber(Topic topic) throws JMSException {
        return consumer(physical().createConsumer(topic));
    }

    @Override
    public TopicSubscriber createSubscriber(Topic topic, String messageSelector, boolean noLocal)
            throws JMSException {
        return consumer(physical().createConsumer(topic, messageSelector, noLocal));
    }

    @Override
    public QueueBrowser createBrowser(Queue queue) throws JMSException {
        return track(physical().createBrowser(queue));
    }

    @Override
    public QueueBrowser createBrowser(Queue queue, String messageSelector) throws JMSException {
        return track(physical().createBrowser(queue, messageSelector));
    }

    // ---------------------------------------------------------------- destinations, subscriptions

    @Override
    public Queue createQueue(String queueName) throws JMSException {
        return physical().createQueue(queueName);
    }

    @Override
    public Topic createTopic(String topicName) throws JMSException {
        return physical().createTopic(topicName);
    }

    /** A temporary queue, deleted when the connection handle closes. */
    @Override
    public TemporaryQueue createTemporaryQueue() throws JMSException {
        TemporaryQueue q = physical().createTemporaryQueue();
        connection.temporaryCreated(q);
        return q;
    }

    /** A temporary topic, deleted when the connection handle closes. */
    @Override
    public TemporaryTopic createTemporaryTopic() throws JMSException {
        TemporaryTopic t = physical().createTemporaryTopic();
        connection.temporaryCreated(t);
        return t;
    }

    @Override
    public void unsubscribe(String name) throws JMSException {
        physical().unsubscribe(name);
    }

    @Override
    public String toString() {
        return "StreamBusRaSession[" + (closed ? "closed" : connection) + "]";
    }
}
