package io.streambus.jms.internal;

import io.streambus.client.admin.Admin;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.GroupConsumer;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.XaProducer;
import io.streambus.client.share.ShareConsumer;
import java.time.Duration;
import java.util.Map;

/**
 * What one JMS connection uses of the StreamBus client (its own client instance and connection pool). The
 * provider's only boundary to streambus-transport. Thread-safe.
 */
interface Transport {
    Admin admin();

    /** Consumers created from now on read committed data unless the configuration says otherwise. */
    void readCommittedByDefault();

    /** The connection's shared producer (byte[] keys and values), created on first use. */
    Producer<byte[], byte[]> producer();

    /**
     * A new producer for XA branches (spec B.7.8), owned by the caller (which closes it); its records are sent only
     * within a branch.
     */
    XaProducer<byte[], byte[]> newXaProducer();

    /**
     * A new transactional producer with {@code transactionalId} (spec B.7), owned by the caller (which closes it), for
     * a transacted session's local transactions.
     */
    Producer<byte[], byte[]> newTransactionalProducer(String transactionalId);

    /** A new partition consumer with these consumer-scope overrides. */
    Consumer<byte[], byte[]> newConsumer(Map<String, Object> overrides);

    /** A new member of consumer group {@code groupId}; offsets are committed explicitly (no auto-commit). */
    GroupConsumer<byte[], byte[]> newGroupConsumer(String groupId, Map<String, Object> overrides);

    /** A new member of share group {@code groupId} (spec B.13) with these consumer-scope overrides. */
    ShareConsumer<byte[], byte[]> newShareConsumer(String groupId, Map<String, Object> overrides);

    /** Closes producer, consumers and connections, waiting at most {@code timeout}. */
    void close(Duration timeout);
}
