package io.streambus.jms.internal;

import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.producer.RecordMetadata;
import io.streambus.jms.message.StreamBusMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;
import jakarta.jms.TransactionRolledBackException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * SESSION_TRANSACTED, a local transaction: sends are held until {@link #commit()}, which sends them, waits for every
 * broker acknowledgement and then commits the consumers' positions; {@link #rollback()} (and closing the session)
 * drops the held sends and rewinds the consumers. The two steps of a commit are not atomic: a failure between them
 * delivers the consumed messages again although the sends were made (see MAPPING.md). Deliveries acknowledge
 * nothing by themselves, {@code recover()} is refused.
 *
 * <p>Thread-safety: the held sends are guarded by their own monitor, so that a producer used from a
 * CompletionListener thread cannot corrupt them; the rest follows {@link AckPolicy}.
 */
final class TransactedPolicy extends AckPolicy {
    private final List<HeldSend> heldSends = new ArrayList<>();

    /** A send held until commit: the record, and the messages that get its JMSMessageID once it is sent. */
    private record HeldSend(ProducerRecord<byte[], byte[]> record, Message original, StreamBusMessage sent) {
    }

    TransactedPolicy(JmsSession session) {
        super(session);
    }

    @Override
    int mode() {
        return Session.SESSION_TRANSACTED;
    }

    @Override
    boolean transacted() {
        return true;
    }

    @Override
    void send(ProducerRecord<byte[], byte[]> record, Message original, StreamBusMessage sent,
              CompletionListener listener, DirectSend direct) {
        synchronized (heldSends) {
            heldSends.add(new HeldSend(record, original, sent));
        }
        if (listener != null) {
            // Held sends complete at commit; the listener learns it is accepted now (JMS 3.1 §7.3.8 allows it).
            ExecutorService ex = session.completions();
            ex.execute(() -> {
                try {
                    listener.onCompletion(original);
                } finally {
                    session.asyncCompleted();
                }
            });
        }
    }

    @Override
    void commit() throws JMSException {
        List<HeldSend> sends = takeHeldSends();
        // 1. Sends, all acknowledged by the broker.
        if (!sends.isEmpty()) {
            sendAll(sends);
        }
        // 2. Consumer positions. A failure here redelivers consumed messages (the non-atomic window).
        commitConsumers();
    }

    private void sendAll(List<HeldSend> sends) throws JMSException {
        JmsConnection connection = session.connection();
        List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>(sends.size());
        for (HeldSend h : sends) {
            futures.add(connection.transport().producer().send(h.record()));
        }
        int failed = 0;
        JMSException first = null;
        for (int i = 0; i < sends.size(); i++) {
            HeldSend h = sends.get(i);
            try {
                RecordMetadata md = Jms.await(futures.get(i), connection.config().sendTimeoutMs(),
                        "transacted send to " + h.record().topic());
                String id = MessageCodec.messageId(md.topic(), md.partition(), md.offset());
                h.original().setJMSMessageID(id);
                if (h.sent() != h.original()) {
                    h.sent().setJMSMessageID(id);
                }
            } catch (JMSException e) {
                failed++;
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            rewindConsumers();
            TransactionRolledBackException tre = new TransactionRolledBackException("commit failed: " + failed
                    + " of " + sends.size() + " sends were not acknowledged (the others were delivered: a "
                    + "StreamBus transaction is not atomic); consumed messages will be delivered again. First "
                    + "failure: " + first.getMessage());
            tre.setLinkedException(first);
            tre.initCause(first);
            throw tre;
        }
    }

    @Override
    void rollback() throws JMSException {
        takeHeldSends();
        rewindConsumers();
    }

    @Override
    void recover() throws JMSException {
        throw new IllegalStateException("recover() is not allowed in a transacted session; use rollback()");
    }

    @Override
    void sessionClosing() {
        takeHeldSends(); // closing a transacted session rolls back
    }

    private List<HeldSend> takeHeldSends() {
        synchronized (heldSends) {
            List<HeldSend> sends = new ArrayList<>(heldSends);
            heldSends.clear();
            return sends;
        }
    }
}
