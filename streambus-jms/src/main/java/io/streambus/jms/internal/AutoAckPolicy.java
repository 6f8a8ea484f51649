package io.streambus.jms.internal;

import jakarta.jms.JMSException;
import jakarta.jms.Session;

/**
 * AUTO_ACKNOWLEDGE: the message is acknowledged after each {@code receive} returns and each listener returns. On a
 * consumer group the position is handed to the fetcher thread, which commits it without the receiving thread
 * waiting (coalesced, in order); with {@code blockOnAcknowledge} it is committed synchronously instead. The lazy
 * commits of the fetch loop only cover partitions where nothing delivered waits for that commit, i.e. records that
 * were skipped. Immutable; see {@link AckPolicy} for thread-safety.
 */
final class AutoAckPolicy extends AutomaticAckPolicy {

    /** Commits synchronously whatever the factory says (an XA session outside its branches). */
    private final boolean alwaysBlocking;

    /**
     * @param alwaysBlocking commit before the delivery completes; false: as the connection's
     *                       {@code blockOnAcknowledge} says
     */
    AutoAckPolicy(JmsSession session, boolean alwaysBlocking) {
        super(session);
        this.alwaysBlocking = alwaysBlocking;
    }

    @Override
    int mode() {
        return Session.AUTO_ACKNOWLEDGE;
    }

    @Override
    void afterReceive(JmsMessageConsumer c) throws JMSException {
        if (alwaysBlocking || session.connection().config().blockOnAcknowledge()) {
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
