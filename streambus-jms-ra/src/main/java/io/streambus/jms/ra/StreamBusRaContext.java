package io.streambus.jms.ra;

import static io.streambus.jms.ra.RuntimeExceptions.rt;

import io.streambus.jms.internal.JmsProducerImpl;
import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.Destination;
import jakarta.jms.ExceptionListener;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.StreamMessage;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.io.Serializable;

/**
 * The {@link JMSContext} of the adapter's connection factory: a connection handle ({@link StreamBusRaConnection})
 * and its one session, with the simplified API's runtime exceptions. The session follows the container rules of
 * {@link StreamBusRaSession} (the requested session mode is ignored: in a JTA transaction it works in the
 * transaction, outside one it auto-acknowledges). {@code createContext}, {@code setClientID},
 * {@code setExceptionListener} and {@code stop} throw {@link IllegalStateRuntimeException} (JMS 3.1 §12.2).
 * {@code close()} returns the physical connection to the server's pool. Thread-safety: one thread at a time.
 */
final class StreamBusRaContext implements JMSContext {
    private final StreamBusRaConnection connection;
    private StreamBusRaSession session;
    private MessageProducer producer;
    private boolean autoStart = true;
    private boolean closed;

    StreamBusRaContext(StreamBusRaConnection connection, int requestedSessionMode) {
        this.connection = connection;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateRuntimeException("the JMSContext is closed");
        }
    }

    private synchronized StreamBusRaSession session() {
        checkOpen();
        if (session == null) {
            session = (StreamBusRaSession) rt(connection::createSession);
        }
        return session;
    }

    private synchronized MessageProducer producer() {
        if (producer == null) {
            producer = rt(() -> session().createProducer(null));
        }
        return producer;
    }

    private JMSConsumer consumer(MessageConsumer c) {
        if (autoStart) {
            rt(() -> {
                connection.start();
                return null;
            });
        }
        return new StreamBusRaJmsConsumer(c);
    }

    @Override
    public JMSContext createContext(int sessionMode) {
        checkOpen();
        throw new IllegalStateRuntimeException("createContext(int) is not allowed in a Jakarta EE container (JMS 3.1 "
                + "section 12.2): use the connection factory");
    }

    @Override
    public JMSProducer createProducer() {
        return new JmsProducerImpl(this::producer, false); // no asynchronous sends in a container (JMS 3.1 §12.2)
    }

    @Override
    public String getClientID() {
        checkOpen();
        return rt(connection::getClientID);
    }

    @Override
    public void setClientID(String clientID) {
        checkOpen();
        rt(() -> {
            connection.setClientID(clientID);
            return null;
        });
    }

    @Override
    public ConnectionMetaData getMetaData() {
        checkOpen();
        return rt(connection::getMetaData);
    }

    @Override
    public ExceptionListener getExceptionListener() {
        checkOpen();
        return rt(connection::getExceptionListener);
    }

    @Override
    public void setExceptionListener(ExceptionListener listener) {
        checkOpen();
        rt(() -> {
            connection.setExceptionListener(listener);
            return null;
        });
    }

    @Override
    public void start() {
        checkOpen();
        rt(() -> {
            connection.start();
            return null;
        });
    }

    @Override
    public void stop() {
        checkOpen();
        rt(() -> {
            connection.stop();
            return null;
        });
    }

    @Override
    public void setAutoStart(boolean autoStart) {
        checkOpen();
        this.autoStart = autoStart;
    }

    @Override
    public boolean getAutoStart() {
        checkOpen();
        return autoStart;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        rt(() -> {
            connection.close();
            return null;
        });
    }

    // ---------------------------------------------------------------- messages

    @Override
    public BytesMessage createBytesMessage() {
        return rt(session()::createBytesMessage);
    }

    @Override
    public MapMessage createMapMessage() {
        return rt(session()::createMapMessage);
    }

    @Override
    public Message createMessage() {
        return rt(session()::createMessage);
    }

    @Override
    public ObjectMessage createObjectMessage() {
        return rt(session()::createObjectMessage);
    }

    @Override
    public ObjectMessage createObjectMessage(Serializable object) {
        return rt(() -> session().createObjectMessage(object));
    }

    @Override
    public StreamMessage createStreamMessage() {
        return rt(session()::createStreamMessage);
    }

    @Override
    public TextMessage createTextMessage() {
        return rt(session()::createTextMessage);
    }

    @Override
    public TextMessage createTextMessage(String text) {
        return rt(() -> session().createTextMessage(text));
    }

    // ---------------------------------------------------------------- transactions

    @Override
    public boolean getTransacted() {
        return rt(session()::getTransacted);
    }

    @Override
    public int getSessionMode() {
        return rt(session()::getAcknowledgeMode);
    }

    @Override
    public void commit() {
        rt(() -> {
            session().commit();
            return null;
        });
    }

    @Override
    public void rollback() {
        rt(() -> {
            session().rollback();
            return null;
        });
    }

    @Override
    public void recover() {
        rt(() -> {
            session().recover();
            return null;
        });
    }

    /** No effect: the context's session is never CLIENT_ACKNOWLEDGE (see the class comment). */
    @Override
    public void acknowledge() {
        session();
    }

    // ---------------------------------------------------------------- consumers, browsers, destinations

    @Override
    public JMSConsumer createConsumer(Destination destination) {
        return consumer(rt(() -> session().createConsumer(destination)));
    }

    @Override
    public JMSConsumer createConsumer(Destination destination, String messageSelector) {
        return consumer(rt(() -> session().createConsumer(destination, messageSelector)));
    }

    @Override
    public JMSConsumer createConsumer(Destination destination, String messageSelector, boolean noLocal) {
        return consumer(rt(() -> session().createConsumer(destination, messageSelector, noLocal)));
    }

    @Override
    public Queue createQueue(String queueName) {
        return rt(() -> session().createQueue(queueName));
    }

    @Override
    public Topic createTopic(String topicName) {
        return rt(() -> session().createTopic(topicName));
    }

    @Override
    public JMSConsumer createDurableConsumer(Topic topic, String name) {
        return consumer(rt(() -> session().createDurableConsumer(topic, name)));
    }

    @Override
    public JMSConsumer createDurableConsumer(Topic topic, String name, String messageSelector, boolean noLocal) {
        return consumer(rt(() -> session().createDurableConsumer(topic, name, messageSelector, noLocal)));
    }

    @Override
    public JMSConsumer createSharedDurableConsumer(Topic topic, String name) {
        return consumer(rt(() -> session().createSharedDurableConsumer(topic, name)));
    }

    @Override
    public JMSConsumer createSharedDurableConsumer(Topic topic, String name, String messageSelector) {
        return consumer(rt(() -> session().createSharedDurableConsumer(topic, name, messageSelector)));
    }

    @Override
    public JMSConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName) {
        return consumer(rt(() -> session().createSharedConsumer(topic, sharedSubscriptionName)));
    }

    @Override
    public JMSConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName, String messageSelector) {
        return consumer(rt(() -> session().createSharedConsumer(topic, sharedSubscriptionName, messageSelector)));
    }

    @Override
    public QueueBrowser createBrowser(Queue queue) {
        return rt(() -> session().createBrowser(queue));
    }

    @Override
    public QueueBrowser createBrowser(Queue queue, String messageSelector) {
        return rt(() -> session().createBrowser(queue, messageSelector));
    }

    @Override
    public TemporaryQueue createTemporaryQueue() {
        return rt(session()::createTemporaryQueue);
    }

    @Override
    public TemporaryTopic createTemporaryTopic() {
        return rt(session()::createTemporaryTopic);
    }

    @Override
    public void unsubscribe(String name) {
        rt(() -> {
            session().unsubscribe(name);
            return null;
        });
    }

    @Override
    public String toString() {
        return "StreamBusRaContext[" + connection + "]";
    }
}
