package io.streambus.client.internal;

import io.streambus.client.internal.share.ShareConsumerImpl;
import io.streambus.client.share.ShareConsumer;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.streambus.client.ClientConfig;
import io.streambus.client.ConfigException;
import io.streambus.client.consumer.RecordConsumer;
import io.streambus.client.internal.consumer.PartitionConsumerImpl;
import io.streambus.client.internal.net.NetContext;
import io.streambus.client.internal.net.NetworkClient;
import io.streambus.client.internal.net.RequestSender;
import io.streambus.client.metrics.MetricsCollector;
import io.streambus.client.producer.Producer;
import io.streambus.client.security.SaslConfig;
import io.streambus.client.security.TlsConfig;
import io.streambus.client.serialization.Deserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
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
 *   <li>{@link #network()}: the {@link RequestSender} seam to the active broker — {@code send} (one attempt),
 *       {@code call} (with the retry policy), {@code capabilities(deadline)}, {@code schedule} (timers on I/O
 *       threads: never block in them), and {@code openDedicated()} for a connection of one's own (JoinGroup/SyncGroup
 *       may be held by the broker for the rebalance timeout, spec B.6.1; send on it with
 *       {@code Connection.send(BodySupplier, flags, handler, timeoutNanos)} using a timeout above the rebalance
 *       timeout);</li>
 *   <li>{@link #time()}: the clock every engine decision reads (a manual clock in tests);</li>
 *   <li>{@link #metadata()}: topic partition counts (ListTopics, cached);</li>
 *   <li>{@link #newPartitionConsumer}: the fetch engine (assign / seek / pause / poll with background prefetch), on
 *       which a group consumer only has to drive assignment and commits;</li>
 *   <li>{@link #register(Producer)} and {@link #register(RecordConsumer)}: producers and consumers closed with the
 *       client.</li>
 * </ul>
 * Thread-safe.
 */
public final class ClientContext {
    private static final Logger LOG = LoggerFactory.getLogger(ClientContext.class);
    private static final AtomicInteger CLIENT_IDS = new AtomicInteger();

    /** Version sent in ApiVersions. */
    public static final String VERSION = versionOf();

    /** A part of the client that closes with it, within what remains of the client's close timeout. */
    @FunctionalInterface
    private interface Part {
        void close(Duration timeout);
    }

    private final ClientConfig config;
    private final String clientId;
    private final Time time;
    private final RequestSender network;
    private final MetadataCache metadata;
    private final MetricsCollector metrics;
    private final ByteBufAllocator alloc;
    /** Stops the I/O threads within the given time, after the network is closed; null when there are none. */
    private final Consumer<Duration> ioShutdown;
    /**
     * Closed first, so that they deliver what they accepted while consumers and connections are still there.
     */
    private final Map<Object, Part> producers = new ConcurrentHashMap<>();
    /** Closed second: group consumers commit and leave their group, which needs the connections. */
    private final Map<Object, Part> consumers = new ConcurrentHashMap<>();

    /** A client with its own I/O threads and Netty connections to {@code bootstrap.servers}, on the system clock. */
    @SuppressWarnings("deprecation") // NioEventLoopGroup: see below
    public ClientContext(ClientConfig config, MetricsCollector metrics, TlsConfig tls, SaslConfig sasl) {
        this.config = config;
        this.clientId = clientIdOf(config);
        this.time = Time.SYSTEM;
        this.metrics = metrics == null ? MetricsCollector.NOOP : metrics;
        this.alloc = PooledByteBufAllocator.DEFAULT;
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
        // NioEventLoopGroup exists in Netty 4.1 and 4.2 (4.2 deprecates it for MultiThreadIoEventLoopGroup, which
        // 4.1 lacks): the client must run on both lines (Quarkus 3, Spring Boot 3 and Vert.x 4 are on 4.1).
        EventLoopGroup group = new NioEventLoopGroup(threads, new DefaultThreadFactory("streambus-io-" + clientId,
                true));
        NetContext net = new NetContext(config, clientId, VERSION, group, alloc, this.metrics, tls, ssl, sasl);
        this.network = new NetworkClient(net, time);
        this.metadata = new MetadataCache(network, config, time);
        this.ioShutdown = t -> group.shutdownGracefully(0, Math.max(1, t.toMillis()), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(Math.max(1, t.toMillis()) + 100);
    }

    private ClientContext(ClientConfig config, RequestSender network, Time time, ByteBufAllocator alloc,
                          MetricsCollector metrics) {
        this.config = config;
        this.clientId = clientIdOf(config);
        this.time = time;
        this.network = network;
        this.alloc = alloc;
        this.metrics = metrics == null ? MetricsCollector.NOOP : metrics;
        this.metadata = new MetadataCache(network, config, time);
        this.ioShutdown = null;
    }

    /**
     * A client engine over another {@link RequestSender} (a scripted fake network in unit tests) and clock. It owns
     * no I/O threads: closing it closes {@code network}.
     */
    public static ClientContext overSender(ClientConfig config, RequestSender network, Time time,
                                           ByteBufAllocator alloc, MetricsCollector metrics) {
        return new ClientContext(config, network, time, alloc, metrics);
    }

    private static String clientIdOf(ClientConfig config) {
        String id = config.getString(ClientConfig.CLIENT_ID);
        return id.isEmpty() ? "streambus-client-" + CLIENT_IDS.incrementAndGet() : id;
    }

    private static String versionOf() {
        String v = ClientContext.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    /** The validated client configuration. */
    public ClientConfig config() {
        return config;
    }

    /** The configured client.id, or a generated {@code streambus-client-N}. */
    public String clientId() {
        return clientId;
    }

    /** The seam to the cluster: requests, retries, timers, capabilities, dedicated connections. */
    public RequestSender network() {
        return network;
    }

    /** The clock of every engine decision (linger, timeouts, backoff, deadlines). */
    public Time time() {
        return time;
    }

    /** Partition counts of topics, shared by the producers and consumers of this client. */
    public MetadataCache metadata() {
        return metadata;
    }

    /** Where measurements go ({@link MetricsCollector#NOOP} if none was given). */
    public MetricsCollector metrics() {
        return metrics;
    }

    /** The allocator used for every buffer of this client (pooled for real clients). */
    public ByteBufAllocator alloc() {
        return alloc;
    }

    /** A partition consumer (the fetch engine) with this client's connections, under {@code consumerConfig}. */
    public <K, V> PartitionConsumerImpl<K, V> newPartitionConsumer(Deserializer<K> keyDeserializer,
                                                                 Deserializer<V> valueDeserializer,
                                                                 ClientConfig consumerConfig) {
        return new PartitionConsumerImpl<>(this, keyDeserializer, valueDeserializer, consumerConfig);
    }

    /**
     * A share consumer of {@code groupId} under {@code consumerConfig}, closed with the client; fails at once with
     * {@link io.streambus.client.UnsupportedFeatureException} when the broker does not serve share groups.
     */
    public <K, V> ShareConsumer<K, V> newShareConsumer(String groupId, Deserializer<K> keyDeserializer,
                                                       Deserializer<V> valueDeserializer,
                                                       ClientConfig consumerConfig) {
        ShareConsumerImpl.checkSupported(network, time);
        Object[] self = new Object[1];
        ShareConsumerImpl<K, V> c = new ShareConsumerImpl<>(groupId, clientId, network, time, consumerConfig,
                keyDeserializer, valueDeserializer, metrics, () -> unregister(self[0]));
        self[0] = c;
        consumers.put(c, c::close);
        return c;
    }

    /** Closes {@code producer} when the client closes (unless unregistered before), before any consumer. */
    public void register(Producer<?, ?> producer) {
        producers.put(producer, producer::close);
    }

    /** Closes {@code consumer} when the client closes (unless unregistered before), after the producers. */
    public void register(RecordConsumer<?, ?> consumer) {
        consumers.put(consumer, consumer::close);
    }

    /** Forgets a producer or consumer registered before (it closed itself, or its owner closes it). */
    public void unregister(Object resource) {
        producers.remove(resource);
        consumers.remove(resource);
    }

    /**
     * Closes, in this order: producers (they deliver what they accepted within the timeout), consumers (group
     * consumers commit and leave), the network, the I/O threads. All within {@code timeout}.
     */
    public void close(Duration timeout) {
        long deadline = time.nanoTime() + timeout.toNanos();
        for (Map<Object, Part> stage : List.of(producers, consumers)) {
            List<Map.Entry<Object, Part>> parts = new ArrayList<>(stage.entrySet());
            stage.clear();
            for (Map.Entry<Object, Part> p : parts) {
                try {
                    p.getValue().close(remaining(deadline));
                } catch (RuntimeException e) {
                    LOG.warn("closing {} failed", p.getKey(), e);
                }
            }
        }
        network.close();
        if (ioShutdown != null) {
            ioShutdown.accept(remaining(deadline));
        }
    }

    private Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - time.nanoTime()));
    }
}
