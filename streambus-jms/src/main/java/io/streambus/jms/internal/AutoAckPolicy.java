package io.streambus.jms.internal;

import jakarta.jms.JMSException;
import jakarta.jms.Session;

/**
 * AUTO_ACKNOWLEDGE: the consumer's position is committed (synchronously) after each {@code receive} returns and
 * each listener returns. The lazy commits of the fetch loop only cover partitions where nothing delivered waits
 * for that commit, i.e. records that were skipped. Stateless; see {@link AckPolicy} for thread-safety.
 */
final class AutoAckPolicy extends AutomaticAckPolicy {

    AutoAckPolicy(JmsSession session) {
        super(session);
    }

    @Override
    int mode() {
        return Session.AUTO_ACKNOWLEDGE;
    }

    @Override
    void afterReceive(JmsMessageConsumer c) throws JMSException {
        c.commitConsumed();
    }

    @Override
    void fetcherRound(JmsMessageConsumer c) {
        c.commitLazily(false);
    }
}
