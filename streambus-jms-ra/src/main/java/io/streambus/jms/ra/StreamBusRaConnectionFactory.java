package io.streambus.jms.ra;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueConnectionFactory;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicConnectionFactory;
import jakarta.resource.Referenceable;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import java.io.Serializable;
import javax.naming.Reference;

/**
 * The connection factory applications look up ({@code connectionfactory-impl-class} of the three connection
 * definitions): every connection is a handle ({@link StreamBusRaConnection}) the server's {@link ConnectionManager}
 * allocates, from its pool and enlisted in the caller's JTA transaction. {@link #createContext} gives a
 * {@link JMSContext} over such a handle. Serializable and {@link Referenceable}, as the Connectors specification
 * requires for binding in JNDI. Thread-safe.
 */
public class StreamBusRaConnectionFactory implements ConnectionFactory, QueueConnectionFactory,
        TopicConnectionFactory, Referenceable, Serializable {
    private static final long serialVersionUID = 1L;

    private final StreamBusManagedConnectionFactory mcf;
    private final ConnectionManager connectionManager;
    private Reference reference;

    StreamBusRaConnectionFactory(StreamBusManagedConnectionFactory mcf, ConnectionManager connectionManager) {
        this.mcf = mcf;
        this.connectionManager = connectionManager;
    }

    private StreamBusRaConnection allocate(String user, String password) throws JMSException {
        try {
            return (StreamBusRaConnection) connectionManager.allocateConnection(mcf,
                    new StreamBusConnectionRequestInfo(user, password));
        } catch (ResourceException e) {
            JMSException j = e.getCause() instanceof JMSSecurityException s ? s
                    : new JMSException("cannot get a StreamBus connection: " + e.getMessage(), e.getErrorCode());
            if (j != e.getCause()) {
                j.setLinkedException(e);
                j.initCause(e);
            }
            throw j;
        }
    }

    @Override
    public Connection createConnection() throws JMSException {
        return allocate(null, null);
    }

    @Override
    public Connection createConnection(String userName, String password) throws JMSException {
        return allocate(userName, password);
    }

    @Override
    public QueueConnection createQueueConnection() throws JMSException {
        return allocate(null, null);
    }

    @Override
    public QueueConnection createQueueConnection(String userName, String password) throws JMSException {
        return allocate(userName, password);
    }

    @Override
    public TopicConnection createTopicConnection() throws JMSException {
        return allocate(null, null);
    }

    @Override
    public TopicConnection createTopicConnection(String userName, String password) throws JMSException {
        return allocate(userName, password);
    }

    @Override
    public JMSContext createContext() {
        return context(null, null, JMSContext.AUTO_ACKNOWLEDGE);
    }

    @Override
    public JMSContext createContext(String userName, String password) {
        return context(userName, password, JMSContext.AUTO_ACKNOWLEDGE);
    }

    @Override
    public JMSContext createContext(String userName, String password, int sessionMode) {
        return context(userName, password, sessionMode);
    }

    @Override
    public JMSContext createContext(int sessionMode) {
        return context(null, null, sessionMode);
    }

    /** A context over a new handle; the session mode is ignored as JMS 3.1 allows in a container (see the session). */
    private JMSContext context(String user, String password, int sessionMode) {
        try {
            StreamBusRaConnection c = allocate(user, password);
            return new StreamBusRaContext(c, sessionMode);
        } catch (JMSException e) {
            throw RuntimeExceptions.of(e);
        }
    }

    @Override
    public void setReference(Reference reference) {
        this.reference = reference;
    }

    @Override
    public Reference getReference() {
        return reference;
    }

    @Override
    public String toString() {
        return "StreamBusRaConnectionFactory[" + mcf + "]";
    }
}
