package io.streambus.jms.internal;

import io.streambus.client.ClientConfig;
import io.streambus.client.admin.ShareGroupSettings;
import io.streambus.client.share.ShareConsumer;
import io.streambus.jms.StreamBusDestination;
import jakarta.jms.JMSException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the consumers of queues that are share groups (spec B.13): one share group per queue
 * ({@link Subscriptions#queueShareGroup}), configured from the connection factory's queue settings (delivery limit,
 * dead-letter queue) when a consumer is created, with the consumer's selector as the share fetch filter where it
 * translates ({@link ShareFilter}). Thread-safe.
 */
final class ShareQueues {
    private static final Logger LOG = LoggerFactory.getLogger(ShareQueues.class);

    private final JmsConnection connection;
    /** Groups this connection has configured already (settings are durable on the broker). */
    private final Set<String> configured = ConcurrentHashMap.newKeySet();

    ShareQueues(JmsConnection connection) {
        this.connection = connection;
    }

    /** A consumer of queue {@code d} as a member of the queue's share group. */
    JmsMessageConsumer createConsumer(JmsSession session, StreamBusDestination d, Selector sel, boolean noLocal)
            throws JMSException {
        JmsConfig config = connection.config();
        String queue = d.getName();
        connection.partitions(queue, true);
        String group = Subscriptions.queueShareGroup(config.groupPrefix(), queue);
        configure(group, queue);
        Map<String, Object> overrides = new HashMap<>();
        overrides.put(ClientConfig.SHARE_ACKNOWLEDGEMENT_MODE, "explicit");
        // Records are handed to the JMS consumer a poll at a time (a poll per record made every message a thread
        // hand-off between the fetcher and the application); what a closing consumer never delivered is RETURNed
        // uncounted, by ShareSource and by the share consumer.
        overrides.put(ClientConfig.MAX_POLL_RECORDS, Math.min(config.prefetch(), ShareSource.MAX_POLL_RECORDS));
        overrides.put(ClientConfig.SHARE_PREFETCH_MAX_RECORDS, Math.min(config.prefetch(), 100_000));
        if (sel != null) {
            Optional<String> filter = ShareFilter.translate(sel.text());
            if (filter.isPresent()) {
                overrides.put(ClientConfig.SHARE_FILTER, filter.get());
            } else {
                LOG.warn("queue {}: selector '{}' names a header field the broker cannot see (or uses arithmetic); it "
                        + "is evaluated by the consumer, which releases what it does not select (each release counts "
                        + "a delivery attempt)", queue, sel.text());
            }
        }
        ShareConsumer<byte[], byte[]> sc;
        try {
            sc = connection.transport().newShareConsumer(group, overrides);
        } catch (RuntimeException e) {
            throw Jms.jms("cannot create a member of share group " + group, e);
        }
        JmsMessageConsumer c = new JmsMessageConsumer(session, d, sel, noLocal, JmsMessageConsumer.Kind.QUEUE, null,
                group);
        c.start(new ShareSource(sc, queue, c.rebalanceListener()), () -> { });
        return c;
    }

    /** Applies the factory's delivery limit and dead-letter queue to {@code group}, once per connection. */
    private void configure(String group, String queue) throws JMSException {
        JmsConfig.QueueSettings qs = connection.config().queues();
        String dlq = qs.deadLetterQueueOf(queue);
        if ((qs.maxDeliveryAttempts() == 0 && dlq == null) || configured.contains(group)) {
            return;
        }
        ShareGroupSettings.Builder b = ShareGroupSettings.builder();
        if (qs.maxDeliveryAttempts() > 0) {
            b.maxDeliveryAttempts(qs.maxDeliveryAttempts());
        }
        if (dlq != null) {
            b.deadLetterTopic(dlq);
        }
        try {
            Jms.await(connection.transport().admin().configureShareGroup(group, b.build()),
                    connection.config().requestTimeoutMs(), "configuring share group " + group);
        } catch (RuntimeException e) {
            throw Jms.jms("configuring share group " + group, e);
        }
        configured.add(group);
    }
}
