package io.streambus.jms.internal;

import jakarta.jms.JMSException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The topics a transactional session knows to exist: a transaction adds partitions with AddPartitionsToTxn, which
 * does not auto-create topics as a plain Produce does (spec B.7.3), so a topic is created (if missing) before the
 * first transactional send to it, once per topic and session. Thread-safe.
 */
final class KnownTopics {
    private final JmsSession session;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    KnownTopics(JmsSession session) {
        this.session = session;
    }

    /** Creates {@code topic} if it is missing (the first time this session sends to it in a transaction). */
    void ensure(String topic) throws JMSException {
        if (!known.contains(topic)) {
            session.connection().partitions(topic, true);
            known.add(topic);
        }
    }
}
