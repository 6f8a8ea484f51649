package io.streambus.jms.internal;

import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.Destination;
import jakarta.jms.ExceptionListener;
import jakarta.jms.IllegalStateException;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidClientIDRuntimeException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.InvalidDestinationRuntimeException;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.InvalidSelectorRuntimeException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.JMSSecurityRuntimeException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.MessageNotWriteableException;
import jakarta.jms.MessageNotWriteableRuntimeException;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.ResourceAllocationRuntimeException;
import jakarta.jms.StreamMessage;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TransactionInProgressException;
import jakarta.jms.TransactionInProgressRuntimeException;
import jakarta.jms.TransactionRolledBackException;
import jakarta.jms.TransactionRolledBackRuntimeException;
import java.io.Serializable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The simplified API: a {@link JMSContext} is a connection (shared with the contexts made by
 * {@link #createContext(int)}) plus one session, with runtime exceptions. The connection starts when the first
 * consumer is created, unless auto-start is off. Thread-safety: as its session, one thread at a time.
 * {@link JmsXaContextImpl} is the XA variant.
 */
public class JmsContextImpl implements JMSContext {
    private final JmsConnection connection;
    private final AtomicInteger connectionUsers;
    private final int sessionMode;
    private JmsSession session;
    private JmsMessageProducer producer;
    private boolean autoStart = true;
    private boolean closed;

    JmsContextImpl(JmsConnection connection, AtomicInteger users, int sessionMode) {
        this.connection = connection;
        this.connectionUsers = users;
        this.sessionMode = sessionMode;
    }

    /** A context owning {@code connection}. */
    public static JmsContextImpl create(JmsConnection connection, int sessionMode) {
        return new JmsContextImpl(connection, new AtomicInteger(1), sessionMode);
    }

    /** Validates a JMSContext session mode. */
    public static void checkSessionMode(int mode) {
        if (!AckPolicy.isValidMode(mode)) {
            throw new JMSRuntimeException("invalid session mode " + mode + " (AUTO_ACKNOWLEDGE=1, "
                    + "CLIENT_ACKNOWLEDGE=2, DUPS_OK_ACKNOWLEDGE=3, SESSION_TRANSACTED=0)");
        }
    }

    /** The runtime counterpart of a JMSException, as JMS 3.1 maps them. */
    public static JMSRuntimeException runtime(JMSException e) {
        String m = e.getMessage();
        String c = e.getErrorCode();
        JMSRuntimeException r;
        if (e instanceof IllegalStateException) {
            r = new IllegalStateRuntimeException(m, c, e);
        } else if (e instanceof InvalidDestinationException) {
            r = new InvalidDestinationRuntimeException(m, c, e);
        } else if (e instanceof InvalidSelectorException) {
            r = new InvalidSelectorRuntimeException(m, c, e);
        } else if (e instanceof InvalidClientIDException) {
            r = new InvalidClientIDRuntimeException(m, c, e);
        } else if (e instanceof JMSSecurityException) {
            r = new JMSSecurityRuntimeException(m, c, e);
        } else if (e instanceof MessageFormatException) {
            r = new MessageFormatRuntimeException(m, c, e);
        } else if (e instanceof MessageNotWriteableException) {
            r = new MessageNotWriteableRuntimeException(m, c, e);
        } else if (e instanceof TransactionRolledBackException) {
            r = new TransactionRolledBackRuntimeException(m, c, e);
        } else if (e instanceof TransactionInProgressException) {
            r = new TransactionInProgressRuntimeException(m, c, e);
        } else if (e instanceof ResourceAllocationException) {
            r = new ResourceAllocationRuntimeException(m, c, e);
        } else {
            r = new JMSRuntimeException(m, c, e);
        }
        return r;
    }

    @FunctionalInterface
    interface JmsCall<T> {
        T call() throws JMSException;
    }

    static <T> T rt(JmsCall<T> call) {
        try {
            return call.call();
        } catch (JMSException e) {
            throw runtime(e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateRuntimeException("the JMSContext is closed");
        }
    }

    synchronized JmsSession session() {
        checkOpen();
        if (session == null) {
            session = rt(() -> newSession(connection, sessionMode));
        }
        return session;
    }

    /** Makes this context's session on {@code c} (an ordinary session; the XA context makes an XA session). */
    JmsSession newSession(JmsConnection c, int mode) throws JMSException {
        return (JmsSession) c.createSession(mode);
    }

    synchronized JmsMessageProducer producer() {
        if (producer == null) {
            producer = rt(() -> (JmsMessageProducer) session().createProducer(null));
        }
        return producer;
    }

    private void autoStart() {
        if (autoStart) {
            rt(() -> {
                connection.start();
                return null;
            });
        }
    }

    @Override
    public JMSContext createContext(int mode) {
        checkOpen();
        checkSessionMode(mode);
        connectionUsers.incrementAndGet();
        return new JmsContextImpl(connection, connectionUsers, mode);
    }

    @Override
    public JMSProducer createProducer() {
        checkOpen();
        return new JmsProducerImpl(this);
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
    public void close() {
        JmsSession s;
        synchronized (this) {
            if (closed) {
                return;
            }
            s = session;
        }
        if (s != null && (s.isDispatcherThread() || s.isCompletionThread())) {
            throw new IllegalStateRuntimeException("a listener must not close its own JMSContext");
        }
        synchronized (this) {
            closed = true;
        }
        rt(() -> {
            try {
                if (s != null) {
                    s.close(); // may throw a failure of sends that did not wait: the connection closes anyway
                }
            } finally {
                if (connectionUsers.decrementAndGet() == 0) {
                    connection.close();
                }
            }
            return null;
        });
    }

    @Override
    public BytesMessage createBytesMessage() {
        return rt(() -> session().createBytesMessage());
    }

    @Override
    public MapMessage createMapMessage() {
        return rt(() -> session().createMapMessage());
    }

    @Override
    public Message createMessage() {
        return rt(() -> session().createMessage());
    }

    @Override
    public ObjectMessage createObjectMessage() {
        return rt(() -> session().createObjectMessage());
    }

    @Override
    public ObjectMessage createObjectMessage(Serializable object) {
        return rt(() -> session().createObjectMessage(object));
    }

    @Override
    public StreamMessage createStreamMessage() {
        return rt(() -> session().createStreamMessage());
    }

    @Override
    public TextMessage createTextMessage() {
        return rt(() -> session().createTextMessage());
    }

    @Override
    public TextMessage createTextMessage(String text) {
        return rt(() -> session().createTextMessage(text));
    }

    @Override
    public boolean getTransacted() {
        return rt(() -> session().getTransacted());
    }

    @Override
    public int getSessionMode() {
        checkOpen();
        return sessionMode;
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

    private JMSConsumer consumer(JmsCall<jakarta.jms.MessageConsumer> create) {
        JmsConsumerImpl c = new JmsConsumerImpl((JmsMessageConsumer) rt(create));
        autoStart();
        return c;
    }

    @Override
    public JMSConsumer createConsumer(Destination destination) {
        return consumer(() -> session().createConsumer(destination));
    }

    @Override
    public JMSConsumer createConsumer(Destination destination, String messageSelector) {
        return consumer(() -> session().createConsumer(destination, messageSelector));
    }

    @Override
    public JMSConsumer createConsumer(Destination destination, String messageSelector, boolean noLocal) {
        return consumer(() -> session().createConsumer(destination, messageSelector, noLocal));
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
        return consumer(() -> session().createDurableConsumer(topic, name));
    }

    @Override
    public JMSConsumer createDurableConsumer(Topic topic, String name, String messageSelector, boolean noLocal) {
        return consumer(() -> session().createDurableConsumer(topic, name, messageSelector, noLocal));
    }

    @Override
    public JMSConsumer createSharedDurableConsumer(Topic topic, String name) {
        return consumer(() -> session().createSharedDurableConsumer(topic, name));
    }

    @Override
    public JMSConsumer createSharedDurableConsumer(Topic topic, String name, String messageSelector) {
        return consumer(() -> session().createSharedDurableConsumer(topic, name, messageSelector));
    }

    @Override
    public JMSConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName) {
        return consumer(() -> session().createSharedConsumer(topic, sharedSubscriptionName));
    }

    @Override
    public JMSConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName, String messageSelector) {
        return consumer(() -> session().createSharedConsumer(topic, sharedSubscriptionName, messageSelector));
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
        return rt(() -> session().createTemporaryQueue());
    }

    @Override
    public TemporaryTopic createTemporaryTopic() {
        return rt(() -> session().createTemporaryTopic());
    }

    @Override
    public void unsubscribe(String name) {
        rt(() -> {
            session().unsubscribe(name);
            return null;
        });
    }

    /** Acknowledges everything this context's session consumed (CLIENT_ACKNOWLEDGE); otherwise does nothing. */
    @Override
    public void acknowledge() {
        JmsSession s = session();
        rt(() -> {
            s.ackPolicy().acknowledgeSession();
            return null;
        });
    }
}
