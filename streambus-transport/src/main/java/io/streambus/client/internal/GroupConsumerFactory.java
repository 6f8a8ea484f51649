package io.streambus.client.internal;

import io.streambus.client.ClientConfig;
import io.streambus.client.consumer.GroupConsumer;
import io.streambus.client.serialization.Deserializer;

/**
 * How {@link io.streambus.client.StreamBusClient#newGroupConsumer} creates group consumers: the implementation is
 * the class {@value #IMPLEMENTATION} (package {@code io.streambus.client.internal.group}, public, with a public
 * no-argument constructor), loaded once from this library's own class loader. Internal API.
 */
public interface GroupConsumerFactory {

    /** Fully qualified name of the implementation. */
    String IMPLEMENTATION = "io.streambus.client.internal.group.DefaultGroupConsumerFactory";

    /**
     * @param context the client's internals (connections, fetch engine, scheduler)
     * @param groupId the group, 1 to 1024 bytes of UTF-8 (B.6.1)
     * @param config  the client configuration with the consumer's overrides applied (group keys included)
     */
    <K, V> GroupConsumer<K, V> create(ClientContext context, String groupId, Deserializer<K> keyDeserializer,
                                      Deserializer<V> valueDeserializer, ClientConfig config);
}
