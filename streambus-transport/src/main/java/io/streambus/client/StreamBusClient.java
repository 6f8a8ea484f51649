package io.streambus.client;

import io.streambus.client.admin.Admin;
import io.streambus.client.producer.XaProducer;
import io.streambus.client.share.ShareConsumer;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.GroupConsumer;
import io.streambus.client.internal.ClientContext;
import io.streambus.client.internal.group.DefaultGroupConsumer;
import io.streambus.client.internal.admin.AdminImpl;
import io.streambus.client.internal.producer.ProducerImpl;
import io.streambus.client.metrics.MetricsCollector;
import io.streambus.client.producer.Producer;
import io.streambus.client.security.SaslConfig;
import io.streambus.client.security.TlsConfig;
import io.streambus.client.serialization.Deserializer;
import io.streambus.client.serialization.Serializer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Entry point of the StreamBus client: one connection pool per broker address, shared by every producer, consumer
 * and admin made from it. Thread-safe; create one per application (or per cluster) and close it at the end.
 *
 * <pre>{@code
 * try (StreamBusClient client = StreamBusClient.builder().bootstrap("127.0.0.1:9092").build()) {
 *     Producer<String, String> producer = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer());
 *     producer.send(new ProducerRecord<>("orders", "k1", "v1")).join();
 *     Consumer<String, String> consumer = client.newConsumer(Serdes.stringDeserializer(),
 *             Serdes.stringDeserializer(), Map.of("auto.offset.reset", "earliest"));
 *     consumer.assign("orders", List.of(0));
 *     for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(1))) { ... }
 * }
 * }</pre>
 *
 * <p>Every configuration key is documented in {@link ClientConfig}. Requests go to one broker at a time: the first
 * healthy one of {@code bootstrap.servers} (spec A.8.1). Whether the broker serves Part B (groups, SASL,
 * compression) is learnt per connection (spec B.4); features it lacks fail at once with
 * {@link UnsupportedFeatureException}.
 */
public final class StreamBusClient implements AutoCloseable {
    private final ClientContext context;
    private final Admin admin;
    private volatile boolean closed;

    private StreamBusClient(ClientConfig config, MetricsCollector metrics, TlsConfig tls, SaslConfig sasl) {
        this.context = new ClientContext(config, metrics, tls, sasl);
        this.admin = new AdminImpl(context);
    }

    /** A builder; {@link Builder#bootstrap(String)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** A client from properties (see {@link ClientConfig} for the keys). */
    public static StreamBusClient create(Properties properties) {
        Map<String, Object> m = new LinkedHashMap<>();
        properties.forEach((k, v) -> m.put(String.valueOf(k), v));
        return create(m);
    }

    /** A client from a map of settings (see {@link ClientConfig} for the keys). */
    public static StreamBusClient create(Map<String, ?> properties) {
        return new Builder().properties(properties).build();
    }

    /** A producer with the client's producer settings. */
    public <K, V> Producer<K, V> newProducer(Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        return newProducer(keySerializer, valueSerializer, Map.of());
    }

    /**
     * A producer with per-producer overrides of producer-scope keys ({@code linger.ms}, {@code batch.size},
     * {@code compression.type}, {@code partitioner}, ...).
     *
     * @throws ConfigException for unknown keys, bad values or keys of another scope
     */
    public <K, V> Producer<K, V> newProducer(Serializer<K> keySerializer, Serializer<V> valueSerializer,
                                             Map<String, ?> overrides) {
        ensureOpen();
        Objects.requireNonNull(keySerializer, "keySerializer");
        Objects.requireNonNull(valueSerializer, "valueSerializer");
        return new ProducerImpl<>(context, keySerializer, valueSerializer,
                context.config().withOverrides(overrides, ClientConfig.Scope.PRODUCER));
    }

    /**
     * A producer for XA branches (spec B.7.8), for a JMS {@code XAResource}: its records are sent only within a
     * branch ({@link XaProducer#startXaBranch}); decisions by Xid are on {@link #admin()}.
     */
    public <K, V> XaProducer<K, V> newXaProducer(Serializer<K> keySerializer, Serializer<V> valueSerializer,
                                                 Map<String, ?> overrides) {
        ensureOpen();
        Objects.requireNonNull(keySerializer, "keySerializer");
        Objects.requireNonNull(valueSerializer, "valueSerializer");
        return new ProducerImpl<>(context, keySerializer, valueSerializer,
                context.config().withOverrides(overrides, ClientConfig.Scope.PRODUCER), true);
    }

    /** A partition consumer with the client's consumer settings. */
    public <K, V> Consumer<K, V> newConsumer(Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        return newConsumer(keyDeserializer, valueDeserializer, Map.of());
    }

    /**
     * A partition consumer (explicit assignment) with per-consumer overrides of consumer-scope keys
     * ({@code auto.offset.reset}, {@code max.poll.records}, {@code fetch.max.bytes}, ...).
     */
    public <K, V> Consumer<K, V> newConsumer(Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer,
                                             Map<String, ?> overrides) {
        ensureOpen();
        Objects.requireNonNull(keyDeserializer, "keyDeserializer");
        Objects.requireNonNull(valueDeserializer, "valueDeserializer");
        return context.newPartitionConsumer(keyDeserializer, valueDeserializer,
                context.config().withOverrides(overrides, ClientConfig.Scope.CONSUMER));
    }

    /** A group consumer with the client's consumer settings; see the overload. */
    public <K, V> GroupConsumer<K, V> newGroupConsumer(String groupId, Deserializer<K> keyDeserializer,
                                                       Deserializer<V> valueDeserializer) {
        return newGroupConsumer(groupId, keyDeserializer, valueDeserializer, Map.of());
    }

    /**
     * A member of consumer group {@code groupId} (spec B.6), with per-consumer overrides of consumer-scope keys
     * ({@code session.timeout.ms}, {@code heartbeat.interval.ms}, {@code enable.auto.commit},
     * {@code partition.assignment.strategy}, {@code auto.offset.reset}, ...). Needs a broker that serves consumer
     * groups: on a core-only broker its operations fail with {@link UnsupportedFeatureException} naming
     * {@code consumer-groups}.
     *
     * @throws UnsupportedFeatureException when the broker is known to serve no consumer groups (core-only)
     */
    public <K, V> GroupConsumer<K, V> newGroupConsumer(String groupId, Deserializer<K> keyDeserializer,
                                                       Deserializer<V> valueDeserializer, Map<String, ?> overrides) {
        ClientConfig cfg = groupConsumerConfig(groupId, keyDeserializer, valueDeserializer, overrides);
        return DefaultGroupConsumer.create(context, groupId, keyDeserializer, valueDeserializer, cfg);
    }

    /** A share consumer with the client's consumer settings; see the overload. */
    public <K, V> ShareConsumer<K, V> newShareConsumer(String groupId, Deserializer<K> keyDeserializer,
                                                       Deserializer<V> valueDeserializer) {
        return newShareConsumer(groupId, keyDeserializer, valueDeserializer, Map.of());
    }

    /**
     * A member of share group {@code groupId} (queues on the log, spec B.13; Kafka's {@code ShareConsumer}), with
     * per-consumer overrides of consumer-scope keys ({@code share.acknowledgement.mode}, {@code share.filter},
     * {@code share.prefetch.max.records}, {@code share.fetch.max.wait.ms}, {@code share.lock.auto.renew},
     * {@code max.poll.records}, ...). Configure the group itself (delivery limit, lock duration, dead-letter topic)
     * with {@link Admin#configureShareGroup}.
     *
     * @throws UnsupportedFeatureException naming {@code share-groups}, at once, when the broker does not serve
     *                                     share groups (B.4)
     */
    public <K, V> ShareConsumer<K, V> newShareConsumer(String groupId, Deserializer<K> keyDeserializer,
                                                       Deserializer<V> valueDeserializer, Map<String, ?> overrides) {
        ClientConfig cfg = groupConsumerConfig(groupId, keyDeserializer, valueDeserializer, overrides);
        return context.newShareConsumer(groupId, keyDeserializer, valueDeserializer, cfg);
    }

    /**
     * The checks every group and share consumer goes through (client open, arguments present, group id 1 to 1024
     * bytes of UTF-8) and its configuration: the client's with {@code overrides} of consumer-scope keys.
     */
    private ClientConfig groupConsumerConfig(String groupId, Deserializer<?> keyDeserializer,
                                             Deserializer<?> valueDeserializer, Map<String, ?> overrides) {
        ensureOpen();
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(keyDeserializer, "keyDeserializer");
        Objects.requireNonNull(valueDeserializer, "valueDeserializer");
        if (groupId.isEmpty() || groupId.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 1024) {
            throw new IllegalArgumentException("group id must be 1 to 1024 bytes of UTF-8, got '" + groupId + "'");
        }
        return context.config().withOverrides(overrides, ClientConfig.Scope.CONSUMER);
    }

    /** Topic, offset and group administration on this client's connections. */
    public Admin admin() {
        ensureOpen();
        return admin;
    }

    /**
     * What the active broker serves (connecting and probing if needed), waiting up to {@code api.timeout.ms}.
     *
     * @throws StreamBusException if no broker answered in time
     */
    public BrokerCapabilities capabilities() {
        ensureOpen();
        long timeout = context.network().apiTimeoutNanos();
        // The probe fails by itself at the deadline; the extra second only guards against a lost completion.
        return Futures.await(context.network().capabilities(context.time().nanoTime() + timeout),
                timeout + TimeUnit.SECONDS.toNanos(1), "learning the broker capabilities (api.timeout.ms)");
    }

    /** The validated configuration. */
    public ClientConfig config() {
        return context.config();
    }

    /** The client id (configured or generated). */
    public String clientId() {
        return context.clientId();
    }

    /**
     * The client's internals (connections, allocator, fetch engine). Package-private: not an application API; tests
     * of this project reach it through a helper in their own copy of this package.
     */
    ClientContext internalContext() {
        return context;
    }

    /**
     * Closes every producer (delivering what it accepted within the timeout, failing the rest explicitly), every
     * consumer, then the connections and I/O threads. Idempotent.
     */
    public void close(Duration timeout) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        context.close(timeout);
    }

    /** {@link #close(Duration)} with 30 seconds. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("StreamBusClient " + context.clientId() + " is closed");
        }
    }

    @Override
    public String toString() {
        return "StreamBusClient[" + context.clientId() + ", " + context.config().getList(ClientConfig.BOOTSTRAP_SERVERS)
                + "]";
    }

    /** Builder of {@link StreamBusClient}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, Object> props = new LinkedHashMap<>();
        private MetricsCollector metrics = MetricsCollector.NOOP;
        private TlsConfig tls;
        private SaslConfig sasl;

        private Builder() {
        }

        /** {@code bootstrap.servers}: comma-separated {@code host:port} list. */
        public Builder bootstrap(String servers) {
            props.put(ClientConfig.BOOTSTRAP_SERVERS, servers);
            return this;
        }

        /** {@code client.id}. */
        public Builder clientId(String clientId) {
            props.put(ClientConfig.CLIENT_ID, clientId);
            return this;
        }

        /** Any key of {@link ClientConfig}; validated at {@link #build()}. */
        public Builder property(String key, Object value) {
            props.put(key, value);
            return this;
        }

        /** Several keys of {@link ClientConfig}. */
        public Builder properties(Map<String, ?> values) {
            props.putAll(values);
            return this;
        }

        /** Where measurements go; default {@link MetricsCollector#NOOP}. */
        public Builder metrics(MetricsCollector collector) {
            this.metrics = Objects.requireNonNull(collector, "collector");
            return this;
        }

        /** TLS settings (instead of the {@code ssl.*} keys). */
        public Builder tls(TlsConfig config) {
            this.tls = config;
            return this;
        }

        /** SASL credentials (instead of the {@code sasl.*} keys). */
        public Builder sasl(SaslConfig config) {
            this.sasl = config;
            return this;
        }

        /**
         * Validates the settings and starts the client (no connection is opened before the first request).
         *
         * @throws ConfigException naming the first bad key and value
         */
        public StreamBusClient build() {
            ClientConfig cfg = ClientConfig.of(props);
            return new StreamBusClient(cfg, metrics, tls != null ? tls : tlsFrom(cfg),
                    sasl != null ? sasl : saslFrom(cfg));
        }

        private static SaslConfig saslFrom(ClientConfig cfg) {
            String mech = cfg.getString(ClientConfig.SASL_MECHANISM);
            if (mech.isEmpty()) {
                return null;
            }
            try {
                return SaslConfig.of(mech, cfg.getString(ClientConfig.SASL_USERNAME),
                        cfg.getString(ClientConfig.SASL_PASSWORD).toCharArray());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(ClientConfig.SASL_MECHANISM, mech, e.getMessage());
            }
        }

        private static TlsConfig tlsFrom(ClientConfig cfg) {
            boolean anySsl = cfg.getBoolean(ClientConfig.SSL_ENABLED);
            for (String k : ClientConfig.keys()) {
                if (k.startsWith("ssl.") && !k.equals(ClientConfig.SSL_ENABLED) && cfg.isSet(k)) {
                    anySsl = true;
                }
            }
            if (!anySsl) {
                return null;
            }
            TlsConfig.Builder b = TlsConfig.builder()
                    .hostnameVerification(cfg.getBoolean(ClientConfig.SSL_ENDPOINT_IDENTIFICATION));
            String ts = cfg.getString(ClientConfig.SSL_TRUSTSTORE_LOCATION);
            if (!ts.isEmpty()) {
                b.trustStore(Path.of(ts), cfg.getString(ClientConfig.SSL_TRUSTSTORE_PASSWORD).toCharArray())
                        .trustStoreType(cfg.getString(ClientConfig.SSL_TRUSTSTORE_TYPE));
            }
            String ks = cfg.getString(ClientConfig.SSL_KEYSTORE_LOCATION);
            if (!ks.isEmpty()) {
                b.keyStore(Path.of(ks), cfg.getString(ClientConfig.SSL_KEYSTORE_PASSWORD).toCharArray())
                        .keyStoreType(cfg.getString(ClientConfig.SSL_KEYSTORE_TYPE));
                String kp = cfg.getString(ClientConfig.SSL_KEY_PASSWORD);
                if (!kp.isEmpty()) {
                    b.keyPassword(kp.toCharArray());
                }
            }
            try {
                return b.build();
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new ConfigException(ClientConfig.SSL_ENABLED, true, e.getMessage());
            }
        }
    }
}
