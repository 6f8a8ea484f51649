package io.streambus.jms.ra;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionConsumer;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.Destination;
import jakarta.jms.ExceptionListener;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueSession;
import jakarta.jms.ServerSessionPool;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.Topic;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicSession;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection an application gets from the adapter's connection factory: a handle on a pooled
 * {@link StreamBusManagedConnection}. It follows the Jakarta Messaging rules for the Jakarta EE web and EJB
 * containers (JMS 3.1 §12.2): one session at a time (a second active session is refused with
 * {@link IllegalStateException}); {@code setClientID}, {@code setExceptionListener}, {@code stop} and the connection
 * consumer methods throw {@link IllegalStateException}. {@code close()} closes the session with its consumers,
 * producers and temporary destinations, and hands the physical connection back to the server's pool.
 *
 * <p>Thread-safety: as a JMS connection used by one component; {@code close()} may come from any thread.
 */
public class StreamBusRaConnection implements Connection, QueueConnection, TopicConnection {
    private static final Logger LOG = LoggerFactory.getLogger(StreamBusRaConnection.class);

    private volatile StreamBusManagedConnection managed;
    private volatile boolean closed;
    private StreamBusRaSession session;
    private final List<Destination> temporaries = new ArrayList<>();

    StreamBusRaConnection(StreamBusManagedConnection managed) {
        this.managed = managed;
    }

    /** Moves the handle to another managed connection (the server's connection sharing); returns the old one. */
    StreamBusManagedConnection associate(StreamBusManagedConnection target) {
        StreamBusManagedConnection old = managed;
        managed = target;
        return old;
    }

    StreamBusManagedConnection managed() throws JMSException {
        checkOpen();
        return managed;
    }

    private void checkOpen() throws IllegalStateException {
        if (closed) {
            throw new IllegalStateException("the connection is closed");
        }
    }

    private static IllegalStateException notInContainer(String what) {
        return new IllegalStateException(what + " is not allowed for a connection of a Jakarta EE server's "
                + "connection factory (Jakarta Messaging 3.1 section 12.2)");
    }

    // ---------------------------------------------------------------- sessions

    private synchronized StreamBusRaSession newSession() throws JMSException {
        checkOpen();
        if (session != null && !session.isClosed()) {
            throw new IllegalStateException("a connection of a Jakarta EE server's connection factory has one "
                    + "active session at a time (Jakarta Messaging 3.1 section 12.2); close the other one first");
        }
        session = new StreamBusRaSession(this);
        return session;
    }

    /**
     * A session. In a JTA transaction the arguments are ignored and the session works in the transaction; outside one
     * it is non-transacted and auto-acknowledged (the choice JMS 3.1 recommends for every argument combination).
     */
    @Override
    public Session createSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return newSession();
    }

    @Override
    public Session createSession(int sessionMode) throws JMSException {
        return newSession();
    }

    @Override
    public Session createSession() throws JMSException {
        return newSession();
    }

    @Override
    public QueueSession createQueueSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return newSession();
    }

    @Override
    public TopicSession createTopicSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return newSession();
    }

    synchronized void temporaryCreated(Destination d) {
        temporaries.add(d);
    }

    // ---------------------------------------------------------------- connection

    @Override
    public String getClientID() throws JMSException {
        return managed().physical().getClientID();
    }

    @Override
    public void setClientID(String clientID) throws JMSException {
        checkOpen();
        throw notInContainer("setClientID");
    }

    @Override
    public ConnectionMetaData getMetaData() throws JMSException {
        return managed().physical().getMetaData();
    }

    @Override
    public ExceptionListener getExceptionListener() throws JMSException {
        checkOpen();
        return null;
    }

    @Override
    public void setExceptionListener(ExceptionListener listener) throws JMSException {
        checkOpen();
        throw notInContainer("setExceptionListener");
    }

    @Override
    public void start() throws JMSException {
        managed().physical().start();
    }

    @Override
    public void stop() throws JMSException {
        checkOpen();
        throw notInContainer("stop");
    }

    /** Closes the session and temporary destinations and returns the physical connection to the pool. */
    @Override
    public void close() throws JMSException {
        StreamBusManagedConnection mc;
        synchronized (this) {
            if (closed) {
                return;
            }
            release();
            closed = true;
            mc = managed;
        }
        mc.handleClosed(this);
    }

    /** The server's cleanup: like {@link #close()} without telling the server. */
    synchronized void invalidate() {
        if (!closed) {
            release();
            closed = true;
        }
    }

    private void release() {
        if (session != null) {
            session.closeQuietly();
            session = null;
        }
        for (Destination d : temporaries) {
            try {
                if (d instanceof TemporaryQueue q) {
                    q.delete();
                } else if (d instanceof TemporaryTopic t) {
                    t.delete();
                }
            } catch (JMSException | RuntimeException e) {
                LOG.debug("deleting temporary destination {}: {}", d, LogText.of(e));
            }
        }
        temporaries.clear();
    }

    boolean isClosed() {
        return closed;
    }

    // ---------------------------------------------------------------- not in a container

    @Override
    public ConnectionConsumer createConnectionConsumer(Destination destination, String messageSelector,
                                                       ServerSessionPool sessionPool, int maxMessages)
            throws JMSException {
        throw notInContainer("createConnectionConsumer");
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(Queue queue, String messageSelector,
                                                       ServerSessionPool sessionPool, int maxMessages)
            throws JMSException {
        throw notInContainer("createConnectionConsumer");
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(Topic topic, String messageSelector,
                                                       ServerSessionPool sessionPool, int maxMessages)
            throws JMSException {
        throw notInContainer("createConnectionConsumer");
    }

    @Override
    public ConnectionConsumer createSharedConnectionConsumer(Topic topic, String subscriptionName,
                                                             String messageSelector, ServerSessionPool sessionPool,
                                                             int maxMessages) throws JMSException {
        throw notInContainer("createSharedConnectionConsumer");
    }

    @Override
    public ConnectionConsumer createDurableConnectionConsumer(Topic topic, String subscriptionName,
                                                              String messageSelector, ServerSessionPool sessionPool,
                                                              int maxMessages) throws JMSException {
        throw notInContainer("createDurableConnectionConsumer");
    }

    @Override
    public ConnectionConsumer createSharedDurableConnectionConsumer(Topic topic, String subscriptionName,
                                                                    String messageSelector,
                                                                    ServerSessionPool sessionPool, int maxMessages)
            throws JMSException {
        throw notInContainer("createSharedDurableConnectionConsumer");
    }

    @Override
    public String toString() {
        return "StreamBusRaConnection[" + (closed ? "closed" : managed) + "]";
    }
}
