package io.streambus.camel;

import io.streambus.client.ClientConfig;
import io.streambus.client.StreamBusClient;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.GroupConsumer;
import io.streambus.client.metrics.MetricsCollector;
import io.streambus.client.producer.Producer;
import io.streambus.client.security.TlsConfig;
import io.streambus.client.serialization.Deserializer;
import io.streambus.client.serialization.Serializer;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * Creates the StreamBus clients, producers and consumers the component uses: the seam for custom client set-ups and
 * for tests. Put one bean of this type in the registry and the component picks it up (autowired), or set it with the
 * component's {@code clientFactory} option. Implementations must be thread-safe.
 *
 * <p>The default methods create everything with the StreamBus client library; override only what you need.
 */
public interface StreamBusClientFactory {

    /**
     * Creates a client (connection pool) from client-wide configuration keys (see
     * {@link io.streambus.client.ClientConfig}). The component shares one client between every endpoint with the same
     * client-wide settings and closes it when the last of them stops.
     */
    default StreamBusClient createClient(Map<String, Object> clientProperties) {
        return StreamBusClient.create(clientProperties);
    }

    /**
     * As {@link #createClient(Map)}, with what cannot be written as properties: an SSLContext (from the
     * {@code sslContextParameters} option) and a metrics collector. Either may be null.
     */
    default StreamBusClient createClient(Map<String, Object> clientProperties, SSLContext sslContext,
                                         MetricsCollector metrics) {
        if (sslContext == null && metrics == null) {
            return createClient(clientProperties);
        }
        StreamBusClient.Builder b = StreamBusClient.builder().properties(clientProperties);
        if (sslContext != null) {
            Object verify = clientProperties.get(ClientConfig.SSL_ENDPOINT_IDENTIFICATION);
            b.tls(TlsConfig.builder().sslContext(sslContext)
                    .hostnameVerification(!"false".equalsIgnoreCase(String.valueOf(verify))).build());
        }
        if (metrics != null) {
            b.metrics(metrics);
        }
        return b.build();
    }

    /** Creates a producer on {@code client} with per-producer overrides of producer keys. */
    default <K, V> Producer<K, V> createProducer(StreamBusClient client, Serializer<K> keySerializer,
                                                 Serializer<V> valueSerializer, Map<String, Object> overrides) {
        return client.newProducer(keySerializer, valueSerializer, overrides);
    }

    /** Creates a consumer of explicitly assigned partitions with per-consumer overrides of consumer keys. */
    default <K, V> Consumer<K, V> createConsumer(StreamBusClient client, Deserializer<K> keyDeserializer,
                                                 Deserializer<V> valueDeserializer, Map<String, Object> overrides) {
        return client.newConsumer(keyDeserializer, valueDeserializer, overrides);
    }

    /**
     * Creates a member of consumer group {@code groupId} with per-consumer overrides of consumer keys (group keys
     * such as {@code session.timeout.ms} included).
     */
    default <K, V> GroupConsumer<K, V> createGroupConsumer(StreamBusClient client, String groupId,
                                                           Deserializer<K> keyDeserializer,
                                                           Deserializer<V> valueDeserializer,
                                                           Map<String, Object> overrides) {
        return client.newGroupConsumer(groupId, keyDeserializer, valueDeserializer, overrides);
    }
}
