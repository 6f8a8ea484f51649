package io.streambus.jms.internal;

import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerFencedException;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.producer.RecordMetadata;
import io.streambus.common.TopicPartition;
import io.streambus.jms.message.StreamBusMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TransactionRolledBackException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker transaction of one transacted session (spec B.7), as Kafka's consume-transform-produce loop and Qpid
 * JMS's local transaction context use one: a transactional producer of the session's own ({@link TransactionalIds}),
 * a transaction begun with the first work, the session's sends going out into it at once (invisible to
 * {@code read_committed} consumers until it commits), and at {@link #commit} what the session's consumers consumed
 * staged in it (group offsets through TxnOffsetCommit, share-group acknowledgements through B.13.15), then EndTxn.
 * Everything the session sent and consumed since the last commit or rollback is then decided together.
 *
 * <p>Thread-safe (its monitor): the session's thread works in it; CompletionListener threads only read.
 */
final class LocalTransaction {
    private static final Logger LOG = LoggerFactory.getLogger(LocalTransaction.class);

    private final JmsSession session;
    private final String transactionalId;
    private final KnownTopics topics;
    private LocalTxnState state = LocalTxnState.IDLE;
    private Producer<byte[], byte[]> producer;
    private final List<PendingSend> sends = new ArrayList<>();
    private String rollbackOnlyReason;
    private boolean closed;

    /** A send of the open transaction: its outcome, which the commit waits for. */
    private record PendingSend(CompletableFuture<RecordMetadata> future, String topic) {
    }

    /**
     * @param transactionalId the session's id from {@link TransactionalIds} (given back at {@link #close})
     */
    LocalTransaction(JmsSession session, String transactionalId) {
        this.session = session;
        this.transactionalId = transactionalId;
        this.topics = new KnownTopics(session);
    }

    String transactionalId() {
        return transactionalId;
    }

    synchronized LocalTxnState state() {
        return state;
    }

    /**
     * The producer with the transaction open, creating the producer (InitProducerID: fences an earlier producer of
     * the same id and aborts its open transaction) and beginning the transaction on first need.
     */
    synchronized Producer<byte[], byte[]> open() throws JMSException {
        if (closed) {
            throw new jakarta.jms.IllegalStateException("the transacted session is closed");
        }
        if (state == LocalTxnState.ROLLBACK_ONLY) {
            throw new TransactionRolledBackException("the transaction can only be rolled back: " + rollbackOnlyReason);
        }
        try {
            if (producer == null) {
                Producer<byte[], byte[]> p = session.connection().transport().newTransactionalProducer(transactionalId);
                try {
                    p.initTransactions();
                } catch (RuntimeException e) {
                    p.close(Duration.ofMillis(session.connection().config().closeTimeoutMs()));
                    throw e;
                }
                producer = p;
            }
            if (state == LocalTxnState.IDLE) {
                producer.beginTransaction();
                state = state.moveTo(LocalTxnState.OPEN);
            }
            return producer;
        } catch (RuntimeException e) {
            throw Jms.jms("starting the local transaction " + transactionalId, e);
        }
    }

    /**
     * Sends {@code record} in the transaction now (its JMSMessageID was set by the producer); {@link #commit} waits
     * for its outcome. A {@code listener} learns the outcome of the send (not of the commit).
     */
    void send(ProducerRecord<byte[], byte[]> record, Message original, StreamBusMessage sent,
              CompletionListener listener) throws JMSException {
        topics.ensure(record.topic());
        CompletableFuture<RecordMetadata> f;
        synchronized (this) {
            f = open().send(record);
            sends.add(new PendingSend(f, record.topic()));
        }
        if (listener != null) {
            ExecutorService ex = session.completions();
            f.whenComplete((md, err) -> ex.execute(() -> {
                try {
                    if (err == null) {
                        listener.onCompletion(original);
                    } else {
                        listener.onException(original, Jms.jms("transacted send to " + record.topic(), err));
                    }
                } finally {
                    session.asyncCompleted();
                }
            }));
        }
    }

    /**
     * Work that cannot be part of the transaction happened (a partition with messages consumed in it was revoked, a
     * closing consumer's messages could not be staged): the next {@link #commit} rolls back instead.
     */
    synchronized void rollbackOnly(String reason) {
        if (rollbackOnlyReason == null) {
            rollbackOnlyReason = reason;
        }
        if (state == LocalTxnState.OPEN) {
            state = state.moveTo(LocalTxnState.ROLLBACK_ONLY);
        }
    }

    /**
     * A share-group member of the session handed out a message: once it has handed out everything it buffered, the
     * acceptance of those messages is staged in the transaction (B.13.15 recommends staging early), so that their
     * acquisition locks no longer run and the member fetches on; one round trip per fetched batch, not per message.
     * A rollback aborts them and the broker delivers them again, counted. Other consumers are staged at
     * {@link #commit}, which also stages what is still pending here.
     *
     * @throws JMSException when staging failed: the transaction is then rollback-only
     */
    void delivered(JmsMessageConsumer c) throws JMSException {
        if (!c.acknowledgesPerRecord() || c.hasDeliverable()) {
            return;
        }
        try {
            c.stageInBranch(this::open);
        } catch (JMSException | RuntimeException e) {
            rollbackOnly("acknowledging a message of " + c + " in the transaction failed: " + Jms.unwrap(e));
            throw e instanceof JMSException j ? j : Jms.jms("acknowledging a message of " + c
                    + " in the transaction (it can only be rolled back now)", e);
        }
    }

    /**
     * A consumer of the session closes while the transaction may hold its deliveries: they are staged now (they
     * stay part of the transaction, as JMS wants), or the transaction becomes rollback-only. Fetcher thread.
     */
    void consumerClosing(JmsMessageConsumer c) {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        try {
            c.stageInBranch(this::open); // positions kept in memory die with the consumer: nothing to apply
        } catch (JMSException | RuntimeException e) {
            rollbackOnly("the messages of closed consumer " + c + " could not be staged: " + e.getMessage());
        }
    }

    /**
     * Commits: stages what every consumer of the session consumed, then EndTxn commit (which waits for every send);
     * the consumers' positions count as acknowledged afterwards. On any failure the transaction is aborted, the
     * consumers rewound, and {@link TransactionRolledBackException} thrown.
     */
    void commit() throws JMSException {
        Map<JmsMessageConsumer, Map<TopicPartition, Long>> staged = new LinkedHashMap<>();
        try {
            if (rollbackOnlyReasonIfAny() != null) {
                throw new TransactionRolledBackException("the transaction can only be rolled back: "
                        + rollbackOnlyReasonIfAny());
            }
            for (JmsMessageConsumer c : session.consumers()) {
                if (!c.isClosed()) {
                    staged.put(c, c.stageInBranch(this::open));
                }
            }
            List<PendingSend> pending;
            synchronized (this) {
                pending = List.copyOf(sends);
            }
            // Every send must be on the broker before EndTxn: one that failed (even in the client, which then
            // leaves the transaction committable) fails the commit, and the transaction is aborted below.
            awaitSends(pending);
            synchronized (this) {
                if (state == LocalTxnState.ROLLBACK_ONLY) {
                    throw new TransactionRolledBackException("the transaction can only be rolled back: "
                            + rollbackOnlyReason);
                }
                if (state == LocalTxnState.OPEN) {
                    producer.commitTransaction();
                    state = state.moveTo(LocalTxnState.IDLE);
                }
                takeSends();
            }
        } catch (JMSException | RuntimeException e) {
            abortQuietly();
            rewind();
            if (e instanceof TransactionRolledBackException t) {
                throw t;
            }
            TransactionRolledBackException t = new TransactionRolledBackException("commit of the local transaction "
                    + transactionalId + " failed, it was rolled back (its sends are discarded, its consumed "
                    + "messages will be delivered again): " + Jms.unwrap(e));
            t.setLinkedException(e);
            t.initCause(e);
            throw t;
        }
        for (Map.Entry<JmsMessageConsumer, Map<TopicPartition, Long>> e : staged.entrySet()) {
            try {
                e.getKey().branchCommitted(e.getValue());
            } catch (RuntimeException ex) {
                LOG.warn("{} after the commit of {}: {}", e.getKey(), transactionalId, ex.toString());
            }
        }
    }

    private synchronized String rollbackOnlyReasonIfAny() {
        return rollbackOnlyReason;
    }

    private void awaitSends(List<PendingSend> done) throws JMSException {
        for (PendingSend s : done) {
            Jms.await(s.future(), session.connection().config().sendTimeoutMs(), "transacted send to " + s.topic());
        }
    }

    /** Rolls back: aborts the open transaction (its sends are discarded) and rewinds every consumer. */
    void rollback() throws JMSException {
        abortQuietly();
        rewind();
    }

    private void rewind() throws JMSException {
        for (JmsMessageConsumer c : session.consumers()) {
            c.rewind();
        }
    }

    /** Aborts the broker transaction if one is open; a producer that cannot abort (fenced) is dropped. */
    private synchronized void abortQuietly() {
        takeSends();
        rollbackOnlyReason = null;
        if (state == LocalTxnState.IDLE) {
            return;
        }
        state = state.moveTo(LocalTxnState.IDLE);
        try {
            producer.abortTransaction();
        } catch (ProducerFencedException e) {
            LOG.warn("the producer of {} was fenced by a newer one with the same transactional.id (another "
                    + "connection with this client id?): {}", transactionalId, e.getMessage());
            closeProducer();
        } catch (RuntimeException e) {
            // The broker aborts it anyway (its timeout, or the next InitProducerID of this id): start afresh.
            LOG.warn("aborting the local transaction {} failed: {}", transactionalId, e.toString());
            closeProducer();
        }
    }

    private List<PendingSend> takeSends() {
        List<PendingSend> out = new ArrayList<>(sends);
        sends.clear();
        return out;
    }

    private void closeProducer() {
        Producer<byte[], byte[]> p = producer;
        producer = null;
        if (p != null) {
            try {
                p.close(Duration.ofMillis(session.connection().config().closeTimeoutMs()));
            } catch (RuntimeException e) {
                LOG.debug("closing the producer of {}: {}", transactionalId, e.toString());
            }
        }
    }

    /** The session closes: an open transaction is rolled back (JMS), the producer closed, the id given back. */
    synchronized void close() {
        closed = true;
        abortQuietly();
        closeProducer();
        TransactionalIds.release(transactionalId);
    }

    @Override
    public synchronized String toString() {
        return "LocalTransaction[" + transactionalId + ", " + state + "]";
    }
}
