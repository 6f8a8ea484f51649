package io.streambus.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 that forwards every accepted connection to one target and injects faults on demand:
 * latency with jitter (order kept), a bandwidth limit per connection and direction, dropped replies, refused or reset
 * connections, a black hole (bytes silently discarded both ways, like a network partition), half-open connections
 * (one end closed without the other being told) and replies lost with their connection ({@link #dropReplyEvery},
 * {@link #dropNextReply}: the broker processed the request, the client never hears of it). Faults apply to connections already open and to new ones, and can
 * be changed at any time. Thread-safe.
 *
 * <p>Bytes are handled in read chunks: dropping or black-holing starts and ends at a chunk boundary, which may cut a
 * protocol frame; a connection that lost bytes is of no further use to the protocol above, as after a real loss of a
 * TCP stream. Loopback only: the proxy listens on 127.0.0.1 and the target must be a loopback address.
 *
 * <p>Each connection uses four daemon threads (a reader and a writer per direction); writers wait on a bounded queue
 * so a slow direction pushes back on its sender as TCP would.
 */
public final class FaultProxy implements AutoCloseable {
    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Thread acceptor;
    private final List<ProxiedConnection> connections = new CopyOnWriteArrayList<>();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong[] forwarded = {new AtomicLong(), new AtomicLong()};
    private final AtomicLong[] dropped = {new AtomicLong(), new AtomicLong()};

    private volatile long latencyNanos;
    private volatile long jitterNanos;
    private volatile long bytesPerSecond;
    private volatile boolean dropReplies;
    private volatile boolean blackHole;
    private volatile boolean refuse;
    private volatile boolean closed;
    private volatile int dropReplyEvery;
    private final java.util.concurrent.atomic.AtomicBoolean dropNextReply = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong countedReplies = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger faults = new java.util.concurrent.atomic.AtomicInteger();

    private FaultProxy(InetSocketAddress target, int listenPort) throws IOException {
        if (!target.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("loopback targets only: " + target);
        }
        this.target = target;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 1024);
        this.acceptor = new Thread(this::acceptLoop, "fault-proxy-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Starts a proxy on an ephemeral port of 127.0.0.1 forwarding to {@code 127.0.0.1:targetPort}.
     *
     * @param targetPort the port of the proxied server on the loopback interface
     * @return the running proxy, with no faults
     */
    public static FaultProxy start(int targetPort) {
        return start(targetPort, 0);
    }

    /**
     * Starts a proxy on {@code 127.0.0.1:listenPort} (0 for an ephemeral port) forwarding to
     * {@code 127.0.0.1:targetPort}. A fixed listen port lets a test restart a proxy where clients expect it.
     *
     * @param targetPort the port of the proxied server on the loopback interface
     * @param listenPort the port to listen on, or 0
     * @return the running proxy, with no faults
     */
    public static FaultProxy start(int targetPort, int listenPort) {
        try {
            return new FaultProxy(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), listenPort);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fault proxy", e);
        }
    }

    /**
     * Starts a proxy forwarding to {@code hostPort} ({@code host:port}; the host must be a loopback address or
     * {@code localhost}).
     */
    public static FaultProxy start(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        if (!host.equals("localhost") && !host.equals("127.0.0.1") && !host.equals("::1")) {
            throw new IllegalArgumentException("loopback targets only: " + hostPort);
        }
        return start(Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /** The port clients connect to. */
    public int port() {
        return server.getLocalPort();
    }

    /** {@code 127.0.0.1:port}, for bootstrap settings. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    // ---- faults -------------------------------------------------------------------------------------------------

    /**
     * Delays every chunk in both directions by {@code latency} plus a uniformly random extra in [0, jitter]; bytes
     * stay in order (a chunk never overtakes the one before it).
     */
    public FaultProxy latency(Duration latency, Duration jitter) {
        this.latencyNanos = latency.toNanos();
        this.jitterNanos = jitter.toNanos();
        return this;
    }

    /** Limits each direction of each connection to {@code bytesPerSecond}; 0 removes the limit. */
    public FaultProxy bandwidth(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bytesPerSecond < 0: " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        return this;
    }

    /** While on, bytes from the server are read and discarded: requests arrive, replies never do. */
    public FaultProxy dropReplies(boolean on) {
        this.dropReplies = on;
        return this;
    }

    /**
     * While on, every byte in both directions is read and discarded and new connections are accepted but never
     * forwarded (they stay dead after the black hole ends, like a connection whose handshake was lost): a network
     * partition in which neither end learns anything.
     */
    public FaultProxy blackHole(boolean on) {
        this.blackHole = on;
        return this;
    }

    /** While on, new connections are reset as soon as they are accepted (a server that is down); open ones live. */
    public FaultProxy refuseConnections(boolean on) {
        this.refuse = on;
        return this;
    }

    /** Removes every fault (latency, bandwidth, drops, black hole, refusal); open connections continue. */
    public FaultProxy heal() {
        latencyNanos = 0;
        jitterNanos = 0;
        bytesPerSecond = 0;
        dropReplies = false;
        blackHole = false;
        refuse = false;
        return this;
    }

    /**
     * Drops every {@code n}-th reply chunk (counted over all connections, leaving out each connection's first reply
     * chunk, so that connections can always be set up, e.g. the ApiVersions probe of B.4) and resets that chunk's
     * connection at once: the client sees a lost connection with requests unanswered (A.8.4, B.12.4). 0 turns it off.
     */
    public FaultProxy dropReplyEvery(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n < 0: " + n);
        }
        this.dropReplyEvery = n;
        return this;
    }

    /** Drops the next reply chunk (of any connection, past its first) and resets its connection; acts once. */
    public FaultProxy dropNextReply() {
        dropNextReply.set(true);
        return this;
    }

    /** Faults injected so far: replies dropped with their connection by the two methods above, and resets. */
    public int faults() {
        return faults.get();
    }

    /** Resets (TCP RST) both ends of every open connection. Returns how many connections were reset. */
    public int resetAll() {
        int n = 0;
        for (ProxiedConnection c : connections) {
            c.reset();
            n++;
        }
        faults.addAndGet(n);
        return n;
    }

    /**
     * Makes every open connection half-open: the other side's socket is closed (it sees the connection end) while
     * {@code stale} keeps an open connection to the proxy on which nothing ever arrives again and whatever it sends
     * is discarded; it learns nothing until it gives up by itself. Returns how many connections were affected.
     *
     * @param stale the side left believing the connection is alive
     */
    public int halfOpenConnections(Side stale) {
        int n = 0;
        for (ProxiedConnection c : connections) {
            c.halfOpen(stale);
            n++;
        }
        return n;
    }

    // ---- statistics ---------------------------------------------------------------------------------------------

    /** Connections accepted since the start. */
    public long connectionsAccepted() {
        return accepted.get();
    }

    /** Connections currently open (proxied, black-holed or half-open). */
    public int openConnections() {
        return connections.size();
    }

    /** Bytes forwarded in {@code d} since the start. */
    public long bytesForwarded(Direction d) {
        return forwarded[d.ordinal()].get();
    }

    /** Bytes discarded in {@code d} (drops, black hole, half-open) since the start. */
    public long bytesDropped(Direction d) {
        return dropped[d.ordinal()].get();
    }

    /** Stops accepting and closes every connection. Idempotent. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (ProxiedConnection c : connections) {
            c.close();
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "FaultProxy[" + address() + " -> " + target.getPort() + ", open=" + connections.size() + "]";
    }

    // ---- internals used by the connections ----------------------------------------------------------------------

    long latencyNanos() {
        return latencyNanos;
    }

    long jitterNanos() {
        return jitterNanos;
    }

    long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** True if a chunk read in {@code d} is to be discarded now. */
    boolean discards(Direction d) {
        return blackHole || (d == Direction.TO_CLIENT && dropReplies);
    }

    /** True if this reply chunk (not a connection's first) is to be dropped with its connection; counts it. */
    boolean dropsReply() {
        long k = countedReplies.incrementAndGet();
        int every = dropReplyEvery;
        if (dropNextReply.compareAndSet(true, false) || (every > 0 && k % every == 0)) {
            faults.incrementAndGet();
            return true;
        }
        return false;
    }

    void countForwarded(Direction d, int n) {
        forwarded[d.ordinal()].addAndGet(n);
    }

    void countDropped(Direction d, int n) {
        dropped[d.ordinal()].addAndGet(n);
    }

    void removed(ProxiedConnection c) {
        connections.remove(c);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            accepted.incrementAndGet();
            if (refuse) {
                ProxiedConnection.resetQuietly(client);
                continue;
            }
            ProxiedConnection c = new ProxiedConnection(this, client);
            connections.add(c);
            if (blackHole) {
                c.startBlackHoled();
            } else {
                c.start(target);
            }
        }
    }
}
