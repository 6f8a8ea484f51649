package io.streambus.jms.internal;

import io.streambus.client.producer.ProducerRecord;
import io.streambus.jms.message.StreamBusMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;

/**
 * The common part of the three acknowledgement modes without a transaction: sends go out at once (and, as the
 * connection's settings say, may return before the broker confirmed them),
 * {@code commit()} and {@code rollback()} are refused, and {@code recover()} rewinds every consumer of the session so
 * that what it delivered and was not acknowledged comes again, marked redelivered. Stateless; see {@link AckPolicy}
 * for thread-safety.
 */
abstract class NonTransactedPolicy extends AckPolicy {

    protected NonTransactedPolicy(JmsSession session) {
        super(session);
    }

    @Override
    final void recover() throws JMSException {
        rewindConsumers();
    }

    @Override
    final void commit() throws JMSException {
        throw new IllegalStateException("commit() needs a transacted session");
    }

    @Override
    final void rollback() throws JMSException {
        throw new IllegalStateException("rollback() needs a transacted session");
    }

    @Override
    final boolean mayLeaveSendsUnconfirmed() {
        return true;
    }

    @Override
    final void send(ProducerRecord<byte[], byte[]> record, Message original, StreamBusMessage sent,
                    CompletionListener listener, DirectSend direct) throws JMSException {
        direct.send();
    }
}
