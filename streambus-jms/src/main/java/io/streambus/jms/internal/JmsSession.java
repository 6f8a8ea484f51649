package io.streambus.jms.internal;

import io.streambus.jms.StreamBusDestination;
import io.streambus.jms.StreamBusQueue;
import io.streambus.jms.StreamBusTemporaryQueue;
import io.streambus.jms.StreamBusTemporaryTopic;
import io.streambus.jms.StreamBusTopic;
import io.streambus.jms.message.StreamBusBytesMessage;
import io.streambus.jms.message.StreamBusMapMessage;
import io.streambus.jms.message.StreamBusMessage;
import io.streambus.jms.message.StreamBusObjectMessage;
import io.streambus.jms.message.StreamBusStreamMessage;
import io.streambus.jms.message.StreamBusTextMessage;
import jakarta.jms.BytesMessage;
import jakarta.jms.Destination;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.QueueReceiver;
import jakarta.jms.QueueSender;
import jakarta.jms.QueueSession;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TopicPublisher;
import jakarta.jms.TopicSession;
import jakarta.jms.TopicSubscriber;
import java.io.Serializable;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JMS session: a single-threaded context for producing and consuming, with the acknowledgement mode or local
 * transaction it was created with.
 *
 * <ul>
 * <li>AUTO_ACKNOWLEDGE commits a consumer's position after each {@code receive} returns or each listener call
 * returns; DUPS_OK_ACKNOWLEDGE commits in batches; CLIENT_ACKNOWLEDGE commits every consumer of the session up to
 * its last delivered message on {@link Message#acknowledge()}.</li>
 * <li>SESSION_TRANSACTED is an atomic broker transaction ({@link TransactedPolicy}): the session's sends and the
 * acknowledgements of what it consumed commit or roll back together.</li>
 * <li>Message listeners of the session run one at a time on the session's dispatcher thread.</li>
 * </ul>
 * What each mode does is decided in one place, the session's {@link AckPolicy}; this class keeps the session's
 * consumers, producers and browsers, its listener dispatcher and its asynchronous send bookkeeping.
 * Thread-safety: as JMS requires, one thread at a time uses a session; {@link #close()} may come from any thread.
 */
public class JmsSession implements Session, QueueSession, TopicSession {
    private static final Logger LOG = LoggerFactory.getLogger(JmsSession.class);

    private static final java.util.concurrent.atomic.AtomicInteger SESSION_IDS =
            new java.util.concurrent.atomic.AtomicInteger();

    private final JmsConnection connection;
    private final int sessionId = SESSION_IDS.incrementAndGet();
    private final AckPolicy policy;
    private final SessionDomain domain;
    private final List<JmsMessageConsumer> consumers = new CopyOnWriteArrayList<>();
    private final List<JmsMessageProducer> producers = new CopyOnWriteArrayList<>();
    private final List<JmsQueueBrowser> browsers = new CopyOnWriteArrayList<>();
    private final StreamBusMessage.Acknowledger acknowledger;
    private final SessionRunner runner = new SessionRunner();
    /** The session's sends the broker has not confirmed yet, and failures of those nobody waited for. */
    private final SendWindow sendWindow;
    private volatile boolean closed;

    // Listener dispatch: one thread per session, started with the first listener.
    private final ReentrantLock dispatchLock = new ReentrantLock();
    private final Condition dispatchWake = dispatchLock.newCondition();
    private final Condition deliveryDone = dispatchLock.newCondition();
    private Thread dispatcher;
    private volatile boolean stopDispatch;
    private volatile JmsMessageConsumer delivering;
    private final Set<JmsMessageConsumer> closeAfterDelivery = ConcurrentHashMap.newKeySet();

    // Asynchronous sends: completion listeners run in send order on one thread per session.
    private ExecutorService completions;
    private final ReentrantLock asyncLock = new ReentrantLock();
    private final Condition asyncDone = asyncLock.newCondition();
    private int asyncPending;

    /**
     * @param mode the session mode as {@link AckPolicy#sessionMode} validated it
     */
    JmsSession(JmsConnection connection, int mode) {
        this(connection, mode, SessionDomain.UNIFIED);
    }

    /**
     * @param mode   the session mode as {@link AckPolicy#sessionMode} validated it
     * @param domain what the session was created as (a QueueSession or TopicSession refuses the other domain)
     */
    JmsSession(JmsConnection connection, int mode, SessionDomain domain) {
        this(connection, domain, s -> AckPolicy.create(s, mode));
    }

    /** A unified session whose policy {@code policyMaker} makes (the XA session's). */
    JmsSession(JmsConnection connection, java.util.function.Function<JmsSession, AckPolicy> policyMaker) {
        this(connection, SessionDomain.UNIFIED, policyMaker);
    }

    private JmsSession(JmsConnection connection, SessionDomain domain,
            java.util.function.Function<JmsSession, AckPolicy> policyMaker) {
        this.connection = connection;
        this.domain = domain;
        this.sendWindow = new SendWindow(connection.config().sends().window(), connection::reportSendFailure);
        this.policy = policyMaker.apply(this);
        this.acknowledger = policy::acknowledgeMessage;
    }

    JmsConnection connection() {
        return connection;
    }

    /** What this session's acknowledgement mode or transaction does; the consumers and producers delegate to it. */
    AckPolicy ackPolicy() {
        return policy;
    }

    /** The session's sends that the broker has not confirmed yet. */
    SendWindow sendWindow() {
        return sendWindow;
    }

    /** What {@link Message#acknowledge()} of a message this session delivered calls. */
    StreamBusMessage.Acknowledger acknowledger() {
        return acknowledger;
    }

    void checkOpen() throws IllegalStateException {
        if (closed) {
            throw new IllegalStateException("the session is closed");
        }
        connection.checkOpen();
    }

    // ---------------------------------------------------------------- messages

    @Override
    public BytesMessage createBytesMessage() throws JMSException {
        checkOpen();
        return new StreamBusBytesMessage();
    }

    @Override
    public MapMessage createMapMessage() throws JMSException {
        checkOpen();
        return new StreamBusMapMessage();
    }

    @Override
    public Message createMessage() throws JMSException {
        checkOpen();
        return new StreamBusMessage();
    }

    @Override
    public ObjectMessage createObjectMessage() throws JMSException {
        checkOpen();
        return new StreamBusObjectMessage();
    }

    @Override
    public ObjectMessage createObjectMessage(Serializable object) throws JMSException {
        checkOpen();
        StreamBusObjectMessage m = new StreamBusObjectMessage();
        m.setObject(object);
        return m;
    }

    @Override
    public StreamMessage createStreamMessage() throws JMSException {
        checkOpen();
        return new StreamBusStreamMessage();
    }

    @Override
    public TextMessage createTextMessage() throws JMSException {
        checkOpen();
        return new StreamBusTextMessage();
    }

    @Override
    public TextMessage createTextMessage(String text) throws JMSException {
        checkOpen();
        return new StreamBusTextMessage(text);
    }

    // ---------------------------------------------------------------- transactions and acknowledgement

    @Override
    public boolean getTransacted() throws JMSException {
        checkOpen();
        return policy.transacted();
    }

    @Override
    public int getAcknowledgeMode() throws JMSException {
        checkOpen();
        return policy.mode();
    }

    @Override
    public void commit() throws JMSException {
        checkOpen();
        refuseFromCompletionListener("commit");
        policy.commit();
    }

    @Override
    public void rollback() throws JMSException {
        checkOpen();
        refuseFromCompletionListener("rollback");
        policy.rollback();
    }

    /** A CompletionListener must not commit or roll back its own session (JMS 3.1 §7.3, asynchronous send). */
    private void refuseFromCompletionListener(String what) throws IllegalStateException {
        if (isCompletionThread()) {
            throw new IllegalStateException("a CompletionListener must not call " + what + " on its own session");
        }
    }

    @Override
    public void recover() throws JMSException {
        checkOpen();
        policy.recover();
    }

    // ---------------------------------------------------------------- listener dispatch

    @Override
    public MessageListener getMessageListener() throws JMSException {
        checkOpen();
        return runner.listener();
    }

    /**
     * The session's distinguished listener (application server facilities): {@link #run()} hands it the messages a
     * connection consumer loaded into this session. Ordinary clients set listeners on consumers.
     */
    @Override
    public void setMessageListener(MessageListener listener) throws JMSException {
        checkOpen();
        runner.setListener(listener);
    }

    /** Delivers the messages a connection consumer loaded into this session to its listener (the ASF). */
    @Override
    public void run() {
        runner.run(!closed && !connection.isClosing());
    }

    /** The application-server side of this session: its listener and the messages loaded into it. */
    SessionRunner runner() {
        return runner;
    }

    void listenerChanged(JmsMessageConsumer c) {
        if (c.listener() != null) {
            dispatchLock.lock();
            try {
                if (dispatcher == null && !stopDispatch) {
                    dispatcher = new Thread(this::dispatchLoop, "streambus-jms-session-" + connection.id() + "-"
                            + sessionId);
                    dispatcher.setDaemon(true);
                    dispatcher.start();
                }
            } finally {
                dispatchLock.unlock();
            }
        }
        wakeDispatcher();
    }

    void wakeDispatcher() {
        if (dispatcher == null) {
            return;
        }
        dispatchLock.lock();
        try {
            dispatchWake.signalAll();
        } finally {
            dispatchLock.unlock();
        }
    }

    private void dispatchLoop() {
        while (!stopDispatch) {
            boolean any = false;
            long nextDue = 100;
            if (connection.isStarted()) {
                for (JmsMessageConsumer c : consumers) {
                    MessageListener l = c.listener();
                    if (l == null || c.isClosed() || stopDispatch || !connection.isStarted()) {
                        continue;
                    }
                    StreamBusMessage m;
                    try {
                        m = c.next(0);
                    } catch (JMSException e) {
                        continue;
                    }
                    if (m != null) {
                        any = true;
                        dispatch(c, l, m);
                    } else {
                        long due = c.nextDueInMs();
                        if (due >= 0) {
                            nextDue = Math.min(nextDue, Math.max(1, due));
                        }
                    }
                }
            }
            if (!any) {
                dispatchLock.lock();
                try {
                    if (!stopDispatch && !anyDeliverable()) {
                        dispatchWake.await(nextDue, TimeUnit.MILLISECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } finally {
                    dispatchLock.unlock();
                }
            }
        }
    }

    private boolean anyDeliverable() {
        if (!connection.isStarted()) {
            return false;
        }
        for (JmsMessageConsumer c : consumers) {
            if (c.listener() != null && c.hasDeliverable()) {
                return true;
            }
        }
        return false;
    }

    private void dispatch(JmsMessageConsumer c, MessageListener l, StreamBusMessage m) {
        delivering = c;
        boolean ok = false;
        try {
            l.onMessage(m);
            ok = true;
        } catch (RuntimeException | Error e) {
            LOG.warn("MessageListener of {} threw on message {}; {}", c, m.getJMSMessageID(),
                    policy.listenerFailureOutcome(), e);
        } finally {
            try {
                if (!c.isClosed() || closeAfterDelivery.contains(c)) {
                    policy.afterListener(c, ok);
                }
            } catch (JMSException e) {
                LOG.warn("acknowledging message {} of {} failed: {}", m.getJMSMessageID(), c, e.getMessage());
                connection.reportException(e);
            }
            dispatchLock.lock();
            try {
                delivering = null;
                deliveryDone.signalAll();
            } finally {
                dispatchLock.unlock();
            }
            if (closeAfterDelivery.remove(c)) {
                c.closeNow();
            }
        }
    }

    /** True when called from this session's dispatcher while it runs {@code c}'s listener (or any, if null). */
    boolean isDeliveringOnThisThread(JmsMessageConsumer c) {
        return Thread.currentThread() == dispatcher && (c == null || delivering == c);
    }

    boolean isDispatcherThread() {
        return Thread.currentThread() == dispatcher;
    }

    void closeAfterDelivery(JmsMessageConsumer c) {
        closeAfterDelivery.add(c);
    }

    /** Waits until no listener of {@code c} (or of any consumer, if null) runs, at most closeTimeout. */
    void awaitDeliveryDone(JmsMessageConsumer c) {
        if (Thread.currentThread() == dispatcher) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(connection.config().closeTimeoutMs());
        dispatchLock.lock();
        try {
            while (delivering != null && (c == null || delivering == c)) {
                long rem = deadline - System.nanoTime();
                if (rem <= 0) {
                    LOG.warn("a MessageListener of {} is still running after {} ms; continuing without it", this,
                            connection.config().closeTimeoutMs());
                    return;
                }
                deliveryDone.awaitNanos(rem);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            dispatchLock.unlock();
        }
    }

    void consumerClosed(JmsMessageConsumer c) {
        consumers.remove(c);
    }

    // ---------------------------------------------------------------- async send bookkeeping

    /** The executor that runs CompletionListeners of this session in order, never on the sending thread. */
    ExecutorService completions() {
        asyncLock.lock();
        try {
            if (completions == null) {
                completions = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, completionThreadName());
                    t.setDaemon(true);
                    return t;
                });
            }
            asyncPending++;
            return completions;
        } finally {
            asyncLock.unlock();
        }
    }

    void asyncCompleted() {
        asyncLock.lock();
        try {
            asyncPending--;
            asyncDone.signalAll();
        } finally {
            asyncLock.unlock();
        }
    }

    private String completionThreadName() {
        return "streambus-jms-completion-" + connection.id() + "-" + sessionId;
    }

    /** True on the thread that runs this session's CompletionListeners. */
    boolean isCompletionThread() {
        return Thread.currentThread().getName().equals(completionThreadName());
    }

    /**
     * Waits (at most closeTimeout) until the broker confirmed every send of the session and every CompletionListener
     * returned; then throws what failed meanwhile, or what stays unconfirmed.
     *
     * @throws JMSException (error code {@value SendWindow#SEND_FAILED}) for failed or unconfirmed sends
     */
    void drainSends() throws JMSException {
        int left = sendWindow.drain(connection.config().closeTimeoutMs());
        awaitAsyncSends();
        sendWindow.throwFailure();
        if (left > 0) {
            throw new JMSException(left + " sends of " + this + " were not confirmed by the broker within "
                    + "closeTimeout (" + connection.config().closeTimeoutMs() + " ms); they may or may not arrive",
                    SendWindow.SEND_FAILED);
        }
    }

    private void awaitAsyncSends() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(connection.config().closeTimeoutMs());
        asyncLock.lock();
        try {
            while (asyncPending > 0) {
                long rem = deadline - System.nanoTime();
                if (rem <= 0) {
                    LOG.warn("{} asynchronous sends of {} still incomplete after {} ms", asyncPending, this,
                            connection.config().closeTimeoutMs());
                    return;
                }
                asyncDone.awaitNanos(rem);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            asyncLock.unlock();
        }
    }

    // ---------------------------------------------------------------- close

    @Override
    public void close() throws JMSException {
        if (closed) {
            return;
        }
        if (Thread.currentThread() == dispatcher) {
            throw new IllegalStateException("a MessageListener must not close its own session (JMS 3.1 §6.2.16)");
        }
        if (isCompletionThread()) {
            throw new IllegalStateException("a CompletionListener must not close its own session");
        }
        JMSException sendFailure = null;
        try {
            drainSends();
        } catch (JMSException e) {
            sendFailure = e; // thrown once the session is closed
        }
        stopDispatch = true;
        wakeDispatcher();
        awaitDeliveryDone(null);
        closed = true;
        if (dispatcher != null) {
            try {
                dispatcher.join(connection.config().closeTimeoutMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        policy.sessionClosing();
        for (JmsQueueBrowser b : browsers) {
            b.close();
        }
        for (JmsMessageProducer p : producers) {
            p.closedWithSession();
        }
        for (JmsMessageConsumer c : consumers) {
            c.closeNow();
        }
        asyncLock.lock();
        try {
            if (completions != null) {
                completions.shutdown();
            }
        } finally {
            asyncLock.unlock();
        }
        connection.sessionClosed(this);
        if (sendFailure != null) {
            throw sendFailure;
        }
    }

    /** Connection.stop(): waits for a running listener; refused from one of this connection's listeners. */
    void stopDelivery() {
        awaitDeliveryDone(null);
    }

    // ---------------------------------------------------------------- producers, consumers, browsers

    @Override
    public MessageProducer createProducer(Destination destination) throws JMSException {
        checkOpen();
        JmsMessageProducer p = new JmsMessageProducer(this, MessageCodec.toDestination(destination));
        producers.add(p);
        return p;
    }

    void producerClosed(JmsMessageProducer p) {
        producers.remove(p);
    }

    void browserClosed(JmsQueueBrowser b) {
        browsers.remove(b);
    }

    @Override
    public MessageConsumer createConsumer(Destination destination) throws JMSException {
        return createConsumer(destination, null, false);
    }

    @Override
    public MessageConsumer createConsumer(Destination destination, String messageSelector) throws JMSException {
        return createConsumer(destination, messageSelector, false);
    }

    @Override
    public MessageConsumer createConsumer(Destination destination, String messageSelector, boolean noLocal)
            throws JMSException {
        checkOpen();
        if (destination == null) {
            throw new InvalidDestinationException("createConsumer needs a destination, got null");
        }
        StreamBusDestination d = MessageCodec.toDestination(destination);
        policy.checkConsumer(d); // a transaction refuses what it cannot acknowledge atomically
        Selector sel = Selector.parse(messageSelector);
        JmsMessageConsumer c = connection.subscriptions().createConsumer(this, d, sel, noLocal);
        return registered(c);
    }

    JmsMessageConsumer registered(JmsMessageConsumer c) {
        consumers.add(c);
        if (closed) {
            c.closeNow();
        }
        return c;
    }

    @Override
    public TopicSubscriber createDurableSubscriber(Topic topic, String name) throws JMSException {
        return createDurableSubscriber(topic, name, null, false);
    }

    @Override
    public TopicSubscriber createDurableSubscriber(Topic topic, String name, String messageSelector,
                                                   boolean noLocal) throws JMSException {
        return (TopicSubscriber) createDurableConsumer(topic, name, messageSelector, noLocal);
    }

    @Override
    public MessageConsumer createDurableConsumer(Topic topic, String name) throws JMSException {
        return createDurableConsumer(topic, name, null, false);
    }

    @Override
    public MessageConsumer createDurableConsumer(Topic topic, String name, String messageSelector, boolean noLocal)
            throws JMSException {
        checkOpen();
        domain.requireTopics("createDurableConsumer/createDurableSubscriber");
        StreamBusDestination d = topicDestination(topic);
        checkSubscriptionName(name);
        Selector sel = Selector.parse(messageSelector);
        return registered(connection.subscriptions().createDurable(this, d, name, sel, noLocal, false));
    }

    @Override
    public MessageConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName) throws JMSException {
        return createSharedConsumer(topic, sharedSubscriptionName, null);
    }

    @Override
    public MessageConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName, String messageSelector)
            throws JMSException {
        checkOpen();
        domain.requireTopics("createSharedConsumer");
        StreamBusDestination d = topicDestination(topic);
        checkSubscriptionName(sharedSubscriptionName);
        Selector sel = Selector.parse(messageSelector);
        return registered(connection.subscriptions().createShared(this, d, sharedSubscriptionName, sel));
    }

    @Override
    public MessageConsumer createSharedDurableConsumer(Topic topic, String name) throws JMSException {
        return createSharedDurableConsumer(topic, name, null);
    }

    @Override
    public MessageConsumer createSharedDurableConsumer(Topic topic, String name, String messageSelector)
            throws JMSException {
        checkOpen();
        domain.requireTopics("createSharedDurableConsumer");
        StreamBusDestination d = topicDestination(topic);
        checkSubscriptionName(name);
        Selector sel = Selector.parse(messageSelector);
        return registered(connection.subscriptions().createDurable(this, d, name, sel, false, true));
    }

    private static StreamBusDestination topicDestination(Topic topic) throws JMSException {
        if (topic == null) {
            throw new InvalidDestinationException("a subscription needs a topic, got null");
        }
        StreamBusDestination d = MessageCodec.toDestination(topic);
        if (d.isTemporary()) {
            throw new InvalidDestinationException("durable and shared subscriptions on temporary topics are not "
                    + "supported: " + d);
        }
        return d;
    }

    private static void checkSubscriptionName(String name) throws JMSException {
        if (name == null || name.isEmpty()) {
            throw new JMSException("a subscription name must not be null or empty");
        }
    }

    @Override
    public QueueBrowser createBrowser(Queue queue) throws JMSException {
        return createBrowser(queue, null);
    }

    @Override
    public QueueBrowser createBrowser(Queue queue, String messageSelector) throws JMSException {
        checkOpen();
        domain.requireQueues("createBrowser");
        if (queue == null) {
            throw new InvalidDestinationException("createBrowser needs a queue, got null");
        }
        StreamBusDestination d = MessageCodec.toDestination(queue);
        JmsQueueBrowser b = new JmsQueueBrowser(this, d, Selector.parse(messageSelector));
        browsers.add(b);
        return b;
    }

    @Override
    public Queue createQueue(String queueName) throws JMSException {
        checkOpen();
        domain.requireQueues("createQueue");
        return StreamBusQueue.of(queueName);
    }

    @Override
    public Topic createTopic(String topicName) throws JMSException {
        checkOpen();
        domain.requireTopics("createTopic");
        return StreamBusTopic.of(topicName);
    }

    @Override
    public TemporaryQueue createTemporaryQueue() throws JMSException {
        checkOpen();
        domain.requireQueues("createTemporaryQueue");
        return (StreamBusTemporaryQueue) connection.createTemporary(true);
    }

    @Override
    public TemporaryTopic createTemporaryTopic() throws JMSException {
        checkOpen();
        domain.requireTopics("createTemporaryTopic");
        return (StreamBusTemporaryTopic) connection.createTemporary(false);
    }

    @Override
    public void unsubscribe(String name) throws JMSException {
        checkOpen();
        domain.requireTopics("unsubscribe");
        checkSubscriptionName(name);
        connection.subscriptions().unsubscribe(name);
    }

    // ---------------------------------------------------------------- queue and topic session aliases

    @Override
    public QueueReceiver createReceiver(Queue queue) throws JMSException {
        return (QueueReceiver) createConsumer(queue);
    }

    @Override
    public QueueReceiver createReceiver(Queue queue, String messageSelector) throws JMSException {
        return (QueueReceiver) createConsumer(queue, messageSelector);
    }

    @Override
    public QueueSender createSender(Queue queue) throws JMSException {
        return (QueueSender) createProducer(queue);
    }

    @Override
    public TopicSubscriber createSubscriber(Topic topic) throws JMSException {
        return (TopicSubscriber) createConsumer(topic);
    }

    @Override
    public TopicSubscriber createSubscriber(Topic topic, String messageSelector, boolean noLocal)
            throws JMSException {
        return (TopicSubscriber) createConsumer(topic, messageSelector, noLocal);
    }

    @Override
    public TopicPublisher createPublisher(Topic topic) throws JMSException {
        return (TopicPublisher) createProducer(topic);
    }

    List<JmsMessageConsumer> consumers() {
        return consumers;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "JmsSession[" + connection.id() + ", " + policy.getClass().getSimpleName() + "]";
    }
}
