package io.streambus.jms.internal;

import io.streambus.client.ClientConfig;
import io.streambus.client.StreamBusClient;
import io.streambus.client.admin.Admin;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.GroupConsumer;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.XaProducer;
import io.streambus.client.serialization.Serdes;
import io.streambus.client.share.ShareConsumer;
import java.time.Duration;
import java.util.Map;

/** {@link Transport} over one {@link StreamBusClient}. Thread-safe. */
final class StreamBusTransport implements Transport {
    private final StreamBusClient client;
    private volatile Producer<byte[], byte[]> producer;
    private final boolean isolationConfigured;
    private volatile boolean readCommitted;

    private StreamBusTransport(StreamBusClient client, boolean isolationConfigured) {
        this.client = client;
        this.isolationConfigured = isolationConfigured;
    }

    /** A transport over a new client with these properties. */
    static StreamBusTransport create(Map<String, Object> properties) {
        return new StreamBusTransport(StreamBusClient.create(properties),
                properties.containsKey(ClientConfig.ISOLATION_LEVEL));
    }

    /**
     * From now on, consumers read committed data unless {@code isolation.level} was configured: JMS wants a
     * transaction's sends delivered only once it commits (the client library's own default is read_uncommitted, as
     * Kafka's). Only for a broker with transactions (a core-only broker has no stable offset to read up to). Share
     * consumers always read committed data (spec B.13).
     */
    @Override
    public void readCommittedByDefault() {
        readCommitted = !isolationConfigured;
    }

    private Map<String, Object> withIsolation(Map<String, Object> overrides) {
        if (!readCommitted || overrides.containsKey(ClientConfig.ISOLATION_LEVEL)) {
            return overrides;
        }
        Map<String, Object> o = new java.util.HashMap<>(overrides);
        o.put(ClientConfig.ISOLATION_LEVEL, "read_committed");
        return o;
    }

    @Override
    public Admin admin() {
        return client.admin();
    }

    @Override
    public Producer<byte[], byte[]> producer() {
        Producer<byte[], byte[]> p = producer;
        if (p == null) {
            synchronized (this) {
                p = producer;
                if (p == null) {
                    p = client.newProducer(Serdes.byteArraySerializer(), Serdes.byteArraySerializer());
                    producer = p;
                }
            }
        }
        return p;
    }

    @Override
    public XaProducer<byte[], byte[]> newXaProducer() {
        return client.newXaProducer(Serdes.byteArraySerializer(), Serdes.byteArraySerializer(), Map.of());
    }

    @Override
    public Producer<byte[], byte[]> newTransactionalProducer(String transactionalId) {
        return client.newProducer(Serdes.byteArraySerializer(), Serdes.byteArraySerializer(),
                Map.of(ClientConfig.TRANSACTIONAL_ID, transactionalId));
    }

    @Override
    public Consumer<byte[], byte[]> newConsumer(Map<String, Object> overrides) {
        return client.newConsumer(Serdes.byteArrayDeserializer(), Serdes.byteArrayDeserializer(),
                withIsolation(overrides));
    }

    @Override
    public GroupConsumer<byte[], byte[]> newGroupConsumer(String groupId, Map<String, Object> overrides) {
        Map<String, Object> o = new java.util.HashMap<>(withIsolation(overrides));
        // JMS decides when positions are committed (acknowledgement modes), never a timer.
        o.put(ClientConfig.ENABLE_AUTO_COMMIT, false);
        return client.newGroupConsumer(groupId, Serdes.byteArrayDeserializer(), Serdes.byteArrayDeserializer(), o);
    }

    @Override
    public ShareConsumer<byte[], byte[]> newShareConsumer(String groupId, Map<String, Object> overrides) {
        return client.newShareConsumer(groupId, Serdes.byteArrayDeserializer(), Serdes.byteArrayDeserializer(),
                overrides);
    }

    @Override
    public void close(Duration timeout) {
        client.close(timeout);
    }
}
