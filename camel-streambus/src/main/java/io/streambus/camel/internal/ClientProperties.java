package io.streambus.camel.internal;

import io.streambus.camel.StreamBusConfiguration;
import io.streambus.client.ClientConfig;
import io.streambus.client.ConfigException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.ClassResolver;

/**
 * Maps endpoint options to StreamBus client keys, split by the scope the client gives each key: client and security
 * keys make up the shared client's configuration, producer and consumer keys become per-producer or per-consumer
 * overrides. Dedicated options win over {@code additionalProperties}.
 */
public final class ClientProperties {

    private static final List<String> BUILT_IN_PARTITIONERS = List.of("murmur2", "roundrobin", "sticky");

    private ClientProperties() {
    }

    /**
     * Client and security keys: equal maps mean the same shared client.
     *
     * @throws ConfigException for an unknown additional key
     */
    public static Map<String, Object> client(StreamBusConfiguration c) {
        Map<String, Object> m = scoped(c, ClientConfig.Scope.CLIENT, ClientConfig.Scope.SECURITY);
        put(m, ClientConfig.BOOTSTRAP_SERVERS, c.getBrokers());
        put(m, ClientConfig.CLIENT_ID, c.getClientId());
        put(m, ClientConfig.CONNECT_TIMEOUT_MS, c.getConnectTimeoutMs());
        put(m, ClientConfig.REQUEST_TIMEOUT_MS, c.getRequestTimeoutMs());
        put(m, ClientConfig.API_TIMEOUT_MS, c.getApiTimeoutMs());
        put(m, ClientConfig.RECONNECT_BACKOFF_MS, c.getReconnectBackoffMs());
        put(m, ClientConfig.RECONNECT_BACKOFF_MAX_MS, c.getReconnectBackoffMaxMs());
        put(m, ClientConfig.RETRIES, c.getRetries());
        put(m, ClientConfig.RETRY_BACKOFF_MS, c.getRetryBackoffMs());
        put(m, ClientConfig.RETRY_BACKOFF_MAX_MS, c.getRetryBackoffMaxMs());
        put(m, ClientConfig.CONNECTIONS_MAX_PER_BROKER, c.getConnectionsMaxPerBroker());
        put(m, ClientConfig.MAX_IN_FLIGHT, c.getMaxInFlightRequestsPerConnection());
        put(m, ClientConfig.CONNECTIONS_MAX_IDLE_MS, c.getConnectionsMaxIdleMs());
        put(m, ClientConfig.METADATA_MAX_AGE_MS, c.getMetadataMaxAgeMs());
        put(m, ClientConfig.SASL_MECHANISM, c.getSaslMechanism());
        put(m, ClientConfig.SASL_USERNAME, c.getSaslUsername());
        put(m, ClientConfig.SASL_PASSWORD, c.getSaslPassword());
        put(m, ClientConfig.SSL_ENABLED, c.getSslEnabled());
        put(m, ClientConfig.SSL_TRUSTSTORE_LOCATION, c.getSslTruststoreLocation());
        put(m, ClientConfig.SSL_TRUSTSTORE_PASSWORD, c.getSslTruststorePassword());
        put(m, ClientConfig.SSL_TRUSTSTORE_TYPE, c.getSslTruststoreType());
        put(m, ClientConfig.SSL_KEYSTORE_LOCATION, c.getSslKeystoreLocation());
        put(m, ClientConfig.SSL_KEYSTORE_PASSWORD, c.getSslKeystorePassword());
        put(m, ClientConfig.SSL_KEYSTORE_TYPE, c.getSslKeystoreType());
        put(m, ClientConfig.SSL_KEY_PASSWORD, c.getSslKeyPassword());
        put(m, ClientConfig.SSL_ENDPOINT_IDENTIFICATION, c.getSslEndpointIdentificationEnabled());
        return m;
    }

    /**
     * Producer overrides. Partitioner and interceptor class names are loaded here through Camel's class resolver (so
     * that they resolve in OSGi and Quarkus, where the client's own class loading could not see them).
     */
    public static Map<String, Object> producer(StreamBusConfiguration c, CamelContext context) {
        Map<String, Object> m = scoped(c, ClientConfig.Scope.PRODUCER);
        put(m, ClientConfig.BATCH_SIZE, c.getProducerBatchSize());
        put(m, ClientConfig.LINGER_MS, c.getLingerMs());
        put(m, ClientConfig.BUFFER_MEMORY, c.getBufferMemorySize());
        put(m, ClientConfig.MAX_BLOCK_MS, c.getMaxBlockMs());
        put(m, ClientConfig.DELIVERY_TIMEOUT_MS, c.getDeliveryTimeoutMs());
        put(m, ClientConfig.COMPRESSION_TYPE, c.getCompressionCodec());
        if (!c.isEnableIdempotence()) {
            // true leaves the key unset: the client then uses idempotence only where the broker serves it
            m.put(ClientConfig.ENABLE_IDEMPOTENCE, false);
        }
        String partitioner = c.getPartitioner();
        if (partitioner != null && !partitioner.isBlank()) {
            String p = partitioner.trim();
            m.put(ClientConfig.PARTITIONER, BUILT_IN_PARTITIONERS.contains(p.toLowerCase(Locale.ROOT))
                    ? p.toLowerCase(Locale.ROOT)
                    : newInstance(context, p, io.streambus.client.producer.Partitioner.class, "partitioner"));
        }
        String interceptors = c.getInterceptorClasses();
        if (interceptors != null && !interceptors.isBlank()) {
            List<Object> list = new ArrayList<>();
            for (String name : interceptors.split(",")) {
                if (!name.isBlank()) {
                    list.add(newInstance(context, name.trim(), io.streambus.client.producer.ProducerInterceptor.class,
                            "interceptorClasses"));
                }
            }
            m.put(ClientConfig.INTERCEPTOR_CLASSES, list);
        }
        return m;
    }

    /** Consumer overrides. */
    public static Map<String, Object> consumer(StreamBusConfiguration c) {
        Map<String, Object> m = scoped(c, ClientConfig.Scope.CONSUMER);
        put(m, ClientConfig.MAX_POLL_RECORDS, c.getMaxPollRecords());
        put(m, ClientConfig.AUTO_OFFSET_RESET, c.getAutoOffsetReset());
        put(m, ClientConfig.FETCH_MAX_BYTES, c.getFetchMaxBytes());
        put(m, ClientConfig.FETCH_QUEUE_MAX_BYTES, c.getFetchQueueMaxBytes());
        put(m, ClientConfig.FETCH_BACKOFF_MS, c.getFetchBackoffMs());
        put(m, ClientConfig.FETCH_COMPRESSION_TYPE, c.getFetchCompressionCodec());
        put(m, ClientConfig.SESSION_TIMEOUT_MS, c.getSessionTimeoutMs());
        put(m, ClientConfig.HEARTBEAT_INTERVAL_MS, c.getHeartbeatIntervalMs());
        put(m, ClientConfig.REBALANCE_TIMEOUT_MS, c.getRebalanceTimeoutMs());
        put(m, ClientConfig.PARTITION_ASSIGNMENT_STRATEGY, c.getPartitionAssignor());
        put(m, ClientConfig.SHARE_FILTER, c.getFilter());
        put(m, ClientConfig.SHARE_LOCK_AUTO_RENEW, c.isShareLockAutoRenew());
        String isolation = c.getIsolationLevel();
        if (isolation != null && !isolation.isBlank()) {
            m.put(ClientConfig.ISOLATION_LEVEL, isolation.trim().toLowerCase(Locale.ROOT));
        }
        // The component commits what its routes processed; the client's own auto-commit would commit what was
        // merely polled, so it is always off.
        m.put(ClientConfig.ENABLE_AUTO_COMMIT, false);
        return m;
    }

    /**
     * Loads {@code className} with Camel's class resolver and creates it with its no-argument constructor.
     *
     * @throws IllegalArgumentException naming the option, the class and the reason
     */
    public static <T> T newInstance(CamelContext context, String className, Class<T> type, String option) {
        ClassResolver resolver = context.getClassResolver();
        Class<?> cls = resolver.resolveClass(className);
        if (cls == null) {
            throw new IllegalArgumentException(option + ": class " + className + " not found");
        }
        if (!type.isAssignableFrom(cls)) {
            throw new IllegalArgumentException(option + ": class " + className + " does not implement "
                    + type.getName());
        }
        try {
            return type.cast(cls.getConstructor().newInstance());
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(option + ": cannot create " + className
                    + " with a public no-argument constructor: " + e, e);
        }
    }

    private static Map<String, Object> scoped(StreamBusConfiguration c, ClientConfig.Scope... scopes) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : c.getAdditionalProperties().entrySet()) {
            ClientConfig.Scope s = ClientConfig.scopeOf(e.getKey()); // unknown key -> ConfigException naming it
            for (ClientConfig.Scope wanted : scopes) {
                if (s == wanted) {
                    m.put(e.getKey(), e.getValue());
                }
            }
        }
        return m;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null && !(value instanceof String s && s.isBlank())) {
            m.put(key, value);
        }
    }
}
