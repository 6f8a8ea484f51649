package io.streambus.client.internal.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.ReferenceCountUtil;
import io.streambus.client.AuthenticationException;
import io.streambus.client.BrokerErrorException;
import io.streambus.client.ConnectionException;
import io.streambus.client.StreamBusException;
import io.streambus.client.StreamBusTimeoutException;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ApiVersion;
import io.streambus.protocol.ApiVersionsRequest;
import io.streambus.protocol.ApiVersionsResponse;
import io.streambus.protocol.message.CorruptMessageException;
import io.streambus.protocol.DecodedResponse;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.FrameDecoder;
import io.streambus.protocol.Frames;
import io.streambus.protocol.core.HealthCheckRequest;
import io.streambus.protocol.message.MessageTooLargeException;
import io.streambus.protocol.ProtocolException;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.RequestCodec;
import io.streambus.protocol.ResponseCodec;
import io.streambus.protocol.ResponseHeader;
import io.streambus.protocol.security.SaslAuthenticateRequest;
import io.streambus.protocol.security.SaslAuthenticateResponse;
import io.streambus.protocol.security.SaslHandshakeRequest;
import io.streambus.security.SaslAuthenticationException;
import io.streambus.security.SaslClientSession;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logical connection to a broker address: one Netty channel at a time carrying pipelined requests.
 *
 * <p>Setup: TCP connect, TLS handshake (if configured), the ApiVersions probe of spec B.4 (unless the address is
 * marked core-only), SASL (if configured), then READY. Requests submitted earlier wait in a queue; nothing else is
 * written while the probe is outstanding (B.4 step 1). If the broker closes the channel on the probe (reference
 * behaviour, B.4 step 4) or answers it with an unexpected code (step 5), the address is marked core-only and a new
 * channel is opened without probe, transparently for the queued requests.
 *
 * <p>Requests get per-connection ids counting from 1 (A.3.5), at most {@code max.in.flight} are outstanding, and
 * every response must answer the oldest outstanding request, else the connection is closed and every outstanding
 * request fails (A.8.4). A request without a reply within its timeout fails and closes the connection (A.8.8). An
 * idle connection is pinged with HealthCheck or closed, as its pool decides, before the reference broker's 30 s
 * deadline. A Part B type or extension flag is never written to a broker that does not serve it: the request fails
 * at once with {@link UnsupportedFeatureException}.
 *
 * <p>Thread-safe: public methods may be called from any thread; all state lives on the connection's event loop.
 */
public final class NettyConnection implements Connection {
    private static final Logger LOG = LoggerFactory.getLogger(NettyConnection.class);
    private static final long TICK_MS = 10;

    private enum State { NEW, CONNECTING, TLS, PROBING, AUTHENTICATING, READY, CLOSED }

    /** The connection was closed (by the broker, or after a failure) while the request was outstanding. */
    static final class ChannelClosedException extends ConnectionException {
        private static final long serialVersionUID = 1L;

        ChannelClosedException(String message) {
            super(message);
        }
    }

    private static final class Pending {
        final BodySupplier supplier;
        final int flags;
        final ResponseHandler handler;
        final long deadline;
        long requestId;
        int sentFlags;
        ApiKey key;
        boolean counted;

        Pending(BodySupplier supplier, int flags, ResponseHandler handler, long deadline) {
            this.supplier = supplier;
            this.flags = flags;
            this.handler = handler;
            this.deadline = deadline;
        }
    }

    /** Sends handed to the event loop as tasks and not enqueued yet. */
    private final AtomicInteger handedToLoop = new AtomicInteger();

    private final BrokerPool pool;
    private final NetContext ctx;
    private final EventLoop loop;
    private final boolean dedicated;
    private final int maxInFlight;
    private final CompletableFuture<BrokerCapabilities> readyFuture = new CompletableFuture<>();

    // Event-loop confined state.
    private Channel channel;
    private State state = State.NEW;
    private BrokerCapabilities caps;
    private long nextRequestId = 1;
    private final ArrayDeque<Pending> inflight = new ArrayDeque<>();
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private long setupDeadline;
    private long lastRequestAt;
    private boolean skipProbe;
    private boolean closing;
    private ScheduledFuture<?> ticker;

    // Read by other threads (pool selection, metrics).
    private volatile int load;
    private volatile int inflightCount;
    private volatile boolean open = true;
    private volatile BrokerCapabilities publishedCaps;

    NettyConnection(BrokerPool pool, NetContext ctx, EventLoop loop, boolean dedicated) {
        this.pool = pool;
        this.ctx = ctx;
        this.loop = loop;
        this.dedicated = dedicated;
        this.maxInFlight = ctx.maxInFlight();
    }

    /** Starts connecting after {@code delayMs} (reconnect backoff). */
    void start(long delayMs) {
        try {
            if (delayMs > 0) {
                loop.schedule(this::connect, delayMs, TimeUnit.MILLISECONDS);
            } else {
                loop.execute(this::connect);
            }
            ticker = loop.scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            open = false;
            readyFuture.completeExceptionally(new StreamBusException("client is closed"));
        }
    }

    /** The broker address this connection belongs to. */
    @Override
    public String address() {
        return pool.address();
    }

    /** Completes with the broker's capabilities when the connection is ready, or fails with the setup error. */
    @Override
    public CompletableFuture<BrokerCapabilities> ready() {
        return readyFuture;
    }

    /** Capabilities once ready, else null. */
    @Override
    public BrokerCapabilities capabilities() {
        return publishedCaps;
    }

    /** Outstanding plus queued requests (approximate, for load balancing). */
    int load() {
        return load;
    }

    int inflight() {
        return inflightCount;
    }

    /** False once closed or failed. */
    @Override
    public boolean isOpen() {
        return open;
    }

    boolean isDedicated() {
        return dedicated;
    }

    /**
     * Sends a request. The handler is called exactly once on this connection's event loop.
     *
     * @param timeoutNanos from now until the request fails with a timeout (and, once written, closes the connection)
     */
    @Override
    public void send(BodySupplier supplier, int flags, ResponseHandler handler, long timeoutNanos) {
        Pending p = new Pending(supplier, flags, handler, System.nanoTime() + timeoutNanos);
        // On the loop, enqueue at once unless sends of other threads are still queued as tasks: overtaking them
        // would reorder requests whose senders ordered their calls (an idempotent producer's sequences, B.12.4).
        if (loop.inEventLoop() && handedToLoop.get() == 0) {
            enqueue(p);
        } else {
            handedToLoop.incrementAndGet();
            try {
                loop.execute(() -> {
                    handedToLoop.decrementAndGet();
                    enqueue(p);
                });
            } catch (RejectedExecutionException e) {
                handedToLoop.decrementAndGet();
                handler.onFailure(new StreamBusException("client is closed"));
            }
        }
    }

    /** Closes the connection; outstanding and queued requests fail with a retriable {@link ConnectionException}. */
    @Override
    public void close() {
        open = false;
        try {
            loop.execute(() -> {
                closing = true;
                terminate(new ConnectionException("connection to " + address() + " closed by the client"), false);
            });
        } catch (RejectedExecutionException e) {
            // event loop already gone: the channel went with it
        }
    }

    // ---- setup ------------------------------------------------------------------------------------------------

    private void connect() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CONNECTING;
        nextRequestId = 1; // per-connection counter from 1 (A.3.5), also on the channel that replaces a probe's
        setupDeadline = System.nanoTime() + ctx.connectTimeoutNanos();
        Bootstrap b = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.ALLOCATOR, ctx.alloc())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) TimeUnit.NANOSECONDS.toMillis(ctx.connectTimeoutNanos()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (ctx.sslContext() != null) {
                            ch.pipeline().addLast("tls", ctx.tls().newHandler(ctx.sslContext(), ch.alloc(),
                                    pool.host(), pool.port()));
                        }
                        // Requests sent while handling the responses of one socket read (a producer's next batches)
                        // leave in one write at the end of the read; others are flushed at once.
                        ch.pipeline().addLast("flush-consolidation", new FlushConsolidationHandler(
                                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, false));
                        ch.pipeline().addLast("frames", FrameDecoder.forResponses());
                        ch.pipeline().addLast("client", new Inbound(ch));
                    }
                });
        ChannelFuture f = b.connect(pool.host(), pool.port());
        Channel ch = f.channel();
        channel = ch;
        f.addListener(fut -> {
            if (ch != channel || state == State.CLOSED) {
                return;
            }
            if (!fut.isSuccess()) {
                Throwable c = fut.cause();
                setupFailed(new ConnectionException("cannot connect to " + address() + ": " + c.getMessage(), c));
                return;
            }
            ch.closeFuture().addListener(cf -> onChannelClosed(ch));
            onTcpConnected(ch);
        });
    }

    private void onTcpConnected(Channel ch) {
        SslHandler tls = ch.pipeline().get(SslHandler.class);
        if (tls == null) {
            afterTransport();
            return;
        }
        state = State.TLS;
        tls.handshakeFuture().addListener(fut -> {
            if (ch != channel || state == State.CLOSED) {
                return;
            }
            if (fut.isSuccess()) {
                afterTransport();
                return;
            }
            Throwable c = fut.cause();
            if (c instanceof SslHandshakeTimeoutException || !(c instanceof SSLException)) {
                setupFailed(new ConnectionException("TLS handshake with " + address() + " failed: " + c, c));
            } else {
                // certificate or protocol mismatch: retrying the same handshake cannot help
                setupFailed(new AuthenticationException("TLS handshake with " + address() + " failed: "
                        + c.getMessage(), c));
            }
        });
    }

    private void afterTransport() {
        if (skipProbe || pool.isCoreOnlyMarked()) {
            caps = BrokerCapabilities.coreOnlyBroker();
            afterProbe();
            return;
        }
        state = State.PROBING;
        writeInternal(new ApiVersionsRequest("streambus-java", ctx.clientVersion()), new ResponseHandler() {
            @Override
            public void onResponse(DecodedResponse r) {
                try (r) {
                    if (!r.isError()) {
                        caps = toCapabilities(r.body(ApiVersionsResponse.class));
                        pool.onProbeExtended();
                        afterProbe();
                    } else if (r.errorCode() == ErrorCode.UNKNOWN_REQUEST) {
                        // B.4 step 3: a conforming core-only broker; the connection stays usable.
                        pool.markCoreOnly("answered ApiVersions with UnknownRequest");
                        caps = BrokerCapabilities.coreOnlyBroker();
                        afterProbe();
                    } else {
                        // B.4 step 5: not a conforming broker.
                        LOG.warn("broker {} answered ApiVersions with code {} ({}); treating it as core-only",
                                address(), r.errorCode(), r.errorMessage());
                        pool.markCoreOnly("answered ApiVersions with code " + r.errorCode());
                        reconnectWithoutProbe();
                    }
                }
            }

            @Override
            public void onFailure(Throwable error) {
                if (error instanceof ChannelClosedException) {
                    if (pool.hasExtendedConnection()) {
                        // B.4 step 4, last sentence: the broker is extended, so this close was a failure.
                        setupFailed(new ConnectionException("connection to " + address()
                                + " closed during the ApiVersions probe"));
                    } else {
                        pool.markCoreOnly("closed the connection on ApiVersions (reference broker behaviour)");
                        reconnectWithoutProbe();
                    }
                } else {
                    setupFailed(error);
                }
            }
        });
    }

    private static BrokerCapabilities toCapabilities(ApiVersionsResponse r) {
        Set<Integer> types = new HashSet<>();
        for (ApiVersion v : r.apis()) {
            if (v.servesVersion1()) {
                types.add(v.type());
            }
        }
        return new BrokerCapabilities(false, types, r.featureBits(), r.brokerSoftware());
    }

    private void reconnectWithoutProbe() {
        skipProbe = true;
        Channel old = channel;
        channel = null;
        state = State.NEW;
        if (old != null) {
            old.close();
        }
        connect();
    }

    private void afterProbe() {
        if (ctx.sasl() != null) {
            if (caps.coreOnly() || !caps.supportsSasl()) {
                // B.4: with credentials configured never fall back to unauthenticated use.
                setupFailed(new UnsupportedFeatureException(BrokerCapabilities.CAP_SASL, address()));
                return;
            }
            authenticate();
            return;
        }
        if (caps.has(BrokerCapabilities.AUTH_REQUIRED)) {
            setupFailed(new AuthenticationException("broker " + address()
                    + " requires SASL authentication (AUTH_REQUIRED) but no sasl.mechanism is configured"));
            return;
        }
        becomeReady();
    }

    private void authenticate() {
        state = State.AUTHENTICATING;
        SaslClientSession session = ctx.sasl().newSession();
        String mech = session.mechanism();
        writeInternal(new SaslHandshakeRequest(mech), new ResponseHandler() {
            @Override
            public void onResponse(DecodedResponse r) {
                try (r) {
                    if (r.isError()) {
                        setupFailed(new AuthenticationException("SASL handshake with " + address() + " for "
                                + mech + " failed: " + describe(r)));
                        return;
                    }
                }
                sendSasl(session, session.initialMessage());
            }

            @Override
            public void onFailure(Throwable error) {
                setupFailed(error);
            }
        });
    }

    private void sendSasl(SaslClientSession session, byte[] message) {
        writeInternal(new SaslAuthenticateRequest(message), new ResponseHandler() {
            @Override
            public void onResponse(DecodedResponse r) {
                byte[] reply;
                try (r) {
                    if (r.isError()) {
                        setupFailed(new AuthenticationException("SASL " + session.mechanism() + " authentication of "
                                + ctx.sasl().username() + " with " + address() + " failed: " + describe(r)));
                        return;
                    }
                    reply = r.body(SaslAuthenticateResponse.class).authBytes();
                }
                byte[] next;
                try {
                    next = session.evaluate(reply);
                } catch (SaslAuthenticationException | RuntimeException e) {
                    setupFailed(new AuthenticationException("SASL " + session.mechanism() + " exchange with "
                            + address() + " failed: " + e.getMessage(), e));
                    return;
                }
                if (next == null) {
                    becomeReady();
                } else {
                    sendSasl(session, next);
                }
            }

            @Override
            public void onFailure(Throwable error) {
                setupFailed(error);
            }
        });
    }

    private static String describe(DecodedResponse r) {
        int code = r.errorCode();
        String hint = switch (code) {
            case ErrorCode.INVALID_CREDENTIALS -> " (wrong user name or password)";
            case ErrorCode.ACCOUNT_DISABLED -> " (account disabled)";
            case ErrorCode.UNSUPPORTED_SASL_MECHANISM -> " (mechanism not enabled on the broker)";
            default -> "";
        };
        String m = r.errorMessage();
        return "code " + code + " " + ErrorCode.nameOf(code) + hint + (m == null || m.isEmpty() ? "" : ": " + m);
    }

    private void becomeReady() {
        state = State.READY;
        publishedCaps = caps;
        lastRequestAt = System.nanoTime();
        pool.onReady(this);
        readyFuture.complete(caps);
        drain();
    }

    private void setupFailed(Throwable error) {
        if (state == State.CLOSED) {
            return;
        }
        StreamBusException e = Errors.toStreamBus(error, "connection to " + address());
        state = State.CLOSED;
        open = false;
        stopTicker();
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
        failAll(e, e);
        readyFuture.completeExceptionally(e);
        pool.onSetupFailed(this, e);
    }

    // ---- requests -----------------------------------------------------------------------------------------------

    private void enqueue(Pending p) {
        if (state == State.CLOSED) {
            p.handler.onFailure(new ChannelClosedException("connection to " + address() + " is closed"));
            return;
        }
        if (state == State.READY && waiting.isEmpty() && inflight.size() < maxInFlight) {
            write(p);
        } else {
            waiting.add(p);
        }
        updateLoad();
    }

    private void drain() {
        while (state == State.READY && !waiting.isEmpty() && inflight.size() < maxInFlight) {
            write(waiting.poll());
        }
        updateLoad();
    }

    private void write(Pending p) {
        ApiKey key = p.supplier.apiKey();
        if (key.isExtension() && !caps.serves(key.code())) {
            fail(p, new UnsupportedFeatureException(BrokerCapabilities.capabilityOf(key.code()), address()));
            return;
        }
        RequestBody body;
        ByteBuf frame;
        long id = nextRequestId;
        try {
            body = p.supplier.body(caps, pool);
            int flags = p.flags | body.requiredFlags();
            if ((flags & Frames.FLAG_COMPRESSED) != 0 && !caps.supportsCompression()) {
                fail(p, new UnsupportedFeatureException(BrokerCapabilities.CAP_COMPRESSION, address()));
                return;
            }
            if ((flags & Frames.FLAG_TRANSACTIONAL) != 0
                    && body.apiKey() == io.streambus.protocol.ApiKey.SHARE_ACKNOWLEDGE && !caps.supportsTxnShareAcks()) {
                // B.13.15: a broker without the bit would answer 2; never send the flag there
                fail(p, new UnsupportedFeatureException(BrokerCapabilities.CAP_TXN_SHARE_ACKS, address()));
                return;
            }
            if ((flags & (Frames.FLAG_TRANSACTIONAL | Frames.FLAG_READ_COMMITTED)) != 0
                    && !caps.has(BrokerCapabilities.TXN_DATA_PATH)) {
                fail(p, new UnsupportedFeatureException(BrokerCapabilities.CAP_TRANSACTIONS, address()));
                return;
            }
            if ((flags & Frames.FLAG_SEQUENCED) != 0 && !caps.has(BrokerCapabilities.IDEMPOTENT_PRODUCE)) {
                // B.12.6 item 1: a broker without the bit would append every retry again
                fail(p, new UnsupportedFeatureException(BrokerCapabilities.CAP_IDEMPOTENCE, address()));
                return;
            }
            frame = RequestCodec.encode(channel.alloc(), id, p.flags, body);
            p.sentFlags = flags;
        } catch (MessageTooLargeException e) {
            fail(p, new StreamBusException(key + " request to " + address() + " is too large: " + e.getMessage(), e));
            return;
        } catch (RuntimeException e) {
            fail(p, Errors.toStreamBus(e, "cannot encode " + key + " request"));
            return;
        }
        nextRequestId++;
        p.requestId = id;
        p.key = key;
        inflight.add(p);
        inflightCount = inflight.size();
        p.counted = true;
        pool.inflightDelta(1);
        lastRequestAt = System.nanoTime();
        channel.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    /** Writes a setup or keep-alive request, bypassing the queue and the Part B gate. */
    private void writeInternal(RequestBody body, ResponseHandler handler) {
        long deadline = Math.min(System.nanoTime() + ctx.requestTimeoutNanos(),
                state == State.READY ? Long.MAX_VALUE : setupDeadline);
        Pending p = new Pending(BodySupplier.of(body), 0, handler, deadline);
        long id = nextRequestId++;
        ByteBuf frame = RequestCodec.encode(channel.alloc(), id, 0, body);
        p.requestId = id;
        p.key = body.apiKey();
        p.sentFlags = 0;
        inflight.add(p);
        inflightCount = inflight.size();
        lastRequestAt = System.nanoTime();
        channel.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    private void onFrame(ByteBuf frame) {
        Pending p;
        DecodedResponse response;
        try {
            ResponseHeader h = ResponseCodec.decodeHeader(frame);
            p = inflight.peekFirst();
            if (p == null) {
                protocolError("response with request id " + Long.toUnsignedString(h.requestId())
                        + " but no request is outstanding");
                return;
            }
            if (p.requestId != h.requestId()) {
                protocolError("response id " + Long.toUnsignedString(h.requestId())
                        + " does not match the oldest outstanding request id " + Long.toUnsignedString(p.requestId)
                        + " (responses must come in request order, A.8.4)");
                return;
            }
            inflight.pollFirst();
            inflightCount = inflight.size();
            left(p);
            try {
                response = ResponseCodec.decode(frame, p.key, p.sentFlags, channel.alloc());
            } catch (CorruptMessageException e) {
                // B.11: the frame was sound; fail this request only and keep the connection.
                fail(p, new BrokerErrorException(ErrorCode.CORRUPT_MESSAGE, e.getMessage(),
                        p.key + " from " + address()));
                drain();
                return;
            } catch (ProtocolException e) {
                fail(p, new ConnectionException("malformed " + p.key + " response from " + address() + ": "
                        + e.getMessage(), e));
                protocolError("malformed " + p.key + " response: " + e.getMessage());
                return;
            }
        } finally {
            frame.release();
        }
        try {
            p.handler.onResponse(response);
        } catch (RuntimeException e) {
            LOG.error("response handler for {} failed", p.key, e);
        }
        drain();
    }

    private void fail(Pending p, Throwable error) {
        try {
            p.handler.onFailure(error);
        } catch (RuntimeException e) {
            LOG.error("failure handler for {} failed", p.supplier.apiKey(), e);
        }
    }

    private void protocolError(String message) {
        LOG.warn("protocol error on connection to {}: {}; closing it", address(), message);
        terminate(new ConnectionException("protocol error on connection to " + address() + ": " + message), true);
    }

    // ---- timers and teardown ----------------------------------------------------------------------------------

    private void tick() {
        if (state == State.CLOSED) {
            stopTicker();
            return;
        }
        long now = System.nanoTime();
        if (state != State.READY) {
            if (state != State.NEW && now - setupDeadline > 0) {
                setupFailed(new StreamBusTimeoutException("connection setup with " + address()
                        + " (connect, TLS, ApiVersions probe, SASL) did not complete within connect.timeout.ms="
                        + TimeUnit.NANOSECONDS.toMillis(ctx.connectTimeoutNanos()) + " in state " + state));
            }
            expireWaiting(now);
            return;
        }
        Pending head = inflight.peekFirst();
        if (head != null && now - head.deadline > 0) {
            requestTimedOut(now);
            return;
        }
        expireWaiting(now);
        if (inflight.isEmpty() && waiting.isEmpty() && now - lastRequestAt > ctx.idleNanos()) {
            if (pool.keepAlive(this)) {
                writeInternal(HealthCheckRequest.INSTANCE, new ResponseHandler() {
                    @Override
                    public void onResponse(DecodedResponse r) {
                        r.close();
                    }

                    @Override
                    public void onFailure(Throwable error) {
                        // teardown already handled by the connection
                    }
                });
            } else {
                LOG.debug("closing idle connection to {}", address());
                closing = true;
                terminate(new ConnectionException("idle connection to " + address() + " closed"), false);
            }
        }
    }

    private void expireWaiting(long now) {
        if (waiting.isEmpty()) {
            return;
        }
        boolean removed = false;
        for (Iterator<Pending> it = waiting.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (now - p.deadline > 0) {
                it.remove();
                removed = true;
                fail(p, new StreamBusTimeoutException(p.supplier.apiKey() + " request to " + address()
                        + " was not sent within its timeout (connection " + state.name().toLowerCase() + ")"));
            }
        }
        if (removed) {
            updateLoad();
        }
    }

    private void requestTimedOut(long now) {
        List<Pending> expired = new ArrayList<>();
        for (Pending p : inflight) {
            if (now - p.deadline > 0) {
                expired.add(p);
            }
        }
        inflight.removeAll(expired);
        expired.forEach(this::left);
        LOG.warn("{} request to {} got no response within its timeout; closing the connection (spec A.8.8)",
                expired.get(0).key, address());
        for (Pending p : expired) {
            fail(p, new StreamBusTimeoutException(p.key + " request to " + address()
                    + " got no response within its timeout (request.timeout.ms); the connection was closed"));
        }
        terminate(new ConnectionException("connection to " + address() + " closed after a request timed out"),
                true);
    }

    private void onChannelClosed(Channel ch) {
        if (ch != channel || state == State.CLOSED) {
            return;
        }
        if (state != State.READY) {
            // Decide on the next turn of the loop: a TLS alert that caused this close reaches exceptionCaught
            // right after the close listeners, and must win over "closed on the probe" (B.4 step 4).
            loop.execute(() -> onSetupChannelClosed(ch));
            return;
        }
        boolean remote = !closing;
        String why = remote ? " closed by the broker" : " closed";
        terminate(new ChannelClosedException("connection to " + address() + why), false, remote);
    }

    private void onSetupChannelClosed(Channel ch) {
        if (ch != channel || state == State.CLOSED || state == State.READY) {
            return;
        }
        ChannelClosedException e = new ChannelClosedException("connection to " + address()
                + " closed by the broker during " + state.name().toLowerCase());
        if (state == State.PROBING && !inflight.isEmpty()) {
            // Only the probe is outstanding; its handler decides (B.4 step 4).
            Pending p = inflight.poll();
            inflightCount = inflight.size();
            fail(p, e);
        } else {
            setupFailed(e);
        }
    }

    private void terminate(StreamBusException error, boolean failure) {
        terminate(error, failure, false);
    }

    private void terminate(StreamBusException error, boolean failure, boolean remoteClose) {
        if (state == State.CLOSED) {
            return;
        }
        boolean hadInflight = !inflight.isEmpty();
        boolean wasReady = state == State.READY;
        state = State.CLOSED;
        open = false;
        stopTicker();
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
        failAll(error, error);
        if (!readyFuture.isDone()) {
            readyFuture.completeExceptionally(error);
        }
        pool.onClosed(this, wasReady && remoteClose, failure || (remoteClose && hadInflight));
    }

    private void failAll(Throwable inflightError, Throwable waitingError) {
        List<Pending> all = new ArrayList<>(inflight);
        inflight.clear();
        all.forEach(this::left);
        List<Pending> queued = new ArrayList<>(waiting);
        waiting.clear();
        inflightCount = 0;
        load = 0;
        for (Pending p : all) {
            fail(p, inflightError);
        }
        for (Pending p : queued) {
            fail(p, waitingError);
        }
    }

    /** A written request left the in-flight queue. */
    private void left(Pending p) {
        if (p.counted) {
            p.counted = false;
            pool.inflightDelta(-1);
        }
    }

    private void stopTicker() {
        ScheduledFuture<?> t = ticker;
        if (t != null) {
            t.cancel(false);
        }
    }

    private void updateLoad() {
        load = inflight.size() + waiting.size();
        inflightCount = inflight.size();
    }

    @Override
    public String toString() {
        return "Connection[" + address() + (dedicated ? ", dedicated" : "") + ", " + state + "]";
    }

    /** Inbound handler of one channel; events of replaced channels are ignored. */
    private final class Inbound extends ChannelInboundHandlerAdapter {
        private final Channel ch;

        Inbound(Channel ch) {
            this.ch = ch;
        }

        @Override
        public void channelRead(ChannelHandlerContext c, Object msg) {
            if (ch != channel || state == State.CLOSED || !(msg instanceof ByteBuf frame)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            onFrame(frame);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
            if (ch != channel || state == State.CLOSED) {
                c.close();
                return;
            }
            Throwable t = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                    && !(cause instanceof ProtocolException) ? cause.getCause() : cause;
            if (t instanceof ProtocolException) {
                protocolError(t.getMessage());
            } else if (t instanceof SSLException && state != State.READY) {
                // Alerts after the client's side of the handshake (TLS 1.3 checks client certificates then):
                // a configuration problem, not a broker that closes on ApiVersions.
                setupFailed(new AuthenticationException("TLS with " + address() + " failed: " + t.getMessage(), t));
            } else if (state == State.PROBING) {
                // A reset on the probe counts as a close (B.4 step 4): the close listener decides.
                c.close();
            } else if (state != State.READY) {
                setupFailed(new ConnectionException("connection to " + address() + " failed: " + t, t));
            } else {
                LOG.debug("connection to {} failed", address(), t);
                terminate(new ConnectionException("connection to " + address() + " failed: " + t, t), true);
            }
        }
    }
}
