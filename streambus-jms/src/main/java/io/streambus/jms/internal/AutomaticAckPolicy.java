package io.streambus.jms.internal;

import io.streambus.common.TopicPartition;
import jakarta.jms.JMSException;
import java.util.Collection;

/**
 * The common part of AUTO_ACKNOWLEDGE and DUPS_OK_ACKNOWLEDGE, where the provider acknowledges: a listener that
 * returns acknowledges its message, one that throws gets it again at once (JMS 3.1 §8.7), as does a
 * {@code receiveBody} of the wrong type; records skipped on the way (selector, noLocal, expiry) are committed lazily;
 * partitions a rebalance takes away and a closing consumer commit what was consumed. Stateless; see
 * {@link AckPolicy} for thread-safety.
 */
abstract class AutomaticAckPolicy extends NonTransactedPolicy {

    protected AutomaticAckPolicy(JmsSession session) {
        super(session);
    }

    @Override
    final void afterListener(JmsMessageConsumer c, boolean ok) throws JMSException {
        if (ok) {
            afterReceive(c);
        } else {
            c.rewind();
        }
    }

    @Override
    final String listenerFailureOutcome() {
        return "it will be delivered again";
    }

    @Override
    final void bodyRejected(JmsMessageConsumer c) throws JMSException {
        c.rewind();
    }

    @Override
    final void partitionsRevoked(JmsMessageConsumer c, Collection<TopicPartition> partitions) {
        c.commitRevoked(partitions);
    }

    @Override
    final void consumerClosing(JmsMessageConsumer c) {
        c.flushCommits();
    }
}
