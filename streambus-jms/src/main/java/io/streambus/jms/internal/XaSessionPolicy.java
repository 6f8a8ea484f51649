package io.streambus.jms.internal;

import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.common.TopicPartition;
import io.streambus.jms.StreamBusDestination;
import io.streambus.jms.message.StreamBusMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;
import jakarta.jms.TransactionInProgressException;
import jakarta.jms.TransactionRolledBackException;
import java.util.Collection;

/**
 * The mode of an {@link JmsXaSession}: while its {@link JmsXaResource} associates it with an XA branch, sends go to
 * the branch's producer and deliveries stay unacknowledged until the branch is ended, which stages them in the
 * branch; outside a branch the session behaves as AUTO_ACKNOWLEDGE (see {@link #afterReceive}). {@code commit()}
 * and {@code rollback()} belong to the transaction manager ({@link TransactionInProgressException}). Queue
 * consumers on share groups need TXN_SHARE_ACKS ({@link #checkConsumer}); see {@link AckPolicy} for thread-safety.
 */
final class XaSessionPolicy extends AckPolicy {
    private final AckPolicy outside;
    private JmsXaResource resource;
    private final KnownTopics knownTopics;

    XaSessionPolicy(JmsSession session) {
        super(session);
        // Synchronous: a position committed later in a branch must never be overtaken by an earlier one sent lazily.
        this.outside = new AutoAckPolicy(session, true);
        this.knownTopics = new KnownTopics(session);
    }

    /** Set once by the session, right after construction. */
    void resource(JmsXaResource r) {
        this.resource = r;
    }

    private boolean inBranch() {
        return resource.activeBranch() != null;
    }

    /** True while no branch of the session is undecided: positions may then be committed as in AUTO_ACKNOWLEDGE. */
    private boolean autoAcknowledging() {
        return !resource.hasOpenBranches();
    }

    @Override
    int mode() {
        return Session.SESSION_TRANSACTED;
    }

    @Override
    boolean transacted() {
        return true;
    }

    /**
     * Outside a branch deliveries are acknowledged as in AUTO_ACKNOWLEDGE, except while a branch of the session is
     * undecided: committing positions then would acknowledge what that branch consumed outside it. Such deliveries
     * stay unacknowledged until a later branch stages them or the session acknowledges again outside one.
     */
    @Override
    void afterReceive(JmsMessageConsumer c) throws JMSException {
        if (inBranch()) {
            stageDelivery(c);
        } else if (autoAcknowledging()) {
            outside.afterReceive(c);
        }
    }

    @Override
    void afterListener(JmsMessageConsumer c, boolean ok) throws JMSException {
        if (inBranch()) {
            stageDelivery(c);
            return;
        }
        if (autoAcknowledging()) {
            outside.afterListener(c, ok);
        } else if (!ok) {
            c.rewind(); // the listener failed: delivered again, as in AUTO_ACKNOWLEDGE
        }
    }

    /**
     * In a branch, a share-group member's deliveries are staged in it once it has handed out what it buffered
     * (B.13.15), so that the member fetches on while the branch is open; a failure makes the branch rollback-only.
     * The rest (and positions) is staged at {@code end}.
     */
    private void stageDelivery(JmsMessageConsumer c) throws JMSException {
        XaSessionBranch b = resource.activeBranch();
        if (b == null || !c.acknowledgesPerRecord() || c.hasDeliverable()) {
            return;
        }
        try {
            c.stageInBranch(() -> resource.branchProducer(b));
        } catch (JMSException | RuntimeException e) {
            b.fail(e);
            throw e instanceof JMSException j ? j : Jms.jms("acknowledging a message of " + c + " in " + b, e);
        }
    }

    @Override
    String listenerFailureOutcome() {
        return inBranch() ? "the XA transaction decides" : outside.listenerFailureOutcome();
    }

    @Override
    void bodyRejected(JmsMessageConsumer c) throws JMSException {
        if (!inBranch()) {
            outside.bodyRejected(c);
        }
    }

    @Override
    void fetcherRound(JmsMessageConsumer c) {
        if (autoAcknowledging()) {
            outside.fetcherRound(c);
        }
    }

    @Override
    void partitionsRevoked(JmsMessageConsumer c, Collection<TopicPartition> partitions) {
        // In a branch, what was consumed there goes to the partitions' next owner again (never committed outside).
        if (autoAcknowledging()) {
            outside.partitionsRevoked(c, partitions);
        }
    }

    @Override
    void consumerClosing(JmsMessageConsumer c) {
        if (autoAcknowledging()) {
            outside.consumerClosing(c);
        }
    }

    /** A queue on a share group is acknowledged within the branch (B.13.15): the broker must serve that. */
    @Override
    void checkConsumer(StreamBusDestination destination) throws JMSException {
        requireTransactionalShareAcks(destination, "an XA transaction");
    }

    @Override
    void recover() throws JMSException {
        if (inBranch()) {
            throw new IllegalStateException("recover() is not allowed while the session works in an XA transaction");
        }
        outside.recover();
    }

    @Override
    void commit() throws JMSException {
        throw new TransactionInProgressException("commit() is not allowed on an XASession: its transaction is "
                + "decided through its XAResource (the transaction manager)");
    }

    @Override
    void rollback() throws JMSException {
        throw new TransactionInProgressException("rollback() is not allowed on an XASession: its transaction is "
                + "decided through its XAResource (the transaction manager)");
    }

    @Override
    void send(ProducerRecord<byte[], byte[]> record, Message original, StreamBusMessage sent,
              CompletionListener listener, DirectSend direct) throws JMSException {
        XaSessionBranch b = resource.activeBranch();
        if (b == null) {
            direct.send();
            return;
        }
        XaBranchState state = b.state();
        if (state == XaBranchState.ROLLBACK_ONLY || state == XaBranchState.DONE) {
            TransactionRolledBackException e = new TransactionRolledBackException("the XA transaction of this "
                    + "session " + (state == XaBranchState.DONE ? "was rolled back by the transaction manager"
                    : "can only be rolled back: " + b.failure()));
            if (b.failure() instanceof Exception cause) {
                e.setLinkedException(cause);
            }
            throw e;
        }
        try {
            knownTopics.ensure(record.topic());
            direct.send(); // through producer(): the branch's
        } catch (JMSException e) {
            b.fail(e); // B.7.8.8: the branch's prepare then rolls it back and throws XA_RBROLLBACK
            throw e;
        }
    }

    /** In a branch, the producer holding it (InitXaBranch goes out with the first send); else the connection's. */
    @Override
    Producer<byte[], byte[]> producer() throws JMSException {
        XaSessionBranch b = resource.activeBranch();
        return b == null ? super.producer() : resource.branchProducer(b);
    }

    @Override
    void sessionClosing() {
        resource.sessionClosing();
        if (autoAcknowledging()) {
            outside.sessionClosing();
        }
    }
}
