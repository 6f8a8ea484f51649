package io.streambus.jms.internal;

import jakarta.jms.JMSException;
import jakarta.jms.Session;

/**
 * AUTO_ACKNOWLEDGE: the message is acknowledged after each {@code receive} returns and each listener returns. On a
 * consumer group the position is handed to the fetcher thread, which commits it without the receiving thread
 * waiting (coalesced, in order); with {@code blockOnAcknowledge} it is committed synchronously instead. The lazy
 * commits of the fetch loop only cover partitions where nothing delivered waits for that commit, i.e. records that
 * were skipped. Stateless; see {@link AckPolicy} for thread-safety.
 */
final class AutoAckPolicy extends AutomaticAckPolicy {

    /** Commits synchronously (blockOnAcknowledge, or an XA session outside its branches). */
    private final boolean blocking;

    /**
     * @param blocking commit before the delivery completes; false: hand the position to the fetcher without waiting
     */
    AutoAckPolicy(JmsSession session, boolean blocking) {
        super(session);
        this.blocking = blocking;
    }

    @Override
    int mode() {
        return Session.AUTO_ACKNOWLEDGE;
    }

    @Override
    void afterReceive(JmsMessageConsumer c) throws JMSException {
        if (blocking) {
            c.commitConsumed();
        } else {
            c.acknowledgeConsumed();
        }
    }

    @Override
    void fetcherRound(JmsMessageConsumer c) {
        c.sendAcknowledged();
        c.commitLazily(false);
    }
}
