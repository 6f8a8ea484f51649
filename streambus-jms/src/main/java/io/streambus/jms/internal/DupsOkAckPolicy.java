package io.streambus.jms.internal;

import jakarta.jms.Session;

/**
 * DUPS_OK_ACKNOWLEDGE: deliveries are counted and the fetch loop commits them in batches ({@code dupsOkBatchSize}
 * deliveries or {@code dupsOkInterval}, whichever comes first) and on close; a crash delivers the last batch again.
 * Stateless; see {@link AckPolicy} for thread-safety.
 */
final class DupsOkAckPolicy extends AutomaticAckPolicy {

    DupsOkAckPolicy(JmsSession session) {
        super(session);
    }

    @Override
    int mode() {
        return Session.DUPS_OK_ACKNOWLEDGE;
    }

    @Override
    void afterReceive(JmsMessageConsumer c) {
        c.deliveredLazily();
    }

    @Override
    void fetcherRound(JmsMessageConsumer c) {
        c.commitLazily(true);
    }
}
