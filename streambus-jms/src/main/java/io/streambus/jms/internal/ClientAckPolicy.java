package io.streambus.jms.internal;

import jakarta.jms.JMSException;
import jakarta.jms.Session;

/**
 * CLIENT_ACKNOWLEDGE: nothing is acknowledged until the application calls {@code Message.acknowledge()} (or
 * {@code JMSContext.acknowledge()}), which commits every consumer of the session up to its last delivered message,
 * as JMS defines it. A closing consumer and a rebalance acknowledge nothing: the next owner gets those messages
 * again. Stateless; see {@link AckPolicy} for thread-safety.
 */
final class ClientAckPolicy extends NonTransactedPolicy {

    ClientAckPolicy(JmsSession session) {
        super(session);
    }

    @Override
    int mode() {
        return Session.CLIENT_ACKNOWLEDGE;
    }

    @Override
    void acknowledgeSession() throws JMSException {
        if (session.isClosed()) {
            throw new jakarta.jms.IllegalStateException("the session of this message is closed");
        }
        commitConsumers();
    }
}
