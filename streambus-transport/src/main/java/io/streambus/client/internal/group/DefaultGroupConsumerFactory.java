package io.streambus.client.internal.group;

import io.streambus.client.ClientConfig;
import io.streambus.client.consumer.GroupConsumer;
import io.streambus.client.internal.ClientContext;
import io.streambus.client.internal.GroupConsumerFactory;
import io.streambus.client.serialization.Deserializer;

/**
 * Creates {@link DefaultGroupConsumer}s; loaded by name from {@link io.streambus.client.StreamBusClient}. Thread-safe.
 */
public final class DefaultGroupConsumerFactory implements GroupConsumerFactory {

    public DefaultGroupConsumerFactory() {
        // loaded reflectively
    }

    @Override
    public <K, V> GroupConsumer<K, V> create(ClientContext context, String groupId, Deserializer<K> keyDeserializer,
                                             Deserializer<V> valueDeserializer, ClientConfig config) {
        return new DefaultGroupConsumer<>(context, groupId, keyDeserializer, valueDeserializer, config);
    }
}
