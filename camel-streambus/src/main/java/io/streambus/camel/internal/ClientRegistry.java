package io.streambus.camel.internal;

import io.streambus.camel.StreamBusClientFactory;
import io.streambus.client.ClientConfig;
import io.streambus.client.StreamBusClient;
import io.streambus.client.metrics.MetricsCollector;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clients a component created, shared by every endpoint with equal client-wide settings and reference counted:
 * a client is created with its first lease and closed with its last. Thread-safe.
 */
public final class ClientRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ClientRegistry.class);

    private final Map<Key, Shared> clients = new HashMap<>();

    /** Clients are shared when properties are equal and the same SSLContext and metrics collector are used. */
    private record Key(Map<String, Object> properties, Object sslContext, Object metrics) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && properties.equals(k.properties) && sslContext == k.sslContext
                    && metrics == k.metrics;
        }

        @Override
        public int hashCode() {
            return properties.hashCode() * 31 + System.identityHashCode(sslContext) * 17
                    + System.identityHashCode(metrics);
        }
    }

    private static final class Shared {
        final StreamBusClient client;
        int leases;

        Shared(StreamBusClient client) {
            this.client = client;
        }
    }

    /** A lease on a client supplied by the user; closing it does not close the client. */
    public static ClientLease external(StreamBusClient client) {
        Objects.requireNonNull(client, "client");
        return new ClientLease() {
            @Override
            public StreamBusClient client() {
                return client;
            }

            @Override
            public String brokers() {
                return "shared client";
            }

            @Override
            public void close() {
                // owned by the user
            }
        };
    }

    /**
     * A lease on the client for {@code properties}, creating it with {@code factory} if no endpoint holds one.
     *
     * @throws io.streambus.client.ConfigException if the properties are invalid (for example no brokers)
     */
    public synchronized ClientLease acquire(Map<String, Object> properties, StreamBusClientFactory factory) {
        return acquire(properties, null, null, factory);
    }

    /**
     * As {@link #acquire(Map, StreamBusClientFactory)} with an SSLContext and a metrics collector (either may be
     * null), compared by identity.
     */
    public synchronized ClientLease acquire(Map<String, Object> properties, SSLContext sslContext,
                                            MetricsCollector metrics, StreamBusClientFactory factory) {
        Key key = new Key(Map.copyOf(properties), sslContext, metrics);
        Shared shared = clients.get(key);
        if (shared == null) {
            shared = new Shared(factory.createClient(new HashMap<>(properties), sslContext, metrics));
            clients.put(key, shared);
            LOG.debug("Created StreamBus client for {}", properties.get(ClientConfig.BOOTSTRAP_SERVERS));
        }
        shared.leases++;
        Shared s = shared;
        String brokers = String.valueOf(properties.get(ClientConfig.BOOTSTRAP_SERVERS));
        return new ClientLease() {
            private boolean closed;

            @Override
            public StreamBusClient client() {
                return s.client;
            }

            @Override
            public String brokers() {
                return brokers;
            }

            @Override
            public void close() {
                synchronized (ClientRegistry.this) {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    if (--s.leases == 0) {
                        clients.remove(key);
                        try {
                            s.client.close();
                        } catch (RuntimeException e) {
                            LOG.warn("Closing StreamBus client for {} failed: {}", brokers, e.toString());
                        }
                    }
                }
            }
        };
    }

    /** Clients currently open. */
    public synchronized int size() {
        return clients.size();
    }
}
