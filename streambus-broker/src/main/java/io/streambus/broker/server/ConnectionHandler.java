package io.streambus.broker.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.streambus.broker.limits.MemoryBudget;
import io.streambus.broker.security.TlsPrincipal;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.Frames;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serialises the requests of one connection (spec B.2 "order of processing", A.8.4): frames are queued as they arrive
 * and handed to the {@link RequestProcessor} one at a time; the next starts only after the previous reply has been
 * decided and written, so responses leave in request order even when a request completes on another thread (fsync,
 * a held JoinGroup). Backpressure: reading stops while the queue is long, the socket is not writable or the
 * broker-wide {@link MemoryBudget} is exhausted.
 *
 * <p>Memory accounting: every byte read is charged to the budget on arrival by the {@link #inputAccounting()}
 * handler, which sits before the frame decoder (so a frame still being assembled counts too), and stays charged until
 * the reply to its frame is decided (queued and in-progress bytes); every reply is charged from its write until the
 * socket took it; whatever a connection still holds when it closes is released then. Before authentication, when it is
 * required, a connection gets a queue of one frame and replies are not written ahead of a client that does not read
 * them. A paused connection is probed: while it holds little, one read is issued per {@link #PROBE_INTERVAL_MILLIS}
 * so that the peer's close (FIN or reset) is noticed and everything is released; a connection holding more is
 * noticed once its queue drains (a held JoinGroup ends at the capped rebalance timeout at the latest).
 *
 * <p>A SaslAuthenticate that fails (its reply closes the connection) has its reply held for the
 * {@link io.streambus.broker.security.LoginThrottle} delay of the remote address; the connection handles nothing
 * else meanwhile, and the event loop is not blocked (the reply is scheduled).
 *
 * <p>Not sharable: one instance per channel. All state is confined to the channel's event loop.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);
    /** Connection-level warnings any client can cause by connecting (failed TLS, refused logins): broker-wide limit. */
    private static final io.streambus.broker.limits.WarnLimiter CONNECTION_WARNINGS =
            new io.streambus.broker.limits.WarnLimiter();

    /** Stop reading above this many queued frames or bytes; resume below half. */
    static final int MAX_QUEUED_FRAMES = 512;
    static final long MAX_QUEUED_BYTES = 32L * 1024 * 1024;
    /** How often a paused connection is probed for the peer's close. */
    static final long PROBE_INTERVAL_MILLIS = 200;
    /** A paused connection holding fewer bytes than this is probed. */
    static final long PROBE_ALLOWANCE_BYTES = 256 * 1024;
    /** Bytes a frame occupied on the wire besides what the decoder hands on: the length field and the CRC. */
    private static final int FRAME_ENVELOPE = Frames.LENGTH_FIELD_SIZE + Frames.CRC_SIZE;

    /** A held failure reply leaves at least this long before the authentication deadline. */
    private static final long AUTH_DEADLINE_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final RequestProcessor processor;
    private final ConnectionSettings settings;
    private final MemoryBudget budget;
    /** Nonzero: authentication is required and this is the reply backlog allowed before it. */
    private final int preAuthReplyBacklog;
    /** Bytes read by this connection and charged to the budget, not yet released (partial, queued, in progress). */
    private long frameCharge;
    /** Charge of the frame in progress, released when its reply is decided. */
    private long inProgressCharge;
    /** Reply bytes handed to the socket and not yet written. */
    private long pendingReplyBytes;
    private io.netty.util.concurrent.ScheduledFuture<?> probe;
    private boolean waitingForBudget;
    /** A probe's read is on its way down the pipeline (the accounting handler lets it pass). */
    private boolean probing;
    private final long openedNanos = System.nanoTime();
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
    private long queuedBytes;
    private ClientConnection connection;
    private ChannelHandlerContext ctx;
    /** A request is in progress (its future has not completed yet). */
    private boolean busy;
    private boolean readPaused;
    /** No more replies will be written; the channel is closed or closing. */
    private boolean closed;
    /** Bad input was seen: answer what came before it, accept nothing after it, then close (A.8.5). */
    private String closeAfterQueue;
    /** The last reply future {@link #failureDelayNanos} judged, and its delay. */
    private CompletableFuture<Reply> delayedFor;
    private long delayNanos;
    /** A failed-login reply being held, and the timer that will send it; released if the channel closes first. */
    private CompletableFuture<Reply> heldReply;
    private io.netty.util.concurrent.ScheduledFuture<?> heldReplyTimer;

    ConnectionHandler(RequestProcessor processor, ConnectionSettings settings) {
        this.processor = processor;
        this.settings = settings;
        this.budget = settings.memoryBudget();
        this.preAuthReplyBacklog = settings.authDeadlineMillis() > 0 ? settings.preAuthMaxFrameBytes() : 0;
    }

    /** True while authentication is required and not yet done: the tight pre-authentication limits apply. */
    private boolean preAuth() {
        return preAuthReplyBacklog > 0 && !connection.authenticated();
    }

    /**
     * The handler that charges every byte read to the budget; the pipeline puts it before the frame decoder (after
     * TLS). It shares this handler's accounting and is confined to the same event loop.
     */
    io.netty.channel.ChannelDuplexHandler inputAccounting() {
        return new io.netty.channel.ChannelDuplexHandler() {
            /**
             * The frame decoder asks for another read whenever a read loop completed no frame, even with auto-read
             * off: while paused, only the probe's reads pass, so a frame being assembled does not grow.
             */
            @Override
            public void read(ChannelHandlerContext ctx) {
                if (!readPaused || probing || closed) {
                    ctx.read();
                }
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof ByteBuf b && !closed) {
                    frameCharge += b.readableBytes();
                    budget.charge(b.readableBytes());
                    // Frames complete or not: a spent budget stops reading at once (this read loop ends here).
                    if (budget.exhausted() && !readPaused) {
                        pause(ConnectionHandler.this.ctx);
                        awaitBudget(ConnectionHandler.this.ctx);
                    }
                }
                ctx.fireChannelRead(msg);
            }
        };
    }

    private int maxQueuedFrames() {
        return preAuth() ? 1 : MAX_QUEUED_FRAMES;
    }

    ClientConnection connection() {
        return connection;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        connection = new ClientConnection(ctx.channel());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        processor.connectionOpened(connection);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf frame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (closed || closeAfterQueue != null) {
            frame.release();
            return;
        }
        queue.addLast(frame);
        queuedBytes += frame.readableBytes();
        if (!readPaused && (queue.size() >= maxQueuedFrames() || queuedBytes >= MAX_QUEUED_BYTES
                || budget.exhausted())) {
            pause(ctx);
        }
        drain(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            drain(ctx);
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** Processes queued frames while nothing is in progress and the socket takes more. Event loop only. */
    private void drain(ChannelHandlerContext ctx) {
        boolean wrote = false;
        while (!busy && !closed && !queue.isEmpty() && ctx.channel().isWritable()
                && (!preAuth() || pendingReplyBytes < preAuthReplyBacklog)) {
            ByteBuf frame = queue.pollFirst();
            queuedBytes -= frame.readableBytes();
            inProgressCharge = frame.readableBytes() + FRAME_ENVELOPE;
            boolean authenticate = isSaslAuthenticate(frame);
            CompletableFuture<Reply> f;
            try {
                f = processor.process(connection, frame);
            } catch (Throwable t) {
                // The processor owns the frame even when it throws; a bug must not leave the connection stuck.
                LOG.warn("{}: internal error, closing: {}", connection, t.toString(), t);
                closeNow(ctx);
                break;
            }
            if (f.isDone() && failureDelayNanos(f, authenticate) == 0) {
                releaseInProgress();
                wrote |= apply(ctx, f);
            } else {
                busy = true;
                f.whenComplete((r, e) -> {
                    try {
                        ctx.executor().execute(() -> {
                            // A failed login: hold the reply (and its close) without blocking the event loop.
                            long delay = failureDelayNanos(f, authenticate);
                            if (delay > 0) {
                                heldReply = f;
                                heldReplyTimer = ctx.executor().schedule(() -> {
                                    heldReply = null;
                                    heldReplyTimer = null;
                                    finish(ctx, f);
                                }, delay, TimeUnit.NANOSECONDS);
                            } else {
                                finish(ctx, f);
                            }
                        });
                    } catch (RejectedExecutionException shuttingDown) {
                        if (r != null) {
                            r.discard();
                        }
                    }
                });
            }
        }
        if (wrote) {
            ctx.flush();
        }
        if (closeAfterQueue != null && !busy && !closed && queue.isEmpty()) {
            closed = true;
            LOG.warn("{}: {}, closing without reply", connection, closeAfterQueue);
            ctx.close();
            return;
        }
        if (readPaused && !waitingForBudget && !closed && closeAfterQueue == null
                && queue.size() <= maxQueuedFrames() / 2 && queuedBytes < MAX_QUEUED_BYTES / 2) {
            if (budget.exhausted()) {
                awaitBudget(ctx);
            } else {
                resume(ctx);
            }
        }
    }

    /** Stops reading and starts probing for the peer's close. Event loop only. */
    private void pause(ChannelHandlerContext ctx) {
        readPaused = true;
        ctx.channel().config().setAutoRead(false);
        if (probe == null) {
            probe = ctx.executor().scheduleWithFixedDelay(() -> probe(ctx), PROBE_INTERVAL_MILLIS,
                    PROBE_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void resume(ChannelHandlerContext ctx) {
        readPaused = false;
        cancelProbe();
        ctx.channel().config().setAutoRead(true);
    }

    /** One read while paused and holding little, so that a close by the peer is seen. Event loop only. */
    private void probe(ChannelHandlerContext ctx) {
        if (!readPaused || closed || !ctx.channel().isActive()) {
            cancelProbe();
            return;
        }
        if (frameCharge + pendingReplyBytes < PROBE_ALLOWANCE_BYTES) {
            probing = true;
            try {
                ctx.read();
            } finally {
                probing = false;
            }
        }
    }

    private void cancelProbe() {
        if (probe != null) {
            probe.cancel(false);
            probe = null;
        }
    }

    /** Resumes reading once the budget has room again. Event loop only. */
    private void awaitBudget(ChannelHandlerContext ctx) {
        if (waitingForBudget) {
            return;
        }
        waitingForBudget = true;
        budget.whenAvailable(() -> {
            try {
                ctx.executor().execute(() -> {
                    waitingForBudget = false;
                    if (!closed) {
                        drain(ctx);
                    }
                });
            } catch (RejectedExecutionException shuttingDown) {
                // The channel is going away with its event loop.
            }
        });
    }

    private void releaseInProgress() {
        frameCharge -= inProgressCharge;
        budget.release(inProgressCharge);
        inProgressCharge = 0;
    }

    /** Applies a reply that completed off the drain loop, then carries on with the queue. Event loop only. */
    private void finish(ChannelHandlerContext ctx, CompletableFuture<Reply> f) {
        busy = false;
        releaseInProgress();
        if (apply(ctx, f)) {
            ctx.flush();
        }
        drain(ctx);
    }

    /** True if the frame is a SaslAuthenticate request (type byte after the 8-byte request id, A.3). */
    private static boolean isSaslAuthenticate(ByteBuf frame) {
        return frame.readableBytes() >= Frames.REQUEST_HEADER_SIZE
                && frame.getUnsignedByte(frame.readerIndex() + 8) == ApiKey.SASL_AUTHENTICATE.code();
    }

    /**
     * For a completed SaslAuthenticate whose reply closes the connection (every failed authentication, B.5.3): the
     * throttle's delay, counted once per reply. Zero for anything else. Memoised per future, since the fast path
     * and the scheduled path may both ask.
     */
    private long failureDelayNanos(CompletableFuture<Reply> f, boolean authenticate) {
        if (!authenticate || !f.isDone() || f.isCompletedExceptionally()) {
            return 0;
        }
        if (f == delayedFor) {
            return delayNanos;
        }
        Reply r = f.join();
        long d = r.closeAfter() && connection.saslState() != ClientConnection.SaslState.AUTHENTICATED
                ? settings.loginThrottle().failureDelayNanos(remoteAddress()) : 0;
        if (d > 0 && settings.authDeadlineMillis() > 0) {
            // Answer before the authentication deadline closes the connection, so the client learns why it failed.
            long left = openedNanos + TimeUnit.MILLISECONDS.toNanos(settings.authDeadlineMillis()) - System.nanoTime()
                    - AUTH_DEADLINE_MARGIN_NANOS;
            d = Math.max(0, Math.min(d, left));
        }
        delayedFor = f;
        delayNanos = d;
        return d;
    }

    private java.net.InetAddress remoteAddress() {
        return connection.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    }

    /** Writes (without flushing) or closes as the reply says. Returns true if something was written. */
    private boolean apply(ChannelHandlerContext ctx, CompletableFuture<Reply> f) {
        Reply reply;
        try {
            reply = f.join();
        } catch (Throwable t) {
            LOG.warn("{}: internal error, closing: {}", connection, t.toString(), t);
            closeNow(ctx);
            return false;
        }
        if (closed || !ctx.channel().isActive()) {
            reply.discard();
            return false;
        }
        if (reply.closeAfter()) {
            closed = true;
            releaseQueue();
            warnConnection("{}: closing: {}", connection, reply.reason());
            if (reply.frame() != null) {
                long n = reply.frame().readableBytes();
                budget.charge(n);
                ctx.writeAndFlush(reply.frame()).addListener(done -> budget.release(n))
                        .addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
            return false;
        }
        writeCounted(ctx, reply.frame());
        return true;
    }

    /** Writes a reply, charging its bytes to the budget until the socket has taken them. Event loop only. */
    private void writeCounted(ChannelHandlerContext ctx, ByteBuf frame) {
        long n = frame.readableBytes();
        pendingReplyBytes += n;
        budget.charge(n);
        ctx.write(frame).addListener(done -> {
            pendingReplyBytes -= n;
            budget.release(n);
            if (preAuthReplyBacklog > 0 && !closed && !queue.isEmpty()) {
                drain(ctx); // a held-back pre-authentication reply backlog has room again
            }
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent hs) {
            if (hs.isSuccess()) {
                SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                if (ssl != null) {
                    // A verified client certificate names the principal until SASL says otherwise.
                    TlsPrincipal.fromSession(ssl.engine().getSession(), settings.tlsPrincipalMapper())
                            .ifPresent(connection::certificatePrincipal);
                }
            } else {
                warnConnection("{}: TLS handshake failed, closing: {}", connection, hs.cause() == null ? "?"
                        : hs.cause().getMessage());
                closeNow(ctx);
            }
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (evt instanceof IdleStateEvent) {
            // A held JoinGroup/SyncGroup is not idleness: the client is waiting for us.
            if (!busy) {
                LOG.debug("{}: closing connection idle for {} ms", connection, settings.idleTimeoutMillis());
                closeNow(ctx);
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (closed) {
            return;
        }
        if (cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
            // The handshake-completion event logs TLS failures; SslHandler closes the channel.
            closeNow(ctx);
            return;
        }
        if (cause instanceof java.io.IOException) {
            // Resets and broken pipes are the peer's business: routine churn, not a broker problem.
            LOG.debug("{}: connection error, closing: {}", connection, cause.getMessage());
            closeNow(ctx);
            return;
        }
        if (closeAfterQueue != null) {
            return;
        }
        Throwable c = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                ? cause.getCause() : cause;
        String msg = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        // Framing errors (bad CRC, bad length) desynchronise the stream: nothing after them can be trusted.
        closeAfterQueue = "bad frame (" + msg + ")";
        ctx.channel().config().setAutoRead(false);
        drain(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        releaseQueue();
        if (heldReplyTimer != null && heldReplyTimer.cancel(false)) {
            heldReply.join().discard(); // the timer will not run (broker stopping): release the reply here
        }
        heldReply = null;
        heldReplyTimer = null;
        try {
            processor.connectionClosed(connection);
        } catch (RuntimeException e) {
            LOG.warn("{}: error while releasing connection state: {}", connection, e.toString(), e);
        }
        ctx.fireChannelInactive();
    }

    /** A WARN line about a connection event, rate-limited broker-wide (any client can cause these). */
    static void warnConnection(String format, Object... args) {
        long suppressed = CONNECTION_WARNINGS.tryAcquire();
        if (suppressed >= 0) {
            LOG.warn(suppressed == 0 ? format : format + " (" + suppressed + " similar warnings suppressed)", args);
        }
    }

    private void closeNow(ChannelHandlerContext ctx) {
        closed = true;
        releaseQueue();
        ctx.close();
    }

    private void releaseQueue() {
        ByteBuf b;
        while ((b = queue.pollFirst()) != null) {
            b.release();
        }
        queuedBytes = 0;
        // Queued and in-progress frames alike: a reply decided later is discarded and releases nothing more.
        budget.release(frameCharge);
        frameCharge = 0;
        inProgressCharge = 0;
        cancelProbe();
    }
}
