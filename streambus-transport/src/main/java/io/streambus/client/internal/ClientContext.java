package io.streambus.client.internal;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.streambus.client.ClientConfig;
import io.streambus.client.ConfigException;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.internal.consumer.PartitionConsumerImpl;
import io.streambus.client.internal.net.NetContext;
import io.streambus.client.internal.net.NetworkClient;
import io.streambus.client.metrics.MetricsCollector;
import io.streambus.client.security.SaslConfig;
import io.streambus.client.security.TlsConfig;
import io.streambus.client.serialization.Deserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The internals of one {@link io.streambus.client.StreamBusClient}, for code inside this library that builds on
 * them (the group consumer of {@code io.streambus.client.internal.group}). Not an application API.
 *
 * <p>What it offers:
 * <ul>
 *   <li>{@link #config()}: the validated client configuration ({@link ClientConfig#withOverrides} for
 *       per-consumer settings);</li>
 *   <li>{@link #network()}: requests to the active broker — {@code send} (one attempt), {@code call} (with the
 *       retry policy), {@code capabilities(deadline)}, and {@code openDedicated()} for a connection of one's own
 *       (JoinGroup/SyncGroup may be held by the broker for the rebalance timeout, spec B.6.1; send on it with
 *       {@code Connection.send(BodySupplier, flags, handler, timeoutNanos)} using a timeout above the rebalance
 *       timeout);</li>
 *   <li>{@link #metadata()}: topic partition counts (ListTopics, cached);</li>
 *   <li>{@link #newPartitionConsumer}: the fetch engine (assign / seek / pause / poll with background prefetch), on
 *       which a group consumer only has to drive assignment and commits;</li>
 *   <li>{@link #scheduler()}: the I/O event loops, for timers (tasks must not block);</li>
 *   <li>{@link #register(AutoCloseable)}: resources closed with the client.</li>
 * </ul>
 * Thread-safe.
 */
public final class ClientContext {
    private static final Logger LOG = LoggerFactory.getLogger(ClientContext.class);
    private static final AtomicInteger CLIENT_IDS = new AtomicInteger();

    /** Version sent in ApiVersions. */
    public static final String VERSION = versionOf();

    private final ClientConfig config;
    private final String clientId;
    private final EventLoopGroup group;
    private final NetworkClient network;
    private final MetadataCache metadata;
    private final MetricsCollector metrics;
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private final Set<AutoCloseable> resources = ConcurrentHashMap.newKeySet();

    public ClientContext(ClientConfig config, MetricsCollector metrics, TlsConfig tls, SaslConfig sasl) {
        this.config = config;
        String id = config.getString(ClientConfig.CLIENT_ID);
        this.clientId = id.isEmpty() ? "streambus-client-" + CLIENT_IDS.incrementAndGet() : id;
        this.metrics = metrics == null ? MetricsCollector.NOOP : metrics;
        SslContext ssl = null;
        if (tls != null) {
            try {
                ssl = tls.newNettySslContext();
            } catch (SSLException e) {
                throw new ConfigException(ClientConfig.SSL_ENABLED, true, "cannot build the TLS context: "
                        + e.getMessage());
            }
        }
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("streambus-io-" + clientId,
                true), NioIoHandler.newFactory());
        NetContext net = new NetContext(config, clientId, VERSION, group, alloc, this.metrics, tls, ssl, sasl);
        this.network = new NetworkClient(net);
        this.metadata = new MetadataCache(network, config);
    }

    private static String versionOf() {
        String v = ClientContext.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    public ClientConfig config() {
        return config;
    }

    /** The configured client.id, or a generated {@code streambus-client-N}. */
    public String clientId() {
        return clientId;
    }

    public NetworkClient network() {
        return network;
    }

    public MetadataCache metadata() {
        return metadata;
    }

    public MetricsCollector metrics() {
        return metrics;
    }

    /** The pooled allocator used for every buffer of this client. */
    public ByteBufAllocator alloc() {
        return alloc;
    }

    /** The I/O event loops; scheduled tasks run on I/O threads and must not block. */
    public ScheduledExecutorService scheduler() {
        return group;
    }

    /** A partition consumer (the fetch engine) with this client's connections, under {@code consumerConfig}. */
    public <K, V> PartitionConsumerImpl<K, V> newPartitionConsumer(Deserializer<K> keyDeserializer,
                                                                 Deserializer<V> valueDeserializer,
                                                                 ClientConfig consumerConfig) {
        return new PartitionConsumerImpl<>(this, keyDeserializer, valueDeserializer, consumerConfig);
    }

    /** Closes {@code resource} when the client closes (unless unregistered before). */
    public void register(AutoCloseable resource) {
        resources.add(resource);
    }

    public void unregister(AutoCloseable resource) {
        resources.remove(resource);
    }

    /**
     * Closes registered producers and consumers (producers deliver what they accepted within the timeout), then
     * the connections and the I/O threads.
     */
    public void close(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<AutoCloseable> all = new ArrayList<>(resources);
        resources.clear();
        for (AutoCloseable r : all) {
            try {
                if (r instanceof io.streambus.client.producer.Producer<?, ?> p) {
                    p.close(remaining(deadline));
                } else if (r instanceof Consumer<?, ?> c) {
                    c.close(remaining(deadline));
                } else if (r instanceof io.streambus.client.consumer.GroupConsumer<?, ?> g) {
                    g.close(remaining(deadline));
                } else {
                    r.close();
                }
            } catch (Exception e) {
                LOG.warn("closing {} failed", r, e);
            }
        }
        network.close();
        group.shutdownGracefully(0, Math.max(1, remaining(deadline).toMillis()), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(Math.max(1, remaining(deadline).toMillis()) + 100);
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }
}
