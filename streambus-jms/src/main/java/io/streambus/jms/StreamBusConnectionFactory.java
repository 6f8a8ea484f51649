package io.streambus.jms;

import io.streambus.client.ClientConfig;
import io.streambus.jms.internal.JmsConfig;
import io.streambus.jms.internal.JmsConnection;
import io.streambus.jms.internal.JmsContextImpl;
import io.streambus.jms.jndi.StreamBusObjectFactory;
import io.streambus.jms.message.DeserializationPolicy;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueConnectionFactory;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicConnectionFactory;
import java.io.Serializable;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.naming.Reference;
import javax.naming.Referenceable;
import javax.naming.StringRefAddr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JMS entry point: a {@link ConnectionFactory} for StreamBus brokers, also usable as a
 * {@link QueueConnectionFactory} and {@link TopicConnectionFactory}.
 *
 * <p>Configure it with JavaBean setters, with a URL, or with both:
 * <pre>{@code
 * ConnectionFactory cf = new StreamBusConnectionFactory("streambus://127.0.0.1:9092?clientID=orders-app");
 * }</pre>
 * URL parameters are either properties of this class (camelCase, e.g. {@code clientID}, {@code prefetch},
 * {@code objectMessageAllowList}) or StreamBus client configuration keys, which contain a dot (e.g.
 * {@code linger.ms}, {@code fetch.backoff.ms}, {@code sasl.mechanism}); those are handed to the client unchanged.
 * An unknown parameter is an error naming it.
 *
 * <p>Every connection gets its own StreamBus client (connection pool). The factory is serializable and
 * {@link Referenceable}, so it can be bound in JNDI. Thread-safety: configure it first, then share it; creating
 * connections from many threads at once is safe, changing settings while doing so is not.
 */
public class StreamBusConnectionFactory implements ConnectionFactory, QueueConnectionFactory, TopicConnectionFactory,
        Serializable, Referenceable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(StreamBusConnectionFactory.class);

    /** URL scheme accepted by {@link #setBrokerURL(String)}. */
    public static final String SCHEME = "streambus://";

    private String bootstrapServers = "127.0.0.1:9092";
    private String clientID;
    private String user;
    private String password;
    private String saslMechanism = "SCRAM-SHA-256";
    private String objectMessageAllowList = DeserializationPolicy.DEFAULT_PATTERN;
    private String objectMessageLimits = DeserializationPolicy.DEFAULT_LIMITS;
    private String groupPrefix = "jms";
    private long sendTimeout = 30_000;
    private long closeTimeout = 15_000;
    private long requestTimeout = 15_000;
    private int prefetch = 1000;
    private int dupsOkBatchSize = 200;
    private long dupsOkInterval = 100;
    private long healthCheckInterval = 1_000;
    private int defaultPartitions = 1;
    private int temporaryPartitions = 1;
    private String foreignRecordType = "bytes";
    private long pollInterval = 100;
    private String queueMode = "auto";
    private int maxDeliveryAttempts;
    private String deadLetterQueue = "";
    private boolean blockOnPersistentSend = true;
    private boolean blockOnNonPersistentSend;
    private int sendWindow = 1000;
    private boolean blockOnAcknowledge;
    /** Set once this factory has said which queue semantics its connections use (logged once per factory). */
    private transient AtomicBoolean queueModeLogged =
            new AtomicBoolean();
    private final Map<String, String> clientProperties = new LinkedHashMap<>();

    public StreamBusConnectionFactory() {
    }

    /**
     * @param brokerURL {@code streambus://host:port[,host:port...][?param=value&...]}
     * @throws IllegalArgumentException for a malformed URL or an unknown parameter
     */
    public StreamBusConnectionFactory(String brokerURL) {
        setBrokerURL(brokerURL);
    }

    /**
     * Configures from properties: the keys are the URL parameters (bean property names, client keys with dots) plus
     * {@code brokerURL}.
     *
     * @throws IllegalArgumentException for an unknown key or a bad value
     */
    public StreamBusConnectionFactory(Properties properties) {
        Map<String, String> m = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(k -> m.put(k, properties.getProperty(k)));
        String url = m.remove("brokerURL");
        if (url != null) {
            setBrokerURL(url);
        }
        m.forEach(this::setProperty);
    }

    // ---------------------------------------------------------------- URL and generic properties

    /**
     * Sets the brokers and any parameters from a URL; parameters not in the URL keep their values.
     *
     * @throws IllegalArgumentException for a malformed URL or an unknown parameter
     */
    public void setBrokerURL(String url) {
        if (url == null || !url.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw new IllegalArgumentException("a StreamBus broker URL starts with " + SCHEME + ", got: " + url);
        }
        String rest = url.substring(SCHEME.length());
        int q = rest.indexOf('?');
        String hosts = q < 0 ? rest : rest.substring(0, q);
        if (hosts.endsWith("/")) {
            hosts = hosts.substring(0, hosts.length() - 1);
        }
        if (hosts.isBlank()) {
            throw new IllegalArgumentException("the broker URL names no host:port: " + url);
        }
        setBootstrapServers(hosts);
        if (q >= 0 && q + 1 < rest.length()) {
            for (String pair : rest.substring(q + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("URL parameter '" + pair + "' has no value (name=value)");
                }
                setProperty(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            }
        }
    }

    /** The brokers and every setting that differs from the default, as a URL {@link #setBrokerURL} accepts. */
    public String getBrokerURL() {
        StringBuilder sb = new StringBuilder(SCHEME).append(bootstrapServers);
        char sep = '?';
        for (Map.Entry<String, String> e : toProperties(false).entrySet()) {
            sb.append(sep).append(encode(e.getKey())).append('=').append(encode(e.getValue()));
            sep = '&';
        }
        return sb.toString();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /**
     * Sets one setting by name: a property of this class or, if the name contains a dot, a StreamBus client key.
     *
     * @throws IllegalArgumentException for an unknown name or a value of the wrong type
     */
    public void setProperty(String name, String value) {
        if (name.indexOf('.') > 0) {
            if (name.equals(ClientConfig.BOOTSTRAP_SERVERS)) {
                setBootstrapServers(value);
            } else {
                clientProperties.put(name, value);
            }
            return;
        }
        try {
            switch (name) {
                case "brokerURL" -> setBrokerURL(value);
                case "bootstrapServers" -> setBootstrapServers(value);
                case "clientID", "clientId" -> setClientID(value);
                case "user", "userName", "username" -> setUser(value);
                case "password" -> setPassword(value);
                case "saslMechanism" -> setSaslMechanism(value);
                case "objectMessageAllowList" -> setObjectMessageAllowList(value);
                case "objectMessageLimits" -> setObjectMessageLimits(value);
                case "groupPrefix" -> setGroupPrefix(value);
                case "sendTimeout" -> setSendTimeout(Long.parseLong(value.trim()));
                case "closeTimeout" -> setCloseTimeout(Long.parseLong(value.trim()));
                case "requestTimeout" -> setRequestTimeout(Long.parseLong(value.trim()));
                case "prefetch" -> setPrefetch(Integer.parseInt(value.trim()));
                case "dupsOkBatchSize" -> setDupsOkBatchSize(Integer.parseInt(value.trim()));
                case "dupsOkInterval" -> setDupsOkInterval(Long.parseLong(value.trim()));
                case "healthCheckInterval" -> setHealthCheckInterval(Long.parseLong(value.trim()));
                case "defaultPartitions" -> setDefaultPartitions(Integer.parseInt(value.trim()));
                case "temporaryPartitions" -> setTemporaryPartitions(Integer.parseInt(value.trim()));
                case "foreignRecordType" -> setForeignRecordType(value);
                case "pollInterval" -> setPollInterval(Long.parseLong(value.trim()));
                case "queueMode" -> setQueueMode(value);
                case "maxDeliveryAttempts" -> setMaxDeliveryAttempts(Integer.parseInt(value.trim()));
                case "deadLetterQueue" -> setDeadLetterQueue(value);
                case "blockOnPersistentSend", "blockOnDurableSend" -> setBlockOnPersistentSend(bool(name, value));
                case "blockOnNonPersistentSend", "blockOnNonDurableSend" ->
                        setBlockOnNonPersistentSend(bool(name, value));
                case "sendWindow" -> setSendWindow(Integer.parseInt(value.trim()));
                case "blockOnAcknowledge" -> setBlockOnAcknowledge(bool(name, value));
                default -> throw new IllegalArgumentException("unknown StreamBus JMS setting '" + name
                        + "' (settings: see StreamBusConnectionFactory; StreamBus client keys contain a dot)");
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting '" + name + "' needs a number, got '" + value + "'", e);
        }
    }

    private static boolean bool(String name, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("setting '" + name + "' needs true or false, got '" + value + "'");
        }
        return v.equals("true");
    }

    /**
     * Every setting as name/value strings (the inverse of {@link #setProperty}).
     *
     * @param all true for every setting, false for those that differ from the defaults
     */
    public Map<String, String> toProperties(boolean all) {
        StreamBusConnectionFactory d = all ? null : new StreamBusConnectionFactory();
        Map<String, String> m = new LinkedHashMap<>();
        put(m, d, "clientID", clientID, d == null ? null : d.clientID);
        put(m, d, "user", user, d == null ? null : d.user);
        put(m, d, "password", password, d == null ? null : d.password);
        put(m, d, "saslMechanism", saslMechanism, d == null ? null : d.saslMechanism);
        put(m, d, "objectMessageAllowList", objectMessageAllowList, d == null ? null : d.objectMessageAllowList);
        put(m, d, "objectMessageLimits", objectMessageLimits, d == null ? null : d.objectMessageLimits);
        put(m, d, "groupPrefix", groupPrefix, d == null ? null : d.groupPrefix);
        put(m, d, "sendTimeout", sendTimeout, d == null ? null : d.sendTimeout);
        put(m, d, "closeTimeout", closeTimeout, d == null ? null : d.closeTimeout);
        put(m, d, "requestTimeout", requestTimeout, d == null ? null : d.requestTimeout);
        put(m, d, "prefetch", prefetch, d == null ? null : d.prefetch);
        put(m, d, "dupsOkBatchSize", dupsOkBatchSize, d == null ? null : d.dupsOkBatchSize);
        put(m, d, "dupsOkInterval", dupsOkInterval, d == null ? null : d.dupsOkInterval);
        put(m, d, "healthCheckInterval", healthCheckInterval, d == null ? null : d.healthCheckInterval);
        put(m, d, "defaultPartitions", defaultPartitions, d == null ? null : d.defaultPartitions);
        put(m, d, "temporaryPartitions", temporaryPartitions, d == null ? null : d.temporaryPartitions);
        put(m, d, "foreignRecordType", foreignRecordType, d == null ? null : d.foreignRecordType);
        put(m, d, "pollInterval", pollInterval, d == null ? null : d.pollInterval);
        put(m, d, "queueMode", queueMode, d == null ? null : d.queueMode);
        put(m, d, "maxDeliveryAttempts", maxDeliveryAttempts, d == null ? null : d.maxDeliveryAttempts);
        put(m, d, "deadLetterQueue", deadLetterQueue, d == null ? null : d.deadLetterQueue);
        put(m, d, "blockOnPersistentSend", blockOnPersistentSend, d == null ? null : d.blockOnPersistentSend);
        put(m, d, "blockOnNonPersistentSend", blockOnNonPersistentSend,
                d == null ? null : d.blockOnNonPersistentSend);
        put(m, d, "sendWindow", sendWindow, d == null ? null : d.sendWindow);
        put(m, d, "blockOnAcknowledge", blockOnAcknowledge, d == null ? null : d.blockOnAcknowledge);
        m.putAll(clientProperties);
        return m;
    }

    private static void put(Map<String, String> m, Object defaults, String name, Object value, Object dflt) {
        if (value != null && (defaults == null || !value.equals(dflt))) {
            m.put(name, String.valueOf(value));
        }
    }

    // ---------------------------------------------------------------- bean properties

    public String getBootstrapServers() {
        return bootstrapServers;
    }

    /** Comma-separated {@code host:port} list of brokers. */
    public void setBootstrapServers(String bootstrapServers) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers must name at least one host:port");
        }
        this.bootstrapServers = bootstrapServers.trim();
    }

    public String getClientID() {
        return clientID;
    }

    /**
     * An administratively configured client id for every connection of this factory; such connections refuse
     * {@code setClientID} (JMS 3.1 §6.1.2). Leave unset (the default) to let applications set it.
     */
    public void setClientID(String clientID) {
        this.clientID = clientID == null || clientID.isEmpty() ? null : clientID;
    }

    public String getUser() {
        return user;
    }

    /** SASL user name for {@link #createConnection()}; {@code createConnection(user, password)} overrides it. */
    public void setUser(String user) {
        this.user = user == null || user.isEmpty() ? null : user;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password == null || password.isEmpty() ? null : password;
    }

    public String getSaslMechanism() {
        return saslMechanism;
    }

    /** SASL mechanism used when a user is given: PLAIN, SCRAM-SHA-256 (default) or SCRAM-SHA-512. */
    public void setSaslMechanism(String saslMechanism) {
        String m = saslMechanism.trim().toUpperCase(Locale.ROOT);
        if (!m.equals("PLAIN") && !m.equals("SCRAM-SHA-256") && !m.equals("SCRAM-SHA-512")) {
            throw new IllegalArgumentException("saslMechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, got "
                    + saslMechanism);
        }
        this.saslMechanism = m;
    }

    public String getObjectMessageAllowList() {
        return objectMessageAllowList;
    }

    /**
     * Classes {@code ObjectMessage.getObject()} may deserialize, as an {@link java.io.ObjectInputFilter} pattern
     * ({@code com.acme.*;com.acme.model.**}); everything else is refused. Default
     * {@value DeserializationPolicy#DEFAULT_PATTERN}. {@code *} allows everything (unsafe with untrusted senders).
     */
    public void setObjectMessageAllowList(String pattern) {
        new DeserializationPolicy(pattern); // validates
        this.objectMessageAllowList = pattern;
    }

    public String getObjectMessageLimits() {
        return objectMessageLimits;
    }

    /**
     * Limits on the stream {@code ObjectMessage.getObject()} reads: {@code maxdepth=N;maxrefs=N;maxbytes=N;maxarray=N}
     * (names left out keep their default). Default {@value DeserializationPolicy#DEFAULT_LIMITS}. They refuse
     * denial-of-service payloads built from allowed classes, such as deeply nested {@code HashSet}s.
     *
     * @throws IllegalArgumentException for an unknown name or a value that is not a positive number
     */
    public void setObjectMessageLimits(String limits) {
        new DeserializationPolicy(objectMessageAllowList, limits); // validates
        this.objectMessageLimits = limits;
    }

    public String getGroupPrefix() {
        return groupPrefix;
    }

    /** Prefix of the consumer groups behind queues and subscriptions (default {@code jms}, see MAPPING.md). */
    public void setGroupPrefix(String groupPrefix) {
        if (groupPrefix == null || groupPrefix.isEmpty() || groupPrefix.length() > 200) {
            throw new IllegalArgumentException("groupPrefix must be 1 to 200 characters");
        }
        this.groupPrefix = groupPrefix;
    }

    public long getSendTimeout() {
        return sendTimeout;
    }

    /**
     * Milliseconds a blocking send waits for the broker's acknowledgement, and a send that does not block waits for
     * room in a full {@link #setSendWindow send window} (default 30000).
     */
    public void setSendTimeout(long sendTimeout) {
        this.sendTimeout = positive("sendTimeout", sendTimeout);
    }

    public long getCloseTimeout() {
        return closeTimeout;
    }

    /** Milliseconds close() and stop() wait for a running message listener to return (default 15000). */
    public void setCloseTimeout(long closeTimeout) {
        this.closeTimeout = positive("closeTimeout", closeTimeout);
    }

    public long getRequestTimeout() {
        return requestTimeout;
    }

    /** Milliseconds administrative requests and offset commits may take (default 15000). */
    public void setRequestTimeout(long requestTimeout) {
        this.requestTimeout = positive("requestTimeout", requestTimeout);
    }

    public int getPrefetch() {
        return prefetch;
    }

    /** Records a consumer buffers ahead of delivery (default 1000). */
    public void setPrefetch(int prefetch) {
        this.prefetch = (int) positive("prefetch", prefetch);
    }

    public int getDupsOkBatchSize() {
        return dupsOkBatchSize;
    }

    /** DUPS_OK_ACKNOWLEDGE sessions commit after this many deliveries (default 200) ... */
    public void setDupsOkBatchSize(int dupsOkBatchSize) {
        this.dupsOkBatchSize = (int) positive("dupsOkBatchSize", dupsOkBatchSize);
    }

    public long getDupsOkInterval() {
        return dupsOkInterval;
    }

    /** ... or this many milliseconds after the first uncommitted delivery (default 100). */
    public void setDupsOkInterval(long dupsOkInterval) {
        this.dupsOkInterval = positive("dupsOkInterval", dupsOkInterval);
    }

    public long getHealthCheckInterval() {
        return healthCheckInterval;
    }

    /**
     * Milliseconds between transport probes of an idle connection; a failed probe calls the connection's
     * ExceptionListener (once per outage). 0 disables probing. Default 1000.
     */
    public void setHealthCheckInterval(long healthCheckInterval) {
        if (healthCheckInterval < 0) {
            throw new IllegalArgumentException("healthCheckInterval must be >= 0");
        }
        this.healthCheckInterval = healthCheckInterval;
    }

    public int getDefaultPartitions() {
        return defaultPartitions;
    }

    /** Partitions of a topic created when a consumer subscribes to a topic that does not exist yet (default 1). */
    public void setDefaultPartitions(int defaultPartitions) {
        this.defaultPartitions = (int) positive("defaultPartitions", defaultPartitions);
    }

    public int getTemporaryPartitions() {
        return temporaryPartitions;
    }

    /** Partitions of temporary queues and topics (default 1). */
    public void setTemporaryPartitions(int temporaryPartitions) {
        this.temporaryPartitions = (int) positive("temporaryPartitions", temporaryPartitions);
    }

    public String getForeignRecordType() {
        return foreignRecordType;
    }

    /**
     * Message type for records not written by a JMS client (no JMS headers): {@code bytes} (default, a
     * BytesMessage) or {@code text} (a TextMessage decoding the value as UTF-8).
     */
    public void setForeignRecordType(String type) {
        String t = type.trim().toLowerCase(Locale.ROOT);
        if (!t.equals("bytes") && !t.equals("text")) {
            throw new IllegalArgumentException("foreignRecordType must be bytes or text, got " + type);
        }
        this.foreignRecordType = t;
    }

    public long getPollInterval() {
        return pollInterval;
    }

    /** Longest single wait of a consumer's fetch loop in milliseconds (default 100). */
    public void setPollInterval(long pollInterval) {
        this.pollInterval = positive("pollInterval", pollInterval);
    }

    public String getQueueMode() {
        return queueMode;
    }

    /**
     * How {@code Queue} consumers work: {@code auto} (default: share groups when the broker serves them, else
     * consumer groups; the factory logs once which applies), {@code share} (share groups, refused on a broker without
     * them) or {@code group} (consumer groups, parallelism = partitions). See MAPPING.md.
     */
    public void setQueueMode(String mode) {
        String m = mode.trim().toLowerCase(Locale.ROOT);
        if (!m.equals("auto") && !m.equals("share") && !m.equals("group")) {
            throw new IllegalArgumentException("queueMode must be auto, share or group, got " + mode);
        }
        this.queueMode = m;
    }

    public int getMaxDeliveryAttempts() {
        return maxDeliveryAttempts;
    }

    /**
     * Deliveries of a queue message at most before it goes to the dead-letter queue (share-group queues, 1 to 1000;
     * Artemis' {@code max-delivery-attempts}); applied to the queue's share group when a consumer is created. 0
     * (default) leaves the queue's setting as it is (the broker's default, 5, or what an administrator configured).
     */
    public void setMaxDeliveryAttempts(int attempts) {
        if (attempts < 0 || attempts > 1000) {
            throw new IllegalArgumentException("maxDeliveryAttempts must be 0 (unset) or 1 to 1000, got " + attempts);
        }
        this.maxDeliveryAttempts = attempts;
    }

    public String getDeadLetterQueue() {
        return deadLetterQueue;
    }

    /**
     * The dead-letter queue of share-group queues, {@code {queue}} standing for the queue's name (e.g.
     * {@code DLQ.{queue}}, or one {@code DLQ} for all); applied to the queue's share group when a consumer is created.
     * Empty (default) leaves the queue's setting as it is.
     */
    public void setDeadLetterQueue(String pattern) {
        this.deadLetterQueue = pattern == null ? "" : pattern.trim();
    }

    public boolean isBlockOnPersistentSend() {
        return blockOnPersistentSend;
    }

    /**
     * Whether a PERSISTENT send without CompletionListener returns only once the broker has acknowledged the record
     * (default true, Artemis' {@code blockOnDurableSend}; alias URL parameter {@code blockOnDurableSend}). With false
     * it returns once the record is queued in the client, as NON_PERSISTENT sends do by default: faster, but a failure
     * is reported later (the ExceptionListener, the session's next send or close), not by this {@code send}. See
     * MAPPING.md, "Sends".
     */
    public void setBlockOnPersistentSend(boolean block) {
        this.blockOnPersistentSend = block;
    }

    public boolean isBlockOnNonPersistentSend() {
        return blockOnNonPersistentSend;
    }

    /**
     * Whether a NON_PERSISTENT send without CompletionListener waits for the broker's acknowledgement (default false,
     * Artemis' {@code blockOnNonDurableSend}; alias URL parameter {@code blockOnNonDurableSend}): by default it
     * returns once the record is queued in the client, within the session's {@link #setSendWindow send window}.
     */
    public void setBlockOnNonPersistentSend(boolean block) {
        this.blockOnNonPersistentSend = block;
    }

    public int getSendWindow() {
        return sendWindow;
    }

    /**
     * Sends a session may have in flight that the broker has not confirmed yet: those that do not wait for the broker
     * and those with a CompletionListener (default 1000). When the window is full a send waits for room, at most
     * {@code sendTimeout} ms, then throws.
     */
    public void setSendWindow(int sendWindow) {
        this.sendWindow = (int) positive("sendWindow", sendWindow);
    }

    public boolean isBlockOnAcknowledge() {
        return blockOnAcknowledge;
    }

    /**
     * Whether AUTO_ACKNOWLEDGE on a consumer group (durable and shared durable subscriptions, queues in
     * {@code queueMode=group}) commits the consumer's position synchronously before {@code receive} (or the
     * listener's delivery) completes (Artemis' {@code blockOnAcknowledge}). Default false: the position is handed to
     * the consumer's fetcher thread, which commits it without the receiving thread waiting; after a crash the
     * messages whose commit had not landed are delivered again. A clean close commits and waits either way. See
     * MAPPING.md, "Acknowledgement".
     */
    public void setBlockOnAcknowledge(boolean block) {
        this.blockOnAcknowledge = block;
    }

    /** StreamBus client configuration passed to every connection's client (keys of {@code ClientConfig}). */
    public Map<String, String> getClientProperties() {
        return Map.copyOf(clientProperties);
    }

    public void setClientProperties(Map<String, String> properties) {
        clientProperties.clear();
        properties.forEach(this::setProperty);
    }

    private static long positive(String name, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + v);
        }
        return v;
    }

    // ---------------------------------------------------------------- connections

    /** Provider use: the settings snapshot for a new connection. */
    JmsConfig config(String userName, String pass) {
        Map<String, Object> cp = new LinkedHashMap<>(clientProperties);
        cp.put(ClientConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        if (userName != null) {
            cp.putIfAbsent(ClientConfig.SASL_MECHANISM, saslMechanism);
            cp.put(ClientConfig.SASL_USERNAME, userName);
            cp.put(ClientConfig.SASL_PASSWORD, pass == null ? "" : pass);
        }
        return new JmsConfig(cp, clientID, new DeserializationPolicy(objectMessageAllowList, objectMessageLimits),
                groupPrefix,
                sendTimeout, closeTimeout, requestTimeout, prefetch, dupsOkBatchSize, dupsOkInterval,
                healthCheckInterval, defaultPartitions, temporaryPartitions, foreignRecordType.equals("text"),
                pollInterval, new JmsConfig.QueueSettings(queueMode, maxDeliveryAttempts, deadLetterQueue),
                new JmsConfig.SendSettings(blockOnPersistentSend, blockOnNonPersistentSend, sendWindow),
                blockOnAcknowledge);
    }

    @Override
    public Connection createConnection() throws JMSException {
        return createConnection(user, password);
    }

    @Override
    public Connection createConnection(String userName, String pass) throws JMSException {
        return opened(JmsConnection.open(config(userName, pass)));
    }

    /** A new connection of this factory: says once per factory which queue semantics apply. */
    <C extends JmsConnection> C opened(C c) {
        if (queueModeLogged == null) {
            queueModeLogged = new AtomicBoolean(); // after deserialization
        }
        if (queueModeLogged.compareAndSet(false, true)) {
            LOG.info("StreamBus JMS ({}): {}", bootstrapServers, c.queueSemantics());
        }
        return c;
    }

    @Override
    public QueueConnection createQueueConnection() throws JMSException {
        return (QueueConnection) createConnection();
    }

    @Override
    public QueueConnection createQueueConnection(String userName, String pass) throws JMSException {
        return (QueueConnection) createConnection(userName, pass);
    }

    @Override
    public TopicConnection createTopicConnection() throws JMSException {
        return (TopicConnection) createConnection();
    }

    @Override
    public TopicConnection createTopicConnection(String userName, String pass) throws JMSException {
        return (TopicConnection) createConnection(userName, pass);
    }

    @Override
    public JMSContext createContext() {
        return createContext(user, password, JMSContext.AUTO_ACKNOWLEDGE);
    }

    @Override
    public JMSContext createContext(String userName, String pass) {
        return createContext(userName, pass, JMSContext.AUTO_ACKNOWLEDGE);
    }

    @Override
    public JMSContext createContext(String userName, String pass, int sessionMode) {
        JmsContextImpl.checkSessionMode(sessionMode);
        try {
            return JmsContextImpl.create((JmsConnection) createConnection(userName, pass), sessionMode);
        } catch (JMSException e) {
            throw JmsContextImpl.runtime(e);
        }
    }

    @Override
    public JMSContext createContext(int sessionMode) {
        return createContext(user, password, sessionMode);
    }

    // ---------------------------------------------------------------- JNDI

    @Override
    public Reference getReference() {
        Reference ref = new Reference(getClass().getName(),
                StreamBusObjectFactory.class.getName(), null);
        ref.add(new StringRefAddr("bootstrapServers", bootstrapServers));
        toProperties(false).forEach((k, v) -> ref.add(new StringRefAddr(k, v)));
        return ref;
    }

    @Override
    public String toString() {
        String url = getBrokerURL();
        return "StreamBusConnectionFactory[" + (password == null ? url : url.replace(encode(password), "****")) + "]";
    }
}
