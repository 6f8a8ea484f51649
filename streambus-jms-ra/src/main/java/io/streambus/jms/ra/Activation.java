package io.streambus.jms.ra;

import io.streambus.jms.StreamBusQueue;
import io.streambus.jms.StreamBusTopic;
import io.streambus.jms.StreamBusXAConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import jakarta.jms.XAConnection;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One endpoint activation (a message-driven bean bound to a destination): one connection with {@code maxSession}
 * consumer sessions ({@link InboundSession}) on the server's WorkManager. Setup runs on the WorkManager too and
 * retries per {@code setupAttempts}/{@code setupInterval} without blocking the deployment; a connection failure
 * (the provider's ExceptionListener, or a session that fails) tears the sessions down and sets them up again.
 * {@link #stop()} waits, bounded by {@link #STOP_TIMEOUT_MS}, for deliveries in progress. State changes follow
 * {@link ActivationState}. Thread-safe.
 */
final class Activation {
    private static final Logger LOG = LoggerFactory.getLogger(Activation.class);
    private static final AtomicInteger IDS = new AtomicInteger();
    /** Longest wait of {@link #stop()} (and of a reconnect) for deliveries in progress. */
    static final long STOP_TIMEOUT_MS = 20_000;

    private final int id = IDS.incrementAndGet();
    private final WorkManager workManager;
    private final MessageEndpointFactory endpointFactory;
    private final StreamBusActivationSpec spec;
    private final ConnectionSettings settings;
    private final int setupAttempts;
    private final long setupInterval;
    private final DeliveryStrategy strategy;
    /** Names the shared non-durable subscription of a topic activation that has no subscriptionName. */
    private final String generatedSubscription = "ra-" + UUID.randomUUID();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private ActivationState state = ActivationState.NEW;
    private Connection connection;
    private List<InboundSession> sessions = List.of();
    /** Runs of {@link InboundSession}s scheduled or running. */
    private int runs;

    Activation(WorkManager workManager, MessageEndpointFactory endpointFactory, StreamBusActivationSpec spec,
               ConnectionSettings settings, int setupAttempts, long setupInterval) throws NoSuchMethodException {
        this.workManager = workManager;
        this.endpointFactory = endpointFactory;
        this.spec = spec;
        this.settings = settings;
        this.setupAttempts = setupAttempts;
        this.setupInterval = setupInterval;
        this.strategy = endpointFactory.isDeliveryTransacted(DeliveryStrategy.ON_MESSAGE)
                ? TransactedDelivery.INSTANCE : AcknowledgingDelivery.INSTANCE;
    }

    MessageEndpointFactory endpointFactory() {
        return endpointFactory;
    }

    StreamBusActivationSpec spec() {
        return spec;
    }

    ConnectionSettings settings() {
        return settings;
    }

    ActivationState state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: moves to {@code target} or throws (a bug) for an illegal transition. */
    private void moveTo(ActivationState target) {
        if (!state.canMoveTo(target)) {
            throw new IllegalStateException(this + ": illegal transition " + state + " -> " + target);
        }
        state = target;
        changed.signalAll();
    }

    /** Waits up to {@code ms} or until the activation stops; true when it is stopping. */
    boolean awaitStopping(long ms) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        lock.lock();
        try {
            while (state != ActivationState.STOPPING && state != ActivationState.STOPPED) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- setup

    /** Starts setup on the WorkManager and returns at once. */
    void start() throws WorkException {
        lock.lock();
        try {
            moveTo(ActivationState.CONNECTING);
        } finally {
            lock.unlock();
        }
        workManager.scheduleWork(new SetupWork(false));
    }

    /** Connects and opens the sessions, retrying; also tears down the previous sessions first when reconnecting. */
    private final class SetupWork implements Work {
        private final boolean reconnect;

        SetupWork(boolean reconnect) {
            this.reconnect = reconnect;
        }

        @Override
        public void run() {
            if (reconnect) {
                teardown();
            }
            for (int attempt = 1; ; attempt++) {
                if (state() != ActivationState.CONNECTING) {
                    return;
                }
                try {
                    connect();
                    return;
                } catch (Exception e) {
                    boolean giveUp = setupAttempts >= 0 && attempt >= Math.max(1, setupAttempts);
                    if (giveUp) {
                        LOG.error("{}: setup failed {} time(s), giving up (setupAttempts {}): {}", Activation.this,
                                attempt, setupAttempts, LogText.of(e));
                        lock.lock();
                        try {
                            if (state == ActivationState.CONNECTING) {
                                moveTo(ActivationState.FAILED);
                            }
                        } finally {
                            lock.unlock();
                        }
                        return;
                    }
                    LOG.warn("{}: setup attempt {} failed, retrying in {} ms: {}", Activation.this, attempt,
                            setupInterval, LogText.of(e));
                    if (awaitStopping(setupInterval)) {
                        return;
                    }
                }
            }
        }

        @Override
        public void release() {
            // Setup notices stop() through the state and its bounded waits.
        }
    }

    private void connect() throws JMSException, NamingException {
        StreamBusXAConnectionFactory f = settings.xaFactory(spec.providerSettings());
        Destination destination = destination();
        Connection c = strategy.transacted() ? f.createXAConnection() : f.createConnection();
        List<InboundSession> made = new ArrayList<>();
        try {
            c.setExceptionListener(e -> connectionFailed(e));
            for (int i = 0; i < spec.getMaxSession(); i++) {
                Session s = strategy.transacted() ? ((XAConnection) c).createXASession()
                        : c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
                made.add(new InboundSession(this, i, s, consumer(s, destination), strategy));
            }
            c.start();
        } catch (JMSException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
        lock.lock();
        try {
            if (state != ActivationState.CONNECTING) {
                closeQuietly(c); // stopped meanwhile
                return;
            }
            connection = c;
            sessions = List.copyOf(made);
            moveTo(ActivationState.ACTIVE);
        } finally {
            lock.unlock();
        }
        LOG.info("{}: delivering from {} with {} session(s), {}", this, destination, made.size(),
                strategy.transacted() ? "XA transactions" : "acknowledged after onMessage");
        for (InboundSession s : made) {
            schedule(s);
        }
    }

    /** The destination: looked up when {@code destinationLookup} is set, else by name and destinationType. */
    private Destination destination() throws JMSException, NamingException {
        String lookup = spec.getDestinationLookup();
        if (lookup != null && !lookup.isBlank()) {
            Object o = new InitialContext().lookup(lookup.trim());
            if (o instanceof Queue || o instanceof Topic) {
                return (Destination) o;
            }
            throw new JMSException("destinationLookup '" + lookup + "' is not a jakarta.jms.Queue or Topic: "
                    + (o == null ? null : o.getClass().getName()));
        }
        String name = spec.getDestination().trim();
        if (name.indexOf('/') >= 0 || name.indexOf(':') >= 0) {
            return jndiStyleDestination(name);
        }
        return byName(name);
    }

    private Destination byName(String name) throws JMSException {
        return spec.destinationKind() == StreamBusActivationSpec.DestinationKind.TOPIC ? StreamBusTopic.of(name)
                : StreamBusQueue.of(name);
    }

    /**
     * A {@code destination} that is a JNDI name (as Artemis' {@code useJNDI} configurations have, e.g.
     * {@code java:/jms/queue/orders}): the Queue or Topic bound there, else, as Artemis does, the StreamBus topic
     * named by what follows the last {@code /} or {@code :} (with a warning).
     */
    private Destination jndiStyleDestination(String name) throws JMSException {
        try {
            Object o = new InitialContext().lookup(name);
            if (o instanceof Queue || o instanceof Topic) {
                return (Destination) o;
            }
        } catch (NamingException | RuntimeException e) {
            LOG.debug("{}: destination '{}' is not bound in JNDI: {}", this, name, LogText.of(e));
        }
        String last = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf(':')) + 1);
        LOG.warn("{}: destination '{}' is not a Queue or Topic in JNDI; using the StreamBus topic '{}'", this, name,
                last);
        return byName(last);
    }

    /**
     * The session's consumer: a queue consumer (share-group queues hand each message to one session); for a topic a
     * subscription all sessions share (durable: {@code subscriptionName}; non-durable: {@code subscriptionName} or
     * one named for this activation), or a plain subscriber when there is one session and sharing is off.
     */
    private MessageConsumer consumer(Session s, Destination d) throws JMSException {
        String selector = spec.getMessageSelector();
        if (!(d instanceof Topic t)) {
            return s.createConsumer(d, selector);
        }
        boolean single = spec.getMaxSession() == 1 && !spec.getShareSubscriptions();
        String name = spec.getSubscriptionName();
        if (spec.isDurable()) {
            return single && settings.clientID() != null ? s.createDurableConsumer(t, name, selector, false)
                    : s.createSharedDurableConsumer(t, name, selector);
        }
        if (single) {
            return s.createConsumer(t, selector);
        }
        return s.createSharedConsumer(t, name == null || name.isBlank() ? generatedSubscription : name, selector);
    }

    // ---------------------------------------------------------------- delivery runs

    private void schedule(InboundSession s) {
        lock.lock();
        try {
            if (state != ActivationState.ACTIVE || s.isReleased()) {
                return;
            }
            runs++;
        } finally {
            lock.unlock();
        }
        try {
            workManager.scheduleWork(s);
        } catch (WorkException | RuntimeException e) {
            LOG.warn("{}: the WorkManager refused a delivery run, reconnecting: {}", s, LogText.of(e));
            runEnded(s, true);
        }
    }

    /** Called at the end of every run of {@code s}: schedules the next one, or reconnects after a failure. */
    void runEnded(InboundSession s, boolean failed) {
        lock.lock();
        try {
            runs--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (failed) {
            connectionFailed(null);
        } else {
            schedule(s);
        }
    }

    /** The connection (or a session) failed: tear down and set up again, once per failure. */
    void connectionFailed(JMSException cause) {
        lock.lock();
        try {
            if (state != ActivationState.ACTIVE) {
                return;
            }
            moveTo(ActivationState.CONNECTING);
        } finally {
            lock.unlock();
        }
        if (cause != null) {
            LOG.warn("{}: connection failed, reconnecting: {}", this, LogText.of(cause));
        }
        try {
            workManager.scheduleWork(new SetupWork(true));
        } catch (WorkException e) {
            LOG.error("{}: cannot schedule the reconnect: {}", this, LogText.of(e));
        }
    }

    // ---------------------------------------------------------------- teardown

    /** Deactivation: stops delivery, waits (bounded) for deliveries in progress, releases and closes everything. */
    void stop() {
        Detached d = beginStop();
        if (d != null) {
            finishStop(d, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_TIMEOUT_MS));
        }
    }

    /** What a teardown still has to wait for and close. */
    record Detached(List<InboundSession> sessions, Connection connection) {
    }

    /**
     * First half of {@link #stop()}: no new deliveries start (sessions released); null when already stopping. The
     * adapter's stop begins every activation first, then finishes them, so that their waits overlap.
     */
    Detached beginStop() {
        lock.lock();
        try {
            if (state == ActivationState.STOPPING || state == ActivationState.STOPPED) {
                return null;
            }
            moveTo(ActivationState.STOPPING);
        } finally {
            lock.unlock();
        }
        return detach();
    }

    /** Second half of {@link #stop()}: waits for deliveries until {@code deadlineNanos}, then releases and closes. */
    void finishStop(Detached d, long deadlineNanos) {
        finish(d, deadlineNanos);
        lock.lock();
        try {
            moveTo(ActivationState.STOPPED);
        } finally {
            lock.unlock();
        }
        LOG.info("{}: deactivated", this);
    }

    /** Reconnect: releases the sessions, waits for their runs (bounded), releases endpoints, closes the connection. */
    private void teardown() {
        finish(detach(), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_TIMEOUT_MS));
    }

    private Detached detach() {
        Detached d;
        lock.lock();
        try {
            d = new Detached(sessions, connection);
            sessions = List.of();
            connection = null;
        } finally {
            lock.unlock();
        }
        d.sessions().forEach(InboundSession::release);
        return d;
    }

    private void finish(Detached d, long deadlineNanos) {
        if (!awaitRunsEnded(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())))) {
            LOG.warn("{}: deliveries still running after the stop timeout ({} ms), closing anyway", this,
                    STOP_TIMEOUT_MS);
        }
        d.sessions().forEach(InboundSession::releaseEndpoint);
        if (d.connection() != null) {
            closeQuietly(d.connection());
        }
    }

    private boolean awaitRunsEnded(long ms) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        lock.lock();
        try {
            while (runs > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (JMSException | RuntimeException e) {
            LOG.debug("{}: closing the connection: {}", this, LogText.of(e));
        }
    }

    @Override
    public String toString() {
        return "StreamBus activation " + id + " (" + (spec.getDestinationLookup() != null
                ? spec.getDestinationLookup() : spec.getDestination()) + ")";
    }
}
