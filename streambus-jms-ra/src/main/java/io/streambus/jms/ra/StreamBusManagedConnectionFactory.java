package io.streambus.jms.ra;

import io.streambus.jms.StreamBusXAConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.XAConnection;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;
import jakarta.resource.spi.TransactionSupport;
import jakarta.resource.spi.ValidatingManagedConnectionFactory;
import jakarta.resource.spi.security.PasswordCredential;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.security.auth.Subject;

/**
 * An outbound connection definition: makes the managed connections (one StreamBus XA connection each) that the
 * server pools, and the connection factories ({@link StreamBusRaConnectionFactory}) applications look up. Config
 * properties {@code BrokerURL}, {@code User}, {@code Password}, {@code ClientID}, {@code ConnectionProperties}
 * override the resource adapter's when set; {@code SessionDefaultType} ({@code jakarta.jms.Queue} or
 * {@code jakarta.jms.Topic}) is accepted for compatibility with Artemis' adapter (every handle is both a queue and a
 * topic connection). Transaction support: XA (which implies local and none).
 *
 * <p>Equality follows the config properties, as the Connectors specification requires. Thread-safety: configure
 * first; creating and matching connections is thread-safe.
 */
public class StreamBusManagedConnectionFactory implements ManagedConnectionFactory, ResourceAdapterAssociation,
        ValidatingManagedConnectionFactory, TransactionSupport {
    private static final long serialVersionUID = 1L;

    private String brokerURL;
    private String user;
    private String password;
    private String clientID;
    private String connectionProperties;
    private String sessionDefaultType = "jakarta.jms.Queue";
    private transient StreamBusResourceAdapter resourceAdapter;
    private transient PrintWriter logWriter;

    // ---------------------------------------------------------------- factories

    @Override
    public Object createConnectionFactory(ConnectionManager cm) throws ResourceException {
        return new StreamBusRaConnectionFactory(this, cm);
    }

    /** A factory for use outside a server: no pooling, no transaction enlistment. */
    @Override
    public Object createConnectionFactory() throws ResourceException {
        return new StreamBusRaConnectionFactory(this, new UnmanagedConnectionManager());
    }

    /** The settings in effect: the adapter's, overridden by those this definition sets. */
    ConnectionSettings settings() {
        ConnectionSettings own = new ConnectionSettings(brokerURL, user, password, clientID, connectionProperties);
        return resourceAdapter == null ? own : resourceAdapter.connectionSettings().overriddenBy(own);
    }

    @Override
    public ManagedConnection createManagedConnection(Subject subject, ConnectionRequestInfo cri)
            throws ResourceException {
        StreamBusConnectionRequestInfo credentials = credentials(subject, cri);
        if (resourceAdapter != null) {
            resourceAdapter.outboundConnectionSettings(settings()); // the final settings, for recovery
        }
        StreamBusXAConnectionFactory f;
        try {
            f = settings().xaFactory(Map.of());
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException("invalid StreamBus connection definition: " + e.getMessage());
        }
        XAConnection c;
        try {
            c = credentials.user() == null ? f.createXAConnection()
                    : f.createXAConnection(credentials.user(), credentials.password());
        } catch (JMSException e) {
            throw new ResourceException("cannot connect to StreamBus (" + settings() + "): " + e.getMessage(), e);
        }
        try {
            return new StreamBusManagedConnection(this, credentials, c);
        } catch (JMSException e) {
            try {
                c.close();
            } catch (JMSException ignored) {
                // already failing
            }
            throw new ResourceException("cannot open the XA session: " + e.getMessage(), e);
        }
    }

    /**
     * The credentials: the container's (Subject), else the application's (createConnection(user, pw)), else none.
     * A container credential with a blank user name counts as none: Payara/GlassFish pass one when the pool has no
     * principal configured.
     */
    private StreamBusConnectionRequestInfo credentials(Subject subject, ConnectionRequestInfo cri) {
        if (subject != null) {
            for (PasswordCredential pc : subject.getPrivateCredentials(PasswordCredential.class)) {
                if (pc.getUserName() != null && !pc.getUserName().isBlank()
                        && (pc.getManagedConnectionFactory() == null || equals(pc.getManagedConnectionFactory()))) {
                    return new StreamBusConnectionRequestInfo(pc.getUserName(), new String(pc.getPassword()));
                }
            }
        }
        if (cri instanceof StreamBusConnectionRequestInfo r) {
            return r;
        }
        return new StreamBusConnectionRequestInfo(null, null);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ManagedConnection matchManagedConnections(Set candidates, Subject subject, ConnectionRequestInfo cri) {
        StreamBusConnectionRequestInfo wanted = credentials(subject, cri);
        for (Object o : candidates) {
            if (o instanceof StreamBusManagedConnection mc && mc.factory() == this && mc.isUsable()
                    && mc.credentials().equals(wanted)) {
                return mc;
            }
        }
        return null;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Set getInvalidConnections(Set connections) {
        Set invalid = new HashSet<>();
        for (Object o : connections) {
            if (o instanceof StreamBusManagedConnection mc && !mc.isUsable()) {
                invalid.add(mc);
            }
        }
        return invalid;
    }

    @Override
    public TransactionSupportLevel getTransactionSupport() {
        return TransactionSupportLevel.XATransaction;
    }

    // ---------------------------------------------------------------- association, logging

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter ra) throws ResourceException {
        if (!(ra instanceof StreamBusResourceAdapter s)) {
            throw new ResourceException("not the StreamBus resource adapter: " + ra);
        }
        this.resourceAdapter = s;
        s.outboundConnectionSettings(settings());
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    // ---------------------------------------------------------------- config properties

    /** Overrides the adapter's {@code BrokerURL}. */
    public String getBrokerURL() {
        return brokerURL;
    }

    public void setBrokerURL(String brokerURL) {
        this.brokerURL = brokerURL;
    }

    /** Overrides the adapter's {@code User}. */
    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    /** Overrides the adapter's {@code Password}. */
    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    /**
     * The connections' client id. Client ids are unique in the JVM, so a pool with one holds at most one connection
     * at a time (a second fails with InvalidClientIDException).
     */
    public String getClientID() {
        return clientID;
    }

    public void setClientID(String clientID) {
        this.clientID = clientID;
    }

    /** Overrides the adapter's {@code ConnectionProperties} ({@code k=v;k2=v2}). */
    public String getConnectionProperties() {
        return connectionProperties;
    }

    public void setConnectionProperties(String connectionProperties) {
        this.connectionProperties = connectionProperties;
    }

    /** {@code jakarta.jms.Queue} (default) or {@code jakarta.jms.Topic}; informational (see the class comment). */
    public String getSessionDefaultType() {
        return sessionDefaultType;
    }

    /**
     * @throws IllegalArgumentException for anything but a Queue or Topic type ({@code Queue}/{@code Topic} and the
     *                                  {@code javax.jms} names are accepted)
     */
    public void setSessionDefaultType(String type) {
        String t = type == null ? "" : type.trim();
        String simple = t.substring(t.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        this.sessionDefaultType = switch (simple) {
            case "queue" -> "jakarta.jms.Queue";
            case "topic" -> "jakarta.jms.Topic";
            default -> throw new IllegalArgumentException("SessionDefaultType must be jakarta.jms.Queue or "
                    + "jakarta.jms.Topic, got '" + type + "'");
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamBusManagedConnectionFactory f && Objects.equals(brokerURL, f.brokerURL)
                && Objects.equals(user, f.user) && Objects.equals(password, f.password)
                && Objects.equals(clientID, f.clientID) && Objects.equals(connectionProperties, f.connectionProperties)
                && Objects.equals(sessionDefaultType, f.sessionDefaultType);
    }

    @Override
    public int hashCode() {
        return Objects.hash(brokerURL, user, clientID, connectionProperties, sessionDefaultType);
    }

    @Override
    public String toString() {
        return "StreamBusManagedConnectionFactory[" + settings() + "]";
    }
}
