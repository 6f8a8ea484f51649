package io.streambus.client.internal.net;

import io.streambus.client.ClientConfig;
import io.streambus.client.ConnectionException;
import io.streambus.client.StreamBusException;
import io.streambus.client.admin.BrokerCapabilities;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections of one client to one broker address (host and port as configured), shared by every producer,
 * consumer and admin of the client: at most {@code connections.max.per.broker} shared connections, chosen by
 * least load, a new one opened when all are at {@code max.in.flight}. Also owns the address's circuit breaker, its
 * reconnect backoff and its core-only mark (spec B.4). Thread-safe.
 */
public final class BrokerPool implements BrokerView {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerPool.class);

    private final String host;
    private final int port;
    private final String address;
    private final NetContext ctx;
    private final CircuitBreaker breaker;
    private final Backoff reconnectBackoff;
    private final int maxConnections;
    private final long capabilityCacheNanos;
    private final List<NettyConnection> shared = new ArrayList<>();
    private final List<NettyConnection> dedicated = new ArrayList<>();
    private final Set<String> warnedOnce = ConcurrentHashMap.newKeySet();
    private int connectFailures;
    private boolean coreOnlyMark;
    private long coreOnlyMarkedAt;
    private boolean closed;
    private volatile BrokerCapabilities lastCapabilities;
    private final java.util.concurrent.atomic.AtomicInteger inflight = new java.util.concurrent.atomic.AtomicInteger();

    BrokerPool(String host, int port, NetContext ctx) {
        this.host = host;
        this.port = port;
        this.address = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        this.ctx = ctx;
        ClientConfig c = ctx.config();
        this.breaker = new CircuitBreaker(c.getInt(ClientConfig.CIRCUIT_BREAKER_FAILURE_THRESHOLD),
                c.getInt(ClientConfig.CIRCUIT_BREAKER_OPEN_MS), c.getInt(ClientConfig.CIRCUIT_BREAKER_HALF_OPEN_MAX_REQUESTS),
                System::nanoTime, (from, to) -> {
                    LOG.info("circuit breaker for broker {}: {} -> {}", address, from, to);
                    ctx.metrics().circuitState(address, to.name());
                });
        // The initial state too, so a state gauge exists before the first transition.
        ctx.metrics().circuitState(address, CircuitBreaker.State.CLOSED.name());
        this.reconnectBackoff = ctx.reconnectBackoff();
        this.maxConnections = c.getInt(ClientConfig.CONNECTIONS_MAX_PER_BROKER);
        this.capabilityCacheNanos = TimeUnit.MILLISECONDS.toNanos(c.getLong(ClientConfig.CAPABILITY_CACHE_MS));
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** {@code host:port}. */
    @Override
    public String address() {
        return address;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    /** Capabilities of the last connection that became ready, or null if none did yet. */
    public BrokerCapabilities lastCapabilities() {
        return lastCapabilities;
    }

    /** True the first time for {@code key} on this address (for "one warning per broker" rules, B.11). */
    @Override
    public boolean firstTime(String key) {
        return warnedOnce.add(key);
    }

    /** Sends on the least loaded shared connection, opening one if needed. */
    public void send(BodySupplier supplier, int flags, ResponseHandler handler, long timeoutNanos) {
        NettyConnection c;
        try {
            c = select();
        } catch (StreamBusException e) {
            handler.onFailure(e);
            return;
        }
        c.send(supplier, flags, handler, timeoutNanos);
    }

    /** A shared connection (maybe still being set up); its {@link NettyConnection#ready()} tells when it is usable. */
    public NettyConnection connection() {
        return select();
    }

    /** A new connection used only by the caller (group coordination); pinged when idle; the caller closes it. */
    public NettyConnection openDedicated() {
        synchronized (this) {
            NettyConnection c = newConnection(true);
            if (c == null) {
                throw breakerOpen();
            }
            return c;
        }
    }

    private synchronized NettyConnection select() {
        if (closed) {
            throw new StreamBusException("client is closed");
        }
        shared.removeIf(c -> !c.isOpen());
        NettyConnection best = null;
        for (NettyConnection c : shared) {
            if (best == null || c.load() < best.load()) {
                best = c;
            }
        }
        if (best == null || (best.load() >= ctx.maxInFlight() && shared.size() < maxConnections)) {
            NettyConnection n = newConnection(false);
            if (n != null) {
                return n;
            }
            if (best == null) {
                throw breakerOpen();
            }
        }
        return best;
    }

    private ConnectionException breakerOpen() {
        return new ConnectionException("broker " + address + " is unavailable: circuit breaker " + breaker
                + ", next attempt in " + TimeUnit.NANOSECONDS.toMillis(breaker.nanosUntilHalfOpen()) + " ms");
    }

    private NettyConnection newConnection(boolean isDedicated) {
        if (closed || !breaker.tryAcquire()) {
            return null;
        }
        NettyConnection c = new NettyConnection(this, ctx, ctx.group().next(), isDedicated);
        (isDedicated ? dedicated : shared).add(c);
        long delay = connectFailures == 0 ? 0 : reconnectBackoff.delayMs(connectFailures - 1);
        ctx.metrics().connections(address, shared.size() + dedicated.size());
        c.start(delay);
        return c;
    }

    // ---- callbacks from connections -----------------------------------------------------------------------------

    synchronized boolean isCoreOnlyMarked() {
        if (coreOnlyMark && System.nanoTime() - coreOnlyMarkedAt >= capabilityCacheNanos) {
            LOG.debug("core-only mark of {} expired; probing again", address);
            coreOnlyMark = false;
        }
        return coreOnlyMark;
    }

    synchronized void markCoreOnly(String reason) {
        if (!coreOnlyMark) {
            LOG.info("broker {} is core-only ({}): Part B features (groups, SASL, compression, ...) are unavailable",
                    address, reason);
        }
        coreOnlyMark = true;
        coreOnlyMarkedAt = System.nanoTime();
    }

    private void dropCoreOnlyMark(String reason) {
        if (coreOnlyMark) {
            LOG.debug("dropping core-only mark of {}: {}", address, reason);
            coreOnlyMark = false;
        }
    }

    synchronized void onProbeExtended() {
        dropCoreOnlyMark("ApiVersions answered");
    }

    /** True if another open connection to this address is known to be extended (B.4 step 4). */
    synchronized boolean hasExtendedConnection() {
        for (List<NettyConnection> l : List.of(shared, dedicated)) {
            for (NettyConnection c : l) {
                BrokerCapabilities caps = c.capabilities();
                if (c.isOpen() && caps != null && !caps.coreOnly()) {
                    return true;
                }
            }
        }
        return false;
    }

    synchronized void onReady(NettyConnection c) {
        connectFailures = 0;
        lastCapabilities = c.capabilities();
        breaker.onSuccess();
    }

    synchronized void onSetupFailed(NettyConnection c, StreamBusException error) {
        remove(c);
        if (error.isRetriable()) {
            connectFailures++;
            breaker.onFailure();
            dropCoreOnlyMark("connection attempt failed");
            LOG.debug("connection attempt {} to {} failed: {}", connectFailures, address, error.getMessage());
        } else {
            // The broker is reachable; the failure is configuration or capability (SASL, TLS trust): not health.
            breaker.onSuccess();
            LOG.warn("connection to {} refused: {}", address, error.getMessage());
        }
    }

    synchronized void onClosed(NettyConnection c, boolean remoteCloseOfEstablished, boolean failure) {
        remove(c);
        if (remoteCloseOfEstablished) {
            dropCoreOnlyMark("broker closed an established connection");
        }
        if (failure) {
            breaker.onFailure();
        }
    }

    /** Idle policy: dedicated connections and the first shared one are pinged, the others closed (A.8.8). */
    synchronized boolean keepAlive(NettyConnection c) {
        if (c.isDedicated()) {
            return true;
        }
        for (NettyConnection s : shared) {
            if (s.isOpen()) {
                return s == c;
            }
        }
        return false;
    }

    private void remove(NettyConnection c) {
        if (shared.remove(c) || dedicated.remove(c)) {
            ctx.metrics().connections(address, shared.size() + dedicated.size());
        }
    }

    /** Open connections (shared and dedicated). */
    public synchronized int connectionCount() {
        return (int) (shared.stream().filter(NettyConnection::isOpen).count()
                + dedicated.stream().filter(NettyConnection::isOpen).count());
    }

    /** Requests written and unanswered over all connections. */
    public int inflight() {
        return inflight.get();
    }

    void inflightDelta(int delta) {
        ctx.metrics().inFlight(address, inflight.addAndGet(delta));
    }

    /** Closes every connection; further sends fail. */
    public void close() {
        List<NettyConnection> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(shared);
            all.addAll(dedicated);
        }
        all.forEach(NettyConnection::close);
    }

    /** A shared connection's readiness, for capability queries. */
    CompletableFuture<BrokerCapabilities> capabilities() {
        try {
            return select().ready();
        } catch (StreamBusException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public String toString() {
        return "BrokerPool[" + address + ", " + breaker + "]";
    }
}
