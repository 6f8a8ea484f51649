package io.streambus.jms.internal;

import io.streambus.client.admin.BrokerCapabilities;
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
import java.util.Collection;

/**
 * SESSION_TRANSACTED, an atomic local transaction over a broker transaction ({@link LocalTransaction}): sends go
 * into it at once, and {@link #commit()} stages what the session's consumers consumed in it (group offsets through
 * TxnOffsetCommit, spec B.7.5; share-group acknowledgements, spec B.13.15) and commits everything together;
 * {@link #rollback()} (and closing the session) aborts it and rewinds the consumers. Deliveries acknowledge nothing
 * by themselves, {@code recover()} is refused.
 *
 * <p>It needs a broker with transactions ({@link #requireTransactions}, checked when the session is created), and
 * for queues on share groups TXN_SHARE_ACKS ({@link #checkConsumer}): where a transaction could not be atomic the
 * session or consumer is refused, never made non-atomic. Thread-safety: see {@link AckPolicy}; the transaction
 * guards itself.
 */
final class TransactedPolicy extends AckPolicy {
    private final LocalTransaction transaction;

    TransactedPolicy(JmsSession session) {
        super(session);
        this.transaction = session == null ? null
                : new LocalTransaction(session, TransactionalIds.acquire(idBase(session.connection())));
    }

    private static String idBase(JmsConnection connection) {
        String clientId = connection.clientIdForSubscriptions();
        return clientId != null ? clientId : connection.id();
    }

    /**
     * Refuses a transacted session on a broker without transactions (spec B.7): its sends and acknowledgements
     * could not be atomic.
     *
     * @throws JMSException with error code {@code transactions}
     */
    static void requireTransactions(JmsConnection connection) throws JMSException {
        BrokerCapabilities caps = connection.capabilities();
        if (!caps.supportsTransactions()) {
            throw new JMSException("transacted sessions need a broker with transactions (spec B.7), which this one "
                    + "does not offer (" + caps + "): its sends and acknowledgements could not be atomic; use "
                    + "CLIENT_ACKNOWLEDGE", BrokerCapabilities.CAP_TRANSACTIONS);
        }
    }

    @Override
    int mode() {
        return Session.SESSION_TRANSACTED;
    }

    @Override
    boolean transacted() {
        return true;
    }

    /** A queue on a share group is acknowledged in the transaction (B.13.15): the broker must serve that. */
    @Override
    void checkConsumer(StreamBusDestination destination) throws JMSException {
        requireTransactionalShareAcks(destination, "a local transaction");
    }

    @Override
    void send(ProducerRecord<byte[], byte[]> record, Message original, StreamBusMessage sent,
              CompletionListener listener, DirectSend direct) throws JMSException {
        transaction.send(record, original, sent, listener);
    }

    /** The session's transactional producer, with its transaction open. */
    @Override
    Producer<byte[], byte[]> producer() throws JMSException {
        return transaction.open();
    }

    @Override
    void afterReceive(JmsMessageConsumer c) throws JMSException {
        transaction.delivered(c);
    }

    @Override
    void afterListener(JmsMessageConsumer c, boolean ok) throws JMSException {
        transaction.delivered(c); // a listener that threw leaves the decision to commit or rollback
    }

    @Override
    void partitionsRevoked(JmsMessageConsumer c, Collection<TopicPartition> partitions) {
        if (c.deliveredUnacknowledged(partitions)) {
            // Their messages go to the partitions' next owner: what the transaction made of them must not commit.
            transaction.rollbackOnly("partitions " + partitions + " with messages consumed in the transaction were "
                    + "reassigned to another consumer of the group");
        }
    }

    @Override
    void consumerClosing(JmsMessageConsumer c) {
        transaction.consumerClosing(c);
    }

    @Override
    void commit() throws JMSException {
        transaction.commit();
    }

    @Override
    void rollback() throws JMSException {
        transaction.rollback();
    }

    @Override
    void recover() throws JMSException {
        throw new IllegalStateException("recover() is not allowed in a transacted session; use rollback()");
    }

    @Override
    void sessionClosing() {
        transaction.close(); // closing a transacted session rolls back
    }

    @Override
    public String toString() {
        return "TransactedPolicy[" + transaction + "]";
    }
}
