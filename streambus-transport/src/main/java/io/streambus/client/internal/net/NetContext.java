package io.streambus.client.internal.net;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.streambus.client.ClientConfig;
import io.streambus.client.metrics.MetricsCollector;
import io.streambus.client.security.SaslConfig;
import io.streambus.client.security.TlsConfig;
import java.util.concurrent.TimeUnit;

/**
 * Everything the network layer of one client shares: configuration, the I/O event loops, the allocator, metrics
 * and security settings. Immutable.
 *
 * @param tls        TLS settings, null for plain TCP
 * @param sslContext built once from {@code tls}, null for plain TCP
 * @param sasl       SASL credentials, null for none
 */
public record NetContext(ClientConfig config, String clientId, String clientVersion, EventLoopGroup group,
                         ByteBufAllocator alloc, MetricsCollector metrics, TlsConfig tls, SslContext sslContext,
                         SaslConfig sasl) {

    public long requestTimeoutNanos() {
        return TimeUnit.MILLISECONDS.toNanos(config.getInt(ClientConfig.REQUEST_TIMEOUT_MS));
    }

    public long connectTimeoutNanos() {
        return TimeUnit.MILLISECONDS.toNanos(config.getInt(ClientConfig.CONNECT_TIMEOUT_MS));
    }

    public long idleNanos() {
        return TimeUnit.MILLISECONDS.toNanos(config.getInt(ClientConfig.CONNECTIONS_MAX_IDLE_MS));
    }

    public int maxInFlight() {
        return config.getInt(ClientConfig.MAX_IN_FLIGHT);
    }

    public Backoff reconnectBackoff() {
        return new Backoff(config.getInt(ClientConfig.RECONNECT_BACKOFF_MS),
                config.getInt(ClientConfig.RECONNECT_BACKOFF_MAX_MS));
    }

    public Backoff retryBackoff() {
        return new Backoff(config.getInt(ClientConfig.RETRY_BACKOFF_MS), config.getInt(ClientConfig.RETRY_BACKOFF_MAX_MS));
    }
}
