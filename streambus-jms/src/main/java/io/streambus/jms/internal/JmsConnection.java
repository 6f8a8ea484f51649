package io.streambus.jms.internal;

import io.streambus.client.ClientConfig;
import io.streambus.client.StreamBusException;
import io.streambus.common.Header;
import io.streambus.common.TopicPartition;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.jms.StreamBusConnectionMetaData;
import io.streambus.jms.StreamBusDestination;
import io.streambus.jms.StreamBusTemporaryQueue;
import io.streambus.jms.StreamBusTemporaryTopic;
import io.streambus.jms.TemporaryDestinationOwner;
import io.streambus.protocol.ErrorCode;
import jakarta.jms.ConnectionConsumer;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.Destination;
import jakarta.jms.ExceptionListener;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueSession;
import jakarta.jms.ServerSessionPool;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JMS connection: one StreamBus client (connection pool, shared producer), its sessions, its temporary
 * destinations and its client id.
 *
 * <ul>
 * <li>The client id can be set once, right after creation (before a session is created or the connection is
 * started), unless the factory configured one; it must be unique in the JVM ({@link InvalidClientIDException}).
 * A cluster-wide check is not possible with StreamBus.</li>
 * <li>A probe (HealthCheck every {@code healthCheckInterval} ms) and the consumers' fetch errors drive the
 * {@link ExceptionListener}, called once per outage on the probe thread; so does the failure of a send that did not
 * wait for the broker (the first after each time the session reported one, see {@link SendWindow}).</li>
 * <li>{@link #stop()} pauses delivery and waits for running listeners; {@link #close()} waits (bounded) for the
 * sessions' unconfirmed sends, deletes the temporary destinations and closes the client; it throws, once closed, a
 * failure of such sends that nothing reported yet.</li>
 * </ul>
 * Thread-safe. {@link JmsXaConnection} adds the XA sessions.
 */
public class JmsConnection implements QueueConnection, TopicConnection, TemporaryDestinationOwner {
    private static final Logger LOG = LoggerFactory.getLogger(JmsConnection.class);
    /** Client ids in use in this JVM. */
    private static final Map<String, JmsConnection> CLIENT_IDS = new ConcurrentHashMap<>();
    private static final AtomicInteger TEMP_SEQ = new AtomicInteger();

    private final JmsConfig config;
    private final Transport transport;
    private final BrokerCapabilities capabilities;
    private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    /** Prefix of the JMSMessageIDs of this connection's sends. */
    private final String messageIdPrefix = "ID:" + id + "-";
    /** The record header naming this connection (noLocal), made once: every send carries it. */
    private final Header idHeader = MessageCodec.connectionIdHeader(id);
    private final java.util.concurrent.atomic.AtomicLong messageSeq = new java.util.concurrent.atomic.AtomicLong();
    private final SubscriptionManager subscriptions = new SubscriptionManager(this);
    private final List<JmsSession> sessions = new CopyOnWriteArrayList<>();
    private final List<JmsConnectionConsumer> connectionConsumers = new CopyOnWriteArrayList<>();
    private final Map<String, TemporaryQueueState> temporaries = new ConcurrentHashMap<>();
    private final Map<String, Long> knownTopics = new ConcurrentHashMap<>();
    private final ScheduledExecutorService monitor;
    private final AtomicBoolean failed = new AtomicBoolean();
    /** Decides when failed probes mean an outage; monitor thread only. */
    private final ProbePolicy probes = new ProbePolicy();
    private final Object lifecycle = new Object();

    private volatile String clientId;
    private final boolean adminClientId;
    private volatile boolean clientIdFrozen;
    private volatile boolean started;
    private volatile boolean closing;
    private volatile boolean closed;
    private volatile ExceptionListener exceptionListener;

    /** Makes the connection object once the transport is connected ({@link #open(JmsConfig, Maker)}). */
    @FunctionalInterface
    interface Maker<C extends JmsConnection> {
        C make(JmsConfig config, Transport transport, BrokerCapabilities capabilities) throws JMSException;
    }

    JmsConnection(JmsConfig config, Transport transport, BrokerCapabilities capabilities)
            throws JMSException {
        this.config = config;
        this.transport = transport;
        this.capabilities = capabilities;
        this.adminClientId = config.clientId() != null;
        if (adminClientId) {
            register(config.clientId());
            this.clientId = config.clientId();
            this.clientIdFrozen = true;
        }
        if (!capabilities.coreOnly() && !capabilities.preservesHeadersAndTimestamps()) {
            LOG.warn("the broker does not keep record headers: JMS header fields and properties will be lost");
        }
        this.monitor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "streambus-jms-connection-" + id);
            t.setDaemon(true);
            return t;
        });
        if (config.healthCheckIntervalMs() > 0) {
            monitor.scheduleWithFixedDelay(this::probe, config.healthCheckIntervalMs(),
                    config.healthCheckIntervalMs(), TimeUnit.MILLISECONDS);
        }
    }

    /** Connects (capability probe included) or fails with a JMSException naming the brokers. */
    public static JmsConnection open(JmsConfig config) throws JMSException {
        return open(config, JmsConnection::new);
    }

    /** {@link #open(JmsConfig)} making the connection object with {@code maker}. */
    static <C extends JmsConnection> C open(JmsConfig config, Maker<C> maker) throws JMSException {
        Transport transport;
        try {
            transport = StreamBusTransport.create(config.clientProperties());
        } catch (RuntimeException e) {
            throw Jms.jms("invalid StreamBus client configuration", e);
        }
        try {
            BrokerCapabilities caps = Jms.await(transport.admin().capabilities(), config.requestTimeoutMs(),
                    "connecting to " + config.clientProperties().get(ClientConfig.BOOTSTRAP_SERVERS));
            if (caps.supportsTransactions()) {
                transport.readCommittedByDefault(); // a transaction's sends reach JMS consumers once it commits
            }
            return maker.make(config, transport, caps);
        } catch (JMSException | RuntimeException e) {
            transport.close(Duration.ofMillis(config.closeTimeoutMs()));
            throw e instanceof JMSException j ? j : Jms.jms("connecting", e);
        }
    }

    String id() {
        return id;
    }

    /** {@link MessageCodec#connectionIdHeader} of {@link #id()}. */
    Header idHeader() {
        return idHeader;
    }

    JmsConfig config() {
        return config;
    }

    /**
     * A new JMSMessageID: {@code ID:<connection id>-<sequence>}, unique (the connection id is random) and increasing
     * in send order within the connection.
     */
    String nextMessageId() {
        return messageIdPrefix + messageSeq.incrementAndGet();
    }

    Transport transport() {
        return transport;
    }

    SubscriptionManager subscriptions() {
        return subscriptions;
    }

    /** What the broker offered when this connection was opened. */
    BrokerCapabilities capabilities() {
        return capabilities;
    }

    boolean isStarted() {
        return started && !closed;
    }

    boolean isClosing() {
        return closing;
    }

    void checkOpen() throws IllegalStateException {
        if (closed || closing) {
            throw new IllegalStateException("the connection is closed");
        }
    }

    /** Fails fast on a core-only broker, naming the missing capability (never after a timeout). */
    void requireGroups(String feature) throws JMSException {
        if (!capabilities.supportsGroups()) {
            throw new JMSException(feature + " need the " + BrokerCapabilities.CAP_GROUPS + " capability, which the "
                    + "broker does not offer (" + capabilities + "); on a core-only broker use topics with "
                    + "non-durable subscribers", BrokerCapabilities.CAP_GROUPS);
        }
    }

    boolean supportsGroups() {
        return capabilities.supportsGroups();
    }

    /**
     * True when queue consumers are share-group members: {@code queueMode=share}, or {@code auto} on a broker that
     * serves share groups.
     *
     * @throws JMSException (error code {@code share-groups}) for {@code queueMode=share} on a broker without them
     */
    boolean shareQueues() throws JMSException {
        switch (config.queues().mode()) {
            case "group":
                return false;
            case "share":
                if (!capabilities.supportsShareGroups()) {
                    throw new JMSException("queueMode=share needs the " + BrokerCapabilities.CAP_SHARE_GROUPS
                            + " capability, which the broker does not offer (" + capabilities + ")",
                            BrokerCapabilities.CAP_SHARE_GROUPS);
                }
                return true;
            default:
                return capabilities.supportsShareGroups();
        }
    }

    /** One line saying which queue semantics this connection's queue consumers get (logged once per factory). */
    public String queueSemantics() {
        String mode = config.queues().mode();
        if (mode.equals("group") || (mode.equals("auto") && !capabilities.supportsShareGroups())) {
            return "queues are consumer groups (" + config.groupPrefix() + ".q.<queue>): parallelism = partitions, "
                    + "selectors skip what they do not select, delivery counts kept by each consumer"
                    + (mode.equals("auto") ? " (the broker does not serve share groups)" : " (queueMode=group)");
        }
        return "queues are share groups (" + config.groupPrefix() + ".sq.<queue>): any number of consumers, "
                + "selectors as broker filters, broker delivery counts, dead-letter queues";
    }

    // ---------------------------------------------------------------- client id

    private void register(String cid) throws InvalidClientIDException {
        if (CLIENT_IDS.putIfAbsent(cid, this) != null) {
            throw new InvalidClientIDException("client id '" + cid + "' is already in use by another connection "
                    + "in this JVM");
        }
    }

    @Override
    public String getClientID() throws JMSException {
        checkOpen();
        return clientId;
    }

    /** The client id, also freezing it (subscriptions are named after it). */
    String clientIdForSubscriptions() {
        clientIdFrozen = true;
        return clientId;
    }

    @Override
    public void setClientID(String cid) throws JMSException {
        checkOpen();
        if (adminClientId) {
            throw new IllegalStateException("the client id '" + clientId + "' is configured on the connection "
                    + "factory and cannot be changed");
        }
        synchronized (lifecycle) {
            if (clientIdFrozen || clientId != null) {
                throw new IllegalStateException("the client id can only be set right after the connection is "
                        + "created, before it is used (JMS 3.1 §6.1.2)");
            }
            if (cid == null || cid.isEmpty()) {
                throw new InvalidClientIDException("the client id must not be null or empty");
            }
            register(cid);
            clientId = cid;
            clientIdFrozen = true;
        }
    }

    private void freezeClientId() {
        clientIdFrozen = true;
    }

    // ---------------------------------------------------------------- sessions

    @Override
    public Session createSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return createSession(transacted, acknowledgeMode, SessionDomain.UNIFIED);
    }

    private JmsSession createSession(boolean transacted, int acknowledgeMode, SessionDomain domain)
            throws JMSException {
        int mode = AckPolicy.sessionMode(transacted, acknowledgeMode);
        if (mode == Session.SESSION_TRANSACTED) {
            TransactedPolicy.requireTransactions(this); // never a silently non-atomic transaction
        }
        return addSession(() -> new JmsSession(this, mode, domain));
    }

    /** Creates a session of this connection with {@code maker} and keeps it (closed with the connection). */
    <S extends JmsSession> S addSession(java.util.function.Supplier<S> maker) throws JMSException {
        checkOpen();
        freezeClientId();
        S s = maker.get();
        sessions.add(s);
        if (closing) {
            sessions.remove(s);
            throw new IllegalStateException("the connection is closed");
        }
        return s;
    }

    @Override
    public Session createSession(int sessionMode) throws JMSException {
        return createSession(false, sessionMode); // AckPolicy.sessionMode: SESSION_TRANSACTED means transacted
    }

    @Override
    public Session createSession() throws JMSException {
        return createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    @Override
    public QueueSession createQueueSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return createSession(transacted, acknowledgeMode, SessionDomain.QUEUE);
    }

    @Override
    public TopicSession createTopicSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return createSession(transacted, acknowledgeMode, SessionDomain.TOPIC);
    }

    void sessionClosed(JmsSession s) {
        sessions.remove(s);
    }

    // ---------------------------------------------------------------- start / stop / close

    @Override
    public ConnectionMetaData getMetaData() throws JMSException {
        checkOpen();
        return StreamBusConnectionMetaData.INSTANCE;
    }

    @Override
    public ExceptionListener getExceptionListener() throws JMSException {
        checkOpen();
        return exceptionListener;
    }

    @Override
    public void setExceptionListener(ExceptionListener listener) throws JMSException {
        checkOpen();
        this.exceptionListener = listener;
    }

    @Override
    public void start() throws JMSException {
        checkOpen();
        freezeClientId();
        started = true;
        for (JmsSession s : sessions) {
            s.wakeDispatcher();
            for (JmsMessageConsumer c : s.consumers()) {
                c.signal();
            }
        }
    }

    @Override
    public void stop() throws JMSException {
        checkOpen();
        freezeClientId();
        for (JmsSession s : sessions) {
            if (s.isDispatcherThread() || s.isCompletionThread() || s.runner().isRunThread()) {
                throw new IllegalStateException("a MessageListener or CompletionListener must not stop its own "
                        + "connection (JMS 3.1 §6.1.5)");
            }
        }
        started = false;
        for (JmsSession s : sessions) {
            s.stopDelivery();
        }
        for (JmsConnectionConsumer cc : connectionConsumers) {
            cc.awaitIdle();
        }
    }

    @Override
    public void close() throws JMSException {
        synchronized (lifecycle) {
            if (closed || closing) {
                return;
            }
            for (JmsSession s : sessions) {
                if (s.isDispatcherThread() || s.isCompletionThread() || s.runner().isRunThread()) {
                    throw new IllegalStateException("a MessageListener or CompletionListener must not close its "
                            + "own connection (JMS 3.1 §6.1.8)");
                }
            }
            closing = true;
        }
        started = false;
        monitor.shutdownNow();
        for (JmsConnectionConsumer cc : new ArrayList<>(connectionConsumers)) {
            try {
                cc.close();
            } catch (JMSException | RuntimeException e) {
                LOG.warn("closing {}: {}", cc, e.toString());
            }
        }
        JMSException sendFailure = null;
        for (JmsSession s : new ArrayList<>(sessions)) {
            try {
                s.close();
            } catch (JMSException | RuntimeException e) {
                LOG.warn("closing {}: {}", s, e.toString());
                if (sendFailure == null && e instanceof JMSException j
                        && SendWindow.SEND_FAILED.equals(j.getErrorCode())) {
                    sendFailure = j; // sends nobody waited for failed: thrown once everything is closed
                }
            }
        }
        for (String name : new ArrayList<>(temporaries.keySet())) {
            try {
                Jms.await(transport.admin().deleteTopic(name), config.requestTimeoutMs(),
                        "deleting temporary destination " + name);
            } catch (JMSException e) {
                LOG.warn("temporary destination {} could not be deleted at close: {}", name, e.getMessage());
            }
            temporaries.remove(name);
        }
        transport.close(Duration.ofMillis(config.closeTimeoutMs()));
        if (clientId != null) {
            CLIENT_IDS.remove(clientId, this);
        }
        closed = true;
        if (sendFailure != null) {
            throw sendFailure;
        }
    }

    // ---------------------------------------------------------------- exception listener

    private void probe() {
        if (closing) {
            return;
        }
        try {
            transport.admin().health().get(Math.max(config.healthCheckIntervalMs() * 2, 500), TimeUnit.MILLISECONDS);
            probes.answered();
            if (failed.compareAndSet(true, false)) {
                LOG.info("connection {} to the StreamBus broker is back", id);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (probes.failed(Jms.unwrap(e))) {
                transportFailure(e);
            }
        }
    }

    /** A transport failure seen anywhere in this connection: the ExceptionListener hears of it once per outage. */
    void transportFailure(Throwable cause) {
        Throwable c = Jms.unwrap(cause);
        boolean transport = c instanceof StreamBusException sbe && sbe.isRetriable()
                || c instanceof java.util.concurrent.TimeoutException;
        if (!transport || closing || !failed.compareAndSet(false, true)) {
            return;
        }
        LOG.warn("connection {} lost the StreamBus broker: {}", id, c.toString());
        JMSException e = Jms.jms("connection to the StreamBus broker lost", c);
        if (!monitor.isShutdown()) {
            try {
                monitor.execute(() -> notifyListener(e));
                return;
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // closing meanwhile
            }
        }
        notifyListener(e);
    }

    /**
     * Reports the failure of a send nobody waited for to the ExceptionListener, on the connection's own thread: it is
     * called on a client I/O thread, where the application's listener must not run.
     */
    void reportSendFailure(JMSException e) {
        LOG.warn("connection {}: {}", id, e.getMessage());
        if (closing || monitor.isShutdown()) {
            return; // close throws it
        }
        try {
            monitor.execute(() -> notifyListener(e));
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // closing meanwhile: the session's close throws it
        }
    }

    /** Reports a problem that is not a transport loss (e.g. a failed acknowledgement in a listener session). */
    void reportException(JMSException e) {
        notifyListener(e);
    }

    private void notifyListener(JMSException e) {
        ExceptionListener l = exceptionListener;
        if (l != null && !closed) {
            try {
                l.onException(e);
            } catch (RuntimeException ex) {
                LOG.warn("ExceptionListener threw: {}", ex.toString());
            }
        }
    }

    // ---------------------------------------------------------------- topics and temporary destinations

    /**
     * Partition count of a topic, creating it with {@code defaultPartitions} when asked and missing (CreateTopic
     * succeeds if another client created it meanwhile with the same count).
     */
    int partitions(String topic, boolean create) throws JMSException {
        Map<String, Integer> topics = Jms.await(transport.admin().listTopics(), config.requestTimeoutMs(),
                "listing topics");
        Integer n = topics.get(topic);
        if (n != null) {
            return n;
        }
        if (!create) {
            throw new InvalidDestinationException("topic " + topic + " does not exist");
        }
        JMSException failure = null;
        try {
            Jms.await(transport.admin().createTopic(topic, config.defaultPartitions()), config.requestTimeoutMs(),
                    "creating topic " + topic);
        } catch (JMSException e) {
            // Someone else may have created it meanwhile (possibly with another partition count): look again.
            failure = e;
        }
        n = Jms.await(transport.admin().listTopics(), config.requestTimeoutMs(), "listing topics").get(topic);
        if (n == null) {
            throw failure != null ? failure : new InvalidDestinationException("topic " + topic
                    + " could not be created");
        }
        return n;
    }

    StreamBusDestination createTemporary(boolean queue) throws JMSException {
        checkOpen();
        String name = "jms.tmp" + (queue ? "q." : "t.") + id + "." + TEMP_SEQ.incrementAndGet();
        Jms.await(transport.admin().createTopic(name, config.temporaryPartitions()), config.requestTimeoutMs(),
                "creating temporary " + (queue ? "queue " : "topic ") + name);
        temporaries.put(name, new TemporaryQueueState());
        return queue ? new StreamBusTemporaryQueue(name, this) : new StreamBusTemporaryTopic(name, this);
    }

    /** The state of a temporary destination this connection created and has not deleted, else null. */
    TemporaryQueueState temporaryState(StreamBusDestination d) {
        return temporaries.get(d.getName());
    }

    @Override
    public void deleteTemporaryDestination(StreamBusDestination destination) throws JMSException {
        checkOpen();
        TemporaryQueueState state = temporaries.get(destination.getName());
        if (state == null) {
            throw new InvalidDestinationException("temporary destination " + destination + " was already deleted");
        }
        if (state.consumers().get() > 0) {
            throw new IllegalStateException("temporary destination " + destination + " still has "
                    + state.consumers().get() + " consumer(s); close them before deleting it");
        }
        temporaries.remove(destination.getName());
        Jms.await(transport.admin().deleteTopic(destination.getName()), config.requestTimeoutMs(),
                "deleting temporary destination " + destination);
    }

    /**
     * Before sending to a temporary destination of another connection (a JMSReplyTo): refuses one that no longer
     * exists, instead of letting the broker's auto-create bring it back forever. Positive answers are cached 1 s.
     */
    void checkSendable(StreamBusDestination d) throws JMSException {
        if (!d.isTemporary() || temporaries.containsKey(d.getName())) {
            return;
        }
        Long checked = knownTopics.get(d.getName());
        long now = System.nanoTime();
        if (checked != null && now - checked < TimeUnit.SECONDS.toNanos(1)) {
            return;
        }
        try {
            Jms.await(transport.admin().offsets(new TopicPartition(d.getName(), 0)), config.requestTimeoutMs(),
                    "checking " + d);
        } catch (JMSException e) {
            if (Jms.code(e.getCause()) == ErrorCode.TOPIC_NOT_FOUND) {
                InvalidDestinationException ide = new InvalidDestinationException("temporary destination " + d
                        + " no longer exists (its connection closed or deleted it)");
                ide.setLinkedException(e);
                throw ide;
            }
            throw e;
        }
        knownTopics.put(d.getName(), now);
    }

    // ---------------------------------------------------------------- application server facilities

    @Override
    public ConnectionConsumer createConnectionConsumer(Destination destination, String messageSelector,
                                                       ServerSessionPool sessionPool, int maxMessages)
            throws JMSException {
        return connectionConsumer(sessionPool, maxMessages, s -> s.createConsumer(destination, messageSelector));
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(Queue queue, String messageSelector,
                                                       ServerSessionPool sessionPool, int maxMessages)
            throws JMSException {
        return createConnectionConsumer((Destination) queue, messageSelector, sessionPool, maxMessages);
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(Topic topic, String messageSelector,
                                                       ServerSessionPool sessionPool, int maxMessages)
            throws JMSException {
        return createConnectionConsumer((Destination) topic, messageSelector, sessionPool, maxMessages);
    }

    @Override
    public ConnectionConsumer createSharedConnectionConsumer(Topic topic, String subscriptionName,
                                                             String messageSelector, ServerSessionPool sessionPool,
                                                             int maxMessages) throws JMSException {
        return connectionConsumer(sessionPool, maxMessages,
                s -> s.createSharedConsumer(topic, subscriptionName, messageSelector));
    }

    @Override
    public ConnectionConsumer createDurableConnectionConsumer(Topic topic, String subscriptionName,
                                                              String messageSelector, ServerSessionPool sessionPool,
                                                              int maxMessages) throws JMSException {
        return connectionConsumer(sessionPool, maxMessages,
                s -> s.createDurableConsumer(topic, subscriptionName, messageSelector, false));
    }

    @Override
    public ConnectionConsumer createSharedDurableConnectionConsumer(Topic topic, String subscriptionName,
                                                                    String messageSelector,
                                                                    ServerSessionPool sessionPool, int maxMessages)
            throws JMSException {
        return connectionConsumer(sessionPool, maxMessages,
                s -> s.createSharedDurableConsumer(topic, subscriptionName, messageSelector));
    }

    private ConnectionConsumer connectionConsumer(ServerSessionPool pool, int maxMessages,
                                                  JmsConnectionConsumer.ConsumerFactory factory) throws JMSException {
        checkOpen();
        JmsConnectionConsumer cc = JmsConnectionConsumer.open(this, pool, maxMessages, factory);
        connectionConsumers.add(cc);
        return cc;
    }

    void connectionConsumerClosed(JmsConnectionConsumer cc) {
        connectionConsumers.remove(cc);
    }

    @Override
    public String toString() {
        return "JmsConnection[" + id + (clientId == null ? "" : ", clientID " + clientId) + "]";
    }
}
