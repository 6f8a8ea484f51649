package io.streambus.jms.ra;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a message-driven bean receives from StreamBus: the activation spec of the {@code jakarta.jms.MessageListener}
 * message listener. A serializable JavaBean the server fills from the bean's activation config properties (names
 * as in Artemis' resource adapter; the server may capitalise the first letter). {@link #validate()} checks them.
 * Not thread-safe while being configured; the adapter only reads it afterwards (see {@link #snapshot}).
 */
public class StreamBusActivationSpec implements ActivationSpec, ResourceAdapterAssociation, Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(StreamBusActivationSpec.class);
    /** Legacy properties already reported (each is logged once per JVM; the set holds at most ten names). */
    private static final Set<String> IGNORED_LOGGED = ConcurrentHashMap.newKeySet();

    /** The default number of parallel consumer sessions (Artemis' default). */
    public static final int DEFAULT_MAX_SESSION = 15;
    /** The default prefetch of the activation's consumers: small, so that parallel sessions share a queue. */
    public static final int DEFAULT_PREFETCH = 10;

    private String destination;
    private String destinationLookup;
    private String destinationType = DestinationKind.QUEUE.typeName();
    private String messageSelector;
    private String acknowledgeMode = "Auto-acknowledge";
    private String subscriptionDurability = "NonDurable";
    private String subscriptionName;
    private String clientId;
    private Boolean shareSubscriptions = Boolean.FALSE;
    private Integer maxSession = DEFAULT_MAX_SESSION;
    private String queueMode;
    private Integer maxDeliveryAttempts;
    private String deadLetterQueue;
    private Integer prefetch = DEFAULT_PREFETCH;
    private String brokerURL;
    private String user;
    private String password;
    private String connectionProperties;
    private Integer setupAttempts;
    private Long setupInterval;
    private transient ResourceAdapter resourceAdapter;

    /** The kinds of destination an activation consumes. */
    enum DestinationKind {
        QUEUE("jakarta.jms.Queue"), TOPIC("jakarta.jms.Topic");

        private final String typeName;

        DestinationKind(String typeName) {
            this.typeName = typeName;
        }

        String typeName() {
            return typeName;
        }

        /** The kind for a {@code destinationType} value ({@code javax.jms.*} accepted too), or null. */
        static DestinationKind of(String type) {
            if (type == null) {
                return null;
            }
            return switch (type.trim()) {
                case "jakarta.jms.Queue", "javax.jms.Queue" -> QUEUE;
                case "jakarta.jms.Topic", "javax.jms.Topic" -> TOPIC;
                default -> null;
            };
        }
    }

    // ---------------------------------------------------------------- validation

    @Override
    public void validate() throws InvalidPropertyException {
        if (blank(destination) && blank(destinationLookup)) {
            throw new InvalidPropertyException("the activation needs 'destination' (a StreamBus topic name) or "
                    + "'destinationLookup' (the JNDI name of a Queue or Topic)");
        }
        DestinationKind kind = DestinationKind.of(destinationType);
        if (kind == null) {
            throw new InvalidPropertyException("destinationType must be 'jakarta.jms.Queue' or 'jakarta.jms.Topic', "
                    + "got '" + destinationType + "'");
        }
        if (ackMode(acknowledgeMode) == null) {
            throw new InvalidPropertyException("acknowledgeMode must be 'Auto-acknowledge' or 'Dups-ok-acknowledge' "
                    + "(also AUTO_ACKNOWLEDGE, DUPS_OK_ACKNOWLEDGE; any case), got '" + acknowledgeMode + "'");
        }
        Boolean durable = durable(subscriptionDurability);
        if (durable == null) {
            throw new InvalidPropertyException("subscriptionDurability must be 'Durable' or 'NonDurable', got '"
                    + subscriptionDurability + "'");
        }
        if (durable && kind == DestinationKind.TOPIC && blank(subscriptionName)) {
            throw new InvalidPropertyException("a durable topic subscription needs 'subscriptionName'");
        }
        if (maxSession == null || maxSession < 1) {
            throw new InvalidPropertyException("maxSession must be at least 1, got " + maxSession);
        }
        if (prefetch == null || prefetch < 1) {
            throw new InvalidPropertyException("prefetch must be at least 1, got " + prefetch);
        }
        if (maxDeliveryAttempts != null && (maxDeliveryAttempts < 0 || maxDeliveryAttempts > 1000)) {
            throw new InvalidPropertyException("maxDeliveryAttempts must be 1-1000 (0 = the queue's setting), got "
                    + maxDeliveryAttempts);
        }
        if (queueMode != null && !Set.of("auto", "share", "group").contains(queueMode.trim().toLowerCase(Locale.ROOT))) {
            throw new InvalidPropertyException("queueMode must be auto, share or group, got '" + queueMode + "'");
        }
        if (setupAttempts != null && setupAttempts < -1) {
            throw new InvalidPropertyException("setupAttempts must be -1 (for ever) or at least 0, got "
                    + setupAttempts);
        }
        if (setupInterval != null && setupInterval < 0) {
            throw new InvalidPropertyException("setupInterval must be at least 0 ms, got " + setupInterval);
        }
        try {
            ConnectionSettings.parseProperties(connectionProperties);
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException(e.getMessage());
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** {@code jakarta.jms.Session.AUTO_ACKNOWLEDGE} or {@code DUPS_OK_ACKNOWLEDGE} for a mode name, or null. */
    static Integer ackMode(String mode) {
        if (mode == null) {
            return null;
        }
        return switch (mode.trim().toUpperCase(Locale.ROOT).replace('-', '_')) {
            case "AUTO_ACKNOWLEDGE" -> jakarta.jms.Session.AUTO_ACKNOWLEDGE;
            case "DUPS_OK_ACKNOWLEDGE" -> jakarta.jms.Session.DUPS_OK_ACKNOWLEDGE;
            default -> null;
        };
    }

    /** True for {@code Durable}, false for {@code NonDurable} (any case, {@code Non-Durable} too), else null. */
    static Boolean durable(String durability) {
        if (durability == null) {
            return Boolean.FALSE;
        }
        return switch (durability.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "")) {
            case "durable" -> Boolean.TRUE;
            case "nondurable", "" -> Boolean.FALSE;
            default -> null;
        };
    }

    /** The destination kind of a valid spec. */
    DestinationKind destinationKind() {
        return DestinationKind.of(destinationType);
    }

    boolean isDurable() {
        return Boolean.TRUE.equals(durable(subscriptionDurability));
    }

    /** The connection settings this spec overrides (null values keep the adapter's). */
    ConnectionSettings connectionSettings() {
        return new ConnectionSettings(brokerURL, user, password, clientId, connectionProperties);
    }

    /** Provider settings of the activation's connection factory, applied after the connection settings. */
    Map<String, String> providerSettings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("prefetch", String.valueOf(prefetch));
        if (queueMode != null) {
            m.put("queueMode", queueMode.trim().toLowerCase(Locale.ROOT));
        }
        if (maxDeliveryAttempts != null && maxDeliveryAttempts > 0) {
            m.put("maxDeliveryAttempts", String.valueOf(maxDeliveryAttempts));
        }
        if (!blank(deadLetterQueue)) {
            m.put("deadLetterQueue", deadLetterQueue.trim());
        }
        return m;
    }

    /** A copy taken at activation, so that later changes to this bean do not reach a running activation. */
    StreamBusActivationSpec snapshot() {
        StreamBusActivationSpec s = new StreamBusActivationSpec();
        s.destination = destination;
        s.destinationLookup = destinationLookup;
        s.destinationType = destinationType;
        s.messageSelector = messageSelector;
        s.acknowledgeMode = acknowledgeMode;
        s.subscriptionDurability = subscriptionDurability;
        s.subscriptionName = subscriptionName;
        s.clientId = clientId;
        s.shareSubscriptions = shareSubscriptions;
        s.maxSession = maxSession;
        s.queueMode = queueMode;
        s.maxDeliveryAttempts = maxDeliveryAttempts;
        s.deadLetterQueue = deadLetterQueue;
        s.prefetch = prefetch;
        s.brokerURL = brokerURL;
        s.user = user;
        s.password = password;
        s.connectionProperties = connectionProperties;
        s.setupAttempts = setupAttempts;
        s.setupInterval = setupInterval;
        s.resourceAdapter = resourceAdapter;
        return s;
    }

    // ---------------------------------------------------------------- ResourceAdapterAssociation

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter ra) throws ResourceException {
        this.resourceAdapter = ra;
    }

    // ---------------------------------------------------------------- properties

    /** The StreamBus topic to consume (mandatory unless {@code destinationLookup} is set). */
    public String getDestination() {
        return destination;
    }

    public void setDestination(String destination) {
        this.destination = destination;
    }

    /** JNDI name of a {@code jakarta.jms.Queue} or {@code Topic} to consume; wins over {@code destination}. */
    public String getDestinationLookup() {
        return destinationLookup;
    }

    public void setDestinationLookup(String destinationLookup) {
        this.destinationLookup = destinationLookup;
    }

    /** {@code jakarta.jms.Queue} (default) or {@code jakarta.jms.Topic}. */
    public String getDestinationType() {
        return destinationType;
    }

    public void setDestinationType(String destinationType) {
        this.destinationType = destinationType;
    }

    /** A JMS message selector, or null for all messages. */
    public String getMessageSelector() {
        return messageSelector;
    }

    public void setMessageSelector(String messageSelector) {
        this.messageSelector = messageSelector == null || messageSelector.isBlank() ? null : messageSelector;
    }

    /** {@code Auto-acknowledge} (default) or {@code Dups-ok-acknowledge}; only used for non-transacted delivery. */
    public String getAcknowledgeMode() {
        return acknowledgeMode;
    }

    public void setAcknowledgeMode(String acknowledgeMode) {
        this.acknowledgeMode = acknowledgeMode;
    }

    /** {@code NonDurable} (default) or {@code Durable} (topics). */
    public String getSubscriptionDurability() {
        return subscriptionDurability;
    }

    public void setSubscriptionDurability(String subscriptionDurability) {
        this.subscriptionDurability = subscriptionDurability;
    }

    /** The subscription name of a topic activation (required when durable). */
    public String getSubscriptionName() {
        return subscriptionName;
    }

    public void setSubscriptionName(String subscriptionName) {
        this.subscriptionName = subscriptionName;
    }

    /** The activation connection's client id (overrides the adapter's {@code ClientID}). */
    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    /** Alias of {@link #setClientId} (the adapter-level spelling). */
    public void setClientID(String clientId) {
        setClientId(clientId);
    }

    /**
     * Whether activations of several applications (or servers) share one topic subscription. The sessions of one
     * activation always share theirs.
     */
    public Boolean getShareSubscriptions() {
        return shareSubscriptions;
    }

    public void setShareSubscriptions(Boolean shareSubscriptions) {
        this.shareSubscriptions = shareSubscriptions != null && shareSubscriptions;
    }

    /** Parallel consumer sessions (default 15). */
    public Integer getMaxSession() {
        return maxSession;
    }

    public void setMaxSession(Integer maxSession) {
        this.maxSession = maxSession;
    }

    /** {@code auto}, {@code share} or {@code group}, as the provider's {@code queueMode}; null keeps its setting. */
    public String getQueueMode() {
        return queueMode;
    }

    public void setQueueMode(String queueMode) {
        this.queueMode = queueMode == null || queueMode.isBlank() ? null : queueMode;
    }

    /** Share-group queues: deliveries of a message at most before it is dead-lettered (1-1000; null/0 = unset). */
    public Integer getMaxDeliveryAttempts() {
        return maxDeliveryAttempts;
    }

    public void setMaxDeliveryAttempts(Integer maxDeliveryAttempts) {
        this.maxDeliveryAttempts = maxDeliveryAttempts;
    }

    /** Share-group queues: the dead-letter queue ({@code {queue}} stands for the queue's name). */
    public String getDeadLetterQueue() {
        return deadLetterQueue;
    }

    public void setDeadLetterQueue(String deadLetterQueue) {
        this.deadLetterQueue = deadLetterQueue;
    }

    /** Messages each consumer session fetches ahead (default 10; share-group messages stay locked meanwhile). */
    public Integer getPrefetch() {
        return prefetch;
    }

    public void setPrefetch(Integer prefetch) {
        this.prefetch = prefetch;
    }

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

    /** Alias of {@link #setUser} (Artemis' spelling). */
    public void setUserName(String user) {
        setUser(user);
    }

    /** Overrides the adapter's {@code Password}. */
    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    /** Overrides the adapter's {@code ConnectionProperties} ({@code k=v;k2=v2}). */
    public String getConnectionProperties() {
        return connectionProperties;
    }

    public void setConnectionProperties(String connectionProperties) {
        this.connectionProperties = connectionProperties;
    }

    /** Connection attempts before the activation gives up (-1 = for ever); null keeps the adapter's. */
    public Integer getSetupAttempts() {
        return setupAttempts;
    }

    public void setSetupAttempts(Integer setupAttempts) {
        this.setupAttempts = setupAttempts;
    }

    /** Milliseconds between connection attempts; null keeps the adapter's. */
    public Long getSetupInterval() {
        return setupInterval;
    }

    public void setSetupInterval(Long setupInterval) {
        this.setupInterval = setupInterval;
    }

    // ---------------------------------------------------------------- ignored legacy properties (Artemis, HornetQ)

    private static void ignored(String name, Object value) {
        if (IGNORED_LOGGED.add(name)) {
            LOG.info("activation property '{}' (= {}) is accepted for compatibility and ignored by StreamBus", name,
                    value);
        }
    }

    /** Ignored (dead-lettering is the broker's: see {@code maxDeliveryAttempts}, {@code deadLetterQueue}). */
    public void setUseDLQ(Boolean value) {
        ignored("useDLQ", value);
    }

    /** Ignored (see {@code deadLetterQueue}). */
    public void setDLQJNDIName(String value) {
        ignored("DLQJNDIName", value);
    }

    /** Ignored. */
    public void setDLQHandler(String value) {
        ignored("DLQHandler", value);
    }

    /** Ignored (see {@code maxDeliveryAttempts}). */
    public void setDLQMaxResent(Integer value) {
        ignored("DLQMaxResent", value);
    }

    /** Ignored (sessions are opened up to {@code maxSession} at once). */
    public void setMinSession(Integer value) {
        ignored("minSession", value);
    }

    /** Ignored (one message per delivery). */
    public void setMaxMessages(Integer value) {
        ignored("maxMessages", value);
    }

    /** Ignored. */
    public void setKeepAlive(Boolean value) {
        ignored("keepAlive", value);
    }

    /** Ignored. */
    public void setKeepAliveMillis(Long value) {
        ignored("keepAliveMillis", value);
    }

    /** Ignored (see {@code setupInterval}). */
    public void setReconnectInterval(Long value) {
        ignored("reconnectInterval", value);
    }

    /** Ignored. */
    public void setProviderAdapterJNDI(String value) {
        ignored("providerAdapterJNDI", value);
    }

    @Override
    public String toString() {
        return "StreamBusActivationSpec[destination=" + destination + ", destinationLookup=" + destinationLookup
                + ", destinationType=" + destinationType + ", selector=" + messageSelector + ", durability="
                + subscriptionDurability + ", subscriptionName=" + subscriptionName + ", maxSession=" + maxSession
                + "]";
    }
}
