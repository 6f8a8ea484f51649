package io.streambus.jms.ra;

import jakarta.jms.JMSException;
import jakarta.jms.Session;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.IllegalStateException;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionMetaData;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import javax.security.auth.Subject;
import javax.transaction.xa.XAResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pooled physical connection: one StreamBus XA connection with one XA session, whose XAResource the server enlists
 * in global transactions ({@link #getXAResource()}); a transacted session is opened on demand for the server's local
 * transactions ({@link #getLocalTransaction()}). The application sees it through connection handles
 * ({@link StreamBusRaConnection}); closing a handle sends {@code CONNECTION_CLOSED}, a failure of the physical
 * connection (the provider's ExceptionListener) {@code CONNECTION_ERROR_OCCURRED}, so that the server drops it.
 *
 * <p>Thread-safety: the server uses a managed connection from one thread at a time; event delivery and the state
 * flags are thread-safe.
 */
public class StreamBusManagedConnection implements ManagedConnection {
    private static final Logger LOG = LoggerFactory.getLogger(StreamBusManagedConnection.class);

    /** Which transaction the connection's sessions work in. */
    enum TransactionMode { NONE, XA, LOCAL }

    private final StreamBusManagedConnectionFactory factory;
    private final StreamBusConnectionRequestInfo credentials;
    private final XAConnection physical;
    private final XASession xaSession;
    private final ManagedXAResource xaResource;
    private final ManagedLocalTransaction localTransaction = new ManagedLocalTransaction(this);
    private final Set<StreamBusRaConnection> handles = ConcurrentHashMap.newKeySet();
    private final List<ConnectionEventListener> listeners = new CopyOnWriteArrayList<>();
    private Session localSession;
    private volatile TransactionMode mode = TransactionMode.NONE;
    private volatile boolean broken;
    private volatile boolean destroyed;
    private PrintWriter logWriter;

    StreamBusManagedConnection(StreamBusManagedConnectionFactory factory, StreamBusConnectionRequestInfo credentials,
                               XAConnection physical) throws JMSException {
        this.factory = factory;
        this.credentials = credentials;
        this.physical = physical;
        this.xaSession = physical.createXASession();
        this.xaResource = new ManagedXAResource(xaSession.getXAResource(), this);
        physical.setExceptionListener(this::connectionFailed);
    }

    StreamBusManagedConnectionFactory factory() {
        return factory;
    }

    StreamBusConnectionRequestInfo credentials() {
        return credentials;
    }

    /** Neither broken nor destroyed: the pool may hand it out. */
    boolean isUsable() {
        return !broken && !destroyed;
    }

    XAConnection physical() {
        return physical;
    }

    TransactionMode mode() {
        return mode;
    }

    /** The session handles work on now: the transacted one during a local transaction, else the XA session. */
    Session currentSession() throws JMSException {
        if (destroyed) {
            throw new jakarta.jms.IllegalStateException("the managed connection is destroyed");
        }
        return mode == TransactionMode.LOCAL ? localSession() : xaSession;
    }

    // ---------------------------------------------------------------- transactions

    void xaAssociated(boolean associated) {
        if (associated) {
            mode = TransactionMode.XA;
        } else if (mode == TransactionMode.XA) {
            mode = TransactionMode.NONE;
        }
    }

    synchronized Session localSession() throws JMSException {
        if (localSession == null) {
            localSession = physical.createSession(true, Session.SESSION_TRANSACTED);
        }
        return localSession;
    }

    void localTransactionBegun() throws JMSException {
        localSession();
        mode = TransactionMode.LOCAL;
    }

    void localTransactionEnded() {
        mode = TransactionMode.NONE;
    }

    @Override
    public XAResource getXAResource() throws ResourceException {
        checkNotDestroyed();
        return xaResource;
    }

    @Override
    public LocalTransaction getLocalTransaction() throws ResourceException {
        checkNotDestroyed();
        return localTransaction;
    }

    // ---------------------------------------------------------------- handles

    @Override
    public Object getConnection(Subject subject, ConnectionRequestInfo cri) throws ResourceException {
        checkNotDestroyed();
        StreamBusRaConnection h = new StreamBusRaConnection(this);
        handles.add(h);
        return h;
    }

    @Override
    public void associateConnection(Object connection) throws ResourceException {
        checkNotDestroyed();
        if (!(connection instanceof StreamBusRaConnection h)) {
            throw new ResourceException("not a StreamBus connection handle: " + connection);
        }
        StreamBusManagedConnection old = h.associate(this);
        if (old != null && old != this) {
            old.handles.remove(h);
        }
        handles.add(h);
    }

    /** A handle was closed by the application: tells the server, which may return this connection to its pool. */
    void handleClosed(StreamBusRaConnection h) {
        handles.remove(h);
        fire(ConnectionEvent.CONNECTION_CLOSED, null, h, ConnectionEventListener::connectionClosed);
    }

    private void connectionFailed(JMSException e) {
        if (destroyed || broken) {
            return;
        }
        broken = true;
        LOG.warn("StreamBus managed connection failed, the server drops it: {}", LogText.of(e));
        fire(ConnectionEvent.CONNECTION_ERROR_OCCURRED, e, null, ConnectionEventListener::connectionErrorOccurred);
    }

    private void fire(int type, Exception e, Object handle, BiConsumer<ConnectionEventListener, ConnectionEvent> call) {
        ConnectionEvent event = e == null ? new ConnectionEvent(this, type) : new ConnectionEvent(this, type, e);
        if (handle != null) {
            event.setConnectionHandle(handle);
        }
        for (ConnectionEventListener l : listeners) {
            call.accept(l, event);
        }
    }

    /**
     * Back to the pool: every handle is invalidated (its sessions, consumers, producers and temporary destinations
     * are closed), an open local transaction is rolled back. The physical connection and XA session stay.
     */
    @Override
    public void cleanup() throws ResourceException {
        for (StreamBusRaConnection h : List.copyOf(handles)) {
            h.invalidate();
        }
        handles.clear();
        Session local;
        synchronized (this) {
            local = localSession;
        }
        if (mode == TransactionMode.LOCAL && local != null) {
            try {
                local.rollback();
            } catch (JMSException e) {
                LOG.debug("rolling back an abandoned local transaction: {}", LogText.of(e));
            }
        }
        if (mode == TransactionMode.LOCAL) {
            mode = TransactionMode.NONE;
        }
    }

    @Override
    public void destroy() throws ResourceException {
        if (destroyed) {
            return;
        }
        try {
            cleanup();
        } finally {
            destroyed = true;
            try {
                physical.close();
            } catch (JMSException e) {
                LOG.debug("closing a destroyed managed connection: {}", LogText.of(e));
            }
        }
    }

    private void checkNotDestroyed() throws IllegalStateException {
        if (destroyed) {
            throw new IllegalStateException("the StreamBus managed connection is destroyed");
        }
    }

    @Override
    public void addConnectionEventListener(ConnectionEventListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeConnectionEventListener(ConnectionEventListener listener) {
        listeners.remove(listener);
    }

    @Override
    public ManagedConnectionMetaData getMetaData() throws ResourceException {
        checkNotDestroyed();
        String product;
        String version;
        try {
            product = physical.getMetaData().getJMSProviderName();
            version = physical.getMetaData().getProviderVersion();
        } catch (JMSException e) {
            product = "StreamBus";
            version = "unknown";
        }
        String eisProduct = product;
        String eisVersion = version;
        String userName = credentials.user() != null ? credentials.user() : factory.settings().user();
        return new ManagedConnectionMetaData() {
            @Override
            public String getEISProductName() {
                return eisProduct;
            }

            @Override
            public String getEISProductVersion() {
                return eisVersion;
            }

            @Override
            public int getMaxConnections() {
                return 0; // no limit
            }

            @Override
            public String getUserName() {
                return userName;
            }
        };
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public String toString() {
        return "StreamBusManagedConnection[" + factory.settings() + ", handles " + handles.size() + "]";
    }
}
