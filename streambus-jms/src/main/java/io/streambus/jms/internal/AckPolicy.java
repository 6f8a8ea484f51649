package io.streambus.jms.internal;

import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.common.TopicPartition;
import io.streambus.jms.StreamBusDestination;
import io.streambus.jms.message.StreamBusMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;
import java.util.Collection;

/**
 * What a session's acknowledgement mode (or its local transaction) does at each point of a message's life: after a
 * delivery by {@code receive} or a listener, on {@link Message#acknowledge()}, {@code recover()}, {@code commit()},
 * {@code rollback()}, when a consumer loses partitions or closes, and with every send. One instance per session,
 * created by {@link #create}, the only place that looks at the mode; the session and its consumers and producers
 * delegate to it.
 *
 * <p>The defaults here are those of the modes where the application decides (CLIENT_ACKNOWLEDGE and
 * SESSION_TRANSACTED): a delivery acknowledges nothing by itself. Mechanisms (committing, rewinding, counting) live in
 * {@link JmsMessageConsumer}; the policy only decides which of them runs when.
 *
 * <p>Thread-safety: the hooks are called by the session's thread (JMS allows one at a time), its listener
 * dispatcher, and a consumer's fetcher thread; implementations keep no state except {@link TransactedPolicy}'s
 * transaction, which guards itself.
 */
abstract class AckPolicy {
    /** The session this policy belongs to. */
    protected final JmsSession session;

    protected AckPolicy(JmsSession session) {
        this.session = session;
    }

    /**
     * The policy for {@code mode}, as {@link #sessionMode} returned it.
     *
     * @throws java.lang.IllegalArgumentException for a mode that is not one of the four JMS modes
     */
    static AckPolicy create(JmsSession session, int mode) {
        return switch (mode) {
            case Session.AUTO_ACKNOWLEDGE -> new AutoAckPolicy(session, false);
            case Session.DUPS_OK_ACKNOWLEDGE -> new DupsOkAckPolicy(session);
            case Session.CLIENT_ACKNOWLEDGE -> new ClientAckPolicy(session);
            case Session.SESSION_TRANSACTED -> new TransactedPolicy(session);
            default -> throw new java.lang.IllegalArgumentException("invalid session mode " + mode);
        };
    }

    /** True for the four JMS session modes. */
    static boolean isValidMode(int mode) {
        return mode == Session.AUTO_ACKNOWLEDGE || mode == Session.DUPS_OK_ACKNOWLEDGE
                || mode == Session.CLIENT_ACKNOWLEDGE || mode == Session.SESSION_TRANSACTED;
    }

    /**
     * The mode of {@code Connection.createSession(transacted, acknowledgeMode)}: SESSION_TRANSACTED when
     * {@code transacted} (the acknowledge mode is then ignored, as JMS says), else the acknowledge mode.
     *
     * @throws JMSException for an acknowledge mode JMS does not define
     */
    static int sessionMode(boolean transacted, int acknowledgeMode) throws JMSException {
        if (transacted) {
            return Session.SESSION_TRANSACTED;
        }
        if (!isValidMode(acknowledgeMode)) {
            throw new JMSException("invalid acknowledge mode " + acknowledgeMode + " (AUTO_ACKNOWLEDGE=1, "
                    + "CLIENT_ACKNOWLEDGE=2, DUPS_OK_ACKNOWLEDGE=3, SESSION_TRANSACTED=0)");
        }
        return acknowledgeMode;
    }

    /** The {@link Session} constant of this policy's mode. */
    abstract int mode();

    /** True for the local transaction ({@link Session#getTransacted()}). */
    boolean transacted() {
        return false;
    }

    // ---------------------------------------------------------------- deliveries

    /** {@code receive} handed out a message of {@code c} (also a {@code receiveBody} whose body could be read). */
    void afterReceive(JmsMessageConsumer c) throws JMSException {
    }

    /** {@code c}'s listener returned ({@code ok}) or threw. */
    void afterListener(JmsMessageConsumer c, boolean ok) throws JMSException {
    }

    /** What becomes of a message whose listener threw: for the log. */
    String listenerFailureOutcome() {
        return "the session decides (recover/rollback)";
    }

    /** {@code receiveBody} took a message of {@code c} whose body is not of the type asked for. */
    void bodyRejected(JmsMessageConsumer c) throws JMSException {
        afterReceive(c);
    }

    // ---------------------------------------------------------------- consumer events (fetcher thread)

    /** Each round of {@code c}'s fetch loop: the chance to commit lazily. */
    void fetcherRound(JmsMessageConsumer c) {
    }

    /** {@code c} is losing {@code partitions} to a rebalance, before it forgets them. */
    void partitionsRevoked(JmsMessageConsumer c, Collection<TopicPartition> partitions) {
    }

    /** {@code c}'s fetcher is stopping (consumer or session close), before the client consumer closes. */
    void consumerClosing(JmsMessageConsumer c) {
    }

    // ---------------------------------------------------------------- session operations

    /** {@link Message#acknowledge()} of a message this session delivered. */
    final void acknowledgeMessage() throws JMSException {
        if (session.isClosed()) {
            throw new IllegalStateException("the session of this message is closed");
        }
        acknowledgeSession();
    }

    /** {@code JMSContext.acknowledge()}: acknowledges everything the session consumed, where the mode says so. */
    void acknowledgeSession() throws JMSException {
    }

    /** {@link Session#recover()}. */
    abstract void recover() throws JMSException;

    /** {@link Session#commit()}. */
    abstract void commit() throws JMSException;

    /** {@link Session#rollback()}. */
    abstract void rollback() throws JMSException;

    /**
     * The producer that the session's sends go through now: the connection's shared one ({@link XaSessionPolicy}:
     * the producer of the XA branch the session works in).
     */
    Producer<byte[], byte[]> producer() throws JMSException {
        return session.connection().transport().producer();
    }

    /**
     * True when the session's sends outside a transaction may return before the broker confirmed them (the
     * connection's {@code blockOn...Send} settings then decide): the modes without a transaction. Transacted and XA
     * sessions keep every send's outcome for their commit or prepare, so their sends never go unconfirmed.
     */
    boolean mayLeaveSendsUnconfirmed() {
        return false;
    }

    /** Performs a send at once, as the producer would without a transaction. */
    @FunctionalInterface
    interface DirectSend {
        void send() throws JMSException;
    }

    /**
     * A producer of the session sends {@code record} (encoded from {@code sent}, which is {@code original} or the
     * provider's copy of a foreign message).
     *
     * @param listener the CompletionListener of an asynchronous send, or null
     * @param direct   the send without a transaction
     */
    abstract void send(ProducerRecord<byte[], byte[]> record, Message original, StreamBusMessage sent,
                       CompletionListener listener, DirectSend direct) throws JMSException;

    /**
     * {@code createConsumer} of {@code destination} in this session, before the consumer is made: the place to refuse
     * a consumer whose acknowledgements the mode cannot honour.
     */
    void checkConsumer(StreamBusDestination destination) throws JMSException {
    }

    /**
     * Refuses a queue consumer on a share group when the broker cannot make its acknowledgements part of a
     * transaction (TXN_SHARE_ACKS, spec B.13.15): a transaction over it could not be atomic.
     *
     * @param what the kind of transaction, for the message
     */
    protected final void requireTransactionalShareAcks(StreamBusDestination destination, String what)
            throws JMSException {
        JmsConnection connection = session.connection();
        if (destination.isQueue() && !destination.isTemporary() && connection.shareQueues()
                && !connection.capabilities().supportsTxnShareAcks()) {
            throw new JMSException("queue " + destination.getName() + " is consumed through a share group, and the "
                    + "broker cannot make share-group acknowledgements part of " + what + " (it lacks "
                    + "TXN_SHARE_ACKS, spec B.13.15; " + connection.capabilities() + "); consume the queue through a "
                    + "consumer group (queueMode=group) or outside the transaction",
                    BrokerCapabilities.CAP_TXN_SHARE_ACKS);
        }
    }

    /** The session closes (after its listeners stopped, before its consumers close). */
    void sessionClosing() {
    }

    /** Rewinds every consumer of the session to its last committed position. */
    protected final void rewindConsumers() throws JMSException {
        for (JmsMessageConsumer c : session.consumers()) {
            c.rewind();
        }
    }

    /**
     * Commits every consumer of the session up to what it delivered, and waits until the broker has it
     * ({@code acknowledge()}, {@code commit()}: once they return, a crash must not deliver those messages again).
     */
    protected final void commitConsumers() throws JMSException {
        for (JmsMessageConsumer c : session.consumers()) {
            c.commitConsumedAndConfirm();
        }
    }
}
