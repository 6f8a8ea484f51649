package io.streambus.jms.ra;

import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.transaction.xa.XAResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The StreamBus resource adapter (Jakarta Connectors 2.1): lifecycle, message-driven bean activations and crash
 * recovery. A serializable JavaBean; its config properties ({@code BrokerURL}, {@code User}, {@code Password},
 * {@code ClientID}, {@code ConnectionProperties}, {@code SetupAttempts}, {@code SetupInterval}) are the defaults that
 * connection definitions and activation specs override with the values they set.
 *
 * <p>Thread-safety: configure it before {@link #start}; the lifecycle and activation methods are thread-safe.
 */
public class StreamBusResourceAdapter implements ResourceAdapter, Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(StreamBusResourceAdapter.class);
    /** At most this many outbound connection settings are remembered for recovery. */
    private static final int MAX_KNOWN_SETTINGS = 64;

    private String brokerURL = "streambus://127.0.0.1:9092";
    private String user;
    private String password;
    private String clientID;
    private String connectionProperties;
    private Integer setupAttempts = -1;
    private Long setupInterval = 2000L;

    private transient volatile WorkManager workManager;
    private transient Map<ActivationKey, Activation> activations = new ConcurrentHashMap<>();
    /** Connection settings of the outbound connection definitions (their XA branches need recovery too). */
    private transient Map<String, ConnectionSettings> outboundSettings = new ConcurrentHashMap<>();
    private transient List<RecoveryXAResource> recoveryResources = new ArrayList<>();

    /** Identifies an activation by the very objects the server passed (JCA: deactivation passes the same ones). */
    private record ActivationKey(MessageEndpointFactory factory, ActivationSpec spec) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ActivationKey k && k.factory == factory && k.spec == spec;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(factory) * 31 + System.identityHashCode(spec);
        }
    }

    private Object readResolve() {
        activations = new ConcurrentHashMap<>();
        outboundSettings = new ConcurrentHashMap<>();
        recoveryResources = new ArrayList<>();
        return this;
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void start(BootstrapContext ctx) throws ResourceAdapterInternalException {
        if (ctx == null || ctx.getWorkManager() == null) {
            throw new ResourceAdapterInternalException("the StreamBus resource adapter needs the server's WorkManager");
        }
        try {
            connectionSettings().xaFactory(Map.of()); // validates the URL and properties now, not at first use
        } catch (IllegalArgumentException e) {
            throw new ResourceAdapterInternalException("invalid StreamBus resource adapter configuration: "
                    + e.getMessage(), e);
        }
        this.workManager = ctx.getWorkManager();
        LOG.info("StreamBus resource adapter started ({})", connectionSettings());
    }

    @Override
    public void stop() {
        List<Activation> all = new ArrayList<>(activations.values());
        activations.clear();
        // Every activation stops taking messages first; then all wait for their deliveries within one deadline.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
                Activation.STOP_TIMEOUT_MS);
        Map<Activation, Activation.Detached> stopping = new LinkedHashMap<>();
        for (Activation a : all) {
            Activation.Detached d = a.beginStop();
            if (d != null) {
                stopping.put(a, d);
            }
        }
        stopping.forEach((a, d) -> a.finishStop(d, deadline));
        synchronized (this) {
            recoveryResources.forEach(RecoveryXAResource::close);
            recoveryResources.clear();
        }
        workManager = null;
        LOG.info("StreamBus resource adapter stopped ({} activation(s) ended)", all.size());
    }

    // ---------------------------------------------------------------- inbound

    @Override
    public void endpointActivation(MessageEndpointFactory factory, ActivationSpec spec) throws ResourceException {
        WorkManager wm = workManager;
        if (wm == null) {
            throw new ResourceAdapterInternalException("the StreamBus resource adapter is not started");
        }
        if (!(spec instanceof StreamBusActivationSpec s)) {
            throw new NotSupportedException("not a StreamBus activation spec: "
                    + (spec == null ? null : spec.getClass().getName()));
        }
        s.validate();
        StreamBusActivationSpec snapshot = s.snapshot();
        try {
            // A malformed URL or unknown setting would fail every setup attempt: refuse it now.
            connectionSettings().overriddenBy(snapshot.connectionSettings()).xaFactory(snapshot.providerSettings());
        } catch (IllegalArgumentException e) {
            throw new jakarta.resource.spi.InvalidPropertyException("invalid StreamBus connection settings for "
                    + snapshot + ": " + e.getMessage());
        }
        Activation a;
        try {
            a = new Activation(wm, factory, snapshot, connectionSettings().overriddenBy(snapshot.connectionSettings()),
                    snapshot.getSetupAttempts() != null ? snapshot.getSetupAttempts() : getSetupAttempts(),
                    snapshot.getSetupInterval() != null ? snapshot.getSetupInterval() : getSetupInterval());
        } catch (NoSuchMethodException e) {
            throw new ResourceAdapterInternalException(e);
        }
        if (activations.putIfAbsent(new ActivationKey(factory, spec), a) != null) {
            throw new ResourceException("this endpoint is already activated with this activation spec");
        }
        try {
            a.start();
        } catch (WorkException e) {
            activations.remove(new ActivationKey(factory, spec));
            throw new ResourceAdapterInternalException("the WorkManager refused the activation's setup", e);
        }
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory factory, ActivationSpec spec) {
        Activation a = activations.remove(new ActivationKey(factory, spec));
        if (a != null) {
            a.stop();
        }
    }

    /** The activations running now (tests and diagnostics). */
    List<Activation> activations() {
        return List.copyOf(activations.values());
    }

    // ---------------------------------------------------------------- recovery

    /**
     * XAResources for the server's crash recovery: one per distinct broker/credentials among the given activation
     * specs, this adapter's own settings and those of the connection definitions associated with it. Each opens a
     * fresh connection for a scan and closes it at {@code TMENDRSCAN} (see {@link RecoveryXAResource}).
     */
    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) throws ResourceException {
        Map<String, ConnectionSettings> distinct = new LinkedHashMap<>();
        ConnectionSettings base = connectionSettings().withoutClientID();
        distinct.put(base.recoveryKey(), base);
        outboundSettings.values().forEach(cs -> distinct.putIfAbsent(cs.recoveryKey(), cs));
        if (specs != null) {
            for (ActivationSpec spec : specs) {
                if (spec instanceof StreamBusActivationSpec s) {
                    ConnectionSettings cs = connectionSettings().overriddenBy(s.connectionSettings()).withoutClientID();
                    distinct.putIfAbsent(cs.recoveryKey(), cs);
                }
            }
        }
        List<XAResource> out = new ArrayList<>();
        for (ConnectionSettings cs : distinct.values()) {
            try {
                RecoveryXAResource r = new RecoveryXAResource(cs.xaFactory(Map.of()));
                out.add(r);
                synchronized (this) {
                    recoveryResources.add(r);
                    if (recoveryResources.size() > MAX_KNOWN_SETTINGS) {
                        recoveryResources.remove(0).close(); // keep the list bounded; scans close themselves
                    }
                }
            } catch (IllegalArgumentException e) {
                LOG.warn("no recovery for {}: {}", cs, LogText.of(e));
            }
        }
        return out.toArray(new XAResource[0]);
    }

    /** A connection definition associated with this adapter: its branches are recovered too. */
    void outboundConnectionSettings(ConnectionSettings settings) {
        ConnectionSettings cs = settings.withoutClientID();
        if (outboundSettings.size() < MAX_KNOWN_SETTINGS) {
            outboundSettings.putIfAbsent(cs.recoveryKey(), cs);
        }
    }

    // ---------------------------------------------------------------- config properties

    /** The adapter-level connection settings. */
    ConnectionSettings connectionSettings() {
        return new ConnectionSettings(brokerURL, user, password, clientID, connectionProperties);
    }

    /** {@code streambus://host:port[,host:port...][?param=value&...]}; default {@code streambus://127.0.0.1:9092}. */
    public String getBrokerURL() {
        return brokerURL;
    }

    public void setBrokerURL(String brokerURL) {
        this.brokerURL = brokerURL;
    }

    /** SASL user of the adapter's connections (none by default). */
    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    /** Client id of the activations' connections (unique in the JVM: one activation can use it at a time). */
    public String getClientID() {
        return clientID;
    }

    public void setClientID(String clientID) {
        this.clientID = clientID;
    }

    /** Provider settings, {@code name=value} pairs separated by {@code ;} (as StreamBusConnectionFactory.setProperty). */
    public String getConnectionProperties() {
        return connectionProperties;
    }

    public void setConnectionProperties(String connectionProperties) {
        this.connectionProperties = connectionProperties;
    }

    /** Connection attempts of an activation before it gives up; -1 (default) = for ever. */
    public Integer getSetupAttempts() {
        return setupAttempts;
    }

    public void setSetupAttempts(Integer setupAttempts) {
        this.setupAttempts = setupAttempts == null ? -1 : setupAttempts;
    }

    /** Milliseconds between an activation's connection attempts (default 2000). */
    public Long getSetupInterval() {
        return setupInterval;
    }

    public void setSetupInterval(Long setupInterval) {
        this.setupInterval = setupInterval == null ? 2000L : setupInterval;
    }

    @Override
    public String toString() {
        return "StreamBusResourceAdapter[" + connectionSettings() + "]";
    }
}
