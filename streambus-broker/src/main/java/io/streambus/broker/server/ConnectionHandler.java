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
 * a held JoinGroup). Backpressure: reading stops while the queue is long or the socket is not writable.
 *
 * <p>A SaslAuthenticate that fails (its reply closes the connection) has its reply held for the
 * {@link io.streambus.broker.security.LoginThrottle} delay of the remote address; the connection handles nothing
 * else meanwhile, and the event loop is not blocked (the reply is scheduled).
 *
 * <p>Not sharable: one instance per channel. All state is confined to the channel's event loop.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);

    /** Stop reading above this many queued frames or bytes; resume below half. */
    static final int MAX_QUEUED_FRAMES = 512;
    static final long MAX_QUEUED_BYTES = 32L * 1024 * 1024;

    /** A held failure reply leaves at least this long before the authentication deadline. */
    private static final long AUTH_DEADLINE_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final RequestProcessor processor;
    private final ConnectionSettings settings;
    private final long openedNanos = System.nanoTime();
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
    private long queuedBytes;
    private ClientConnection connection;
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
    }

    ClientConnection connection() {
        return connection;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
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
        if (!readPaused && (queue.size() >= MAX_QUEUED_FRAMES || queuedBytes >= MAX_QUEUED_BYTES)) {
            readPaused = true;
            ctx.channel().config().setAutoRead(false);
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
        while (!busy && !closed && !queue.isEmpty() && ctx.channel().isWritable()) {
            ByteBuf frame = queue.pollFirst();
            queuedBytes -= frame.readableBytes();
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
        if (readPaused && !closed && closeAfterQueue == null && queue.size() < MAX_QUEUED_FRAMES / 2 && queuedBytes < MAX_QUEUED_BYTES / 2) {
            readPaused = false;
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** Applies a reply that completed off the drain loop, then carries on with the queue. Event loop only. */
    private void finish(ChannelHandlerContext ctx, CompletableFuture<Reply> f) {
        busy = false;
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
            LOG.warn("{}: closing: {}", connection, reply.reason());
            if (reply.frame() != null) {
                ctx.writeAndFlush(reply.frame()).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
            return false;
        }
        ctx.write(reply.frame(), ctx.voidPromise());
        return true;
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
                LOG.warn("{}: TLS handshake failed, closing: {}", connection, hs.cause() == null ? "?"
                        : hs.cause().getMessage());
                closeNow(ctx);
            }
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (evt instanceof IdleStateEvent) {
            // A held JoinGroup/SyncGroup is not idleness: the client is waiting for us.
            if (!busy) {
                LOG.warn("{}: closing connection idle for {} ms", connection, settings.idleTimeoutMillis());
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
            // Resets and broken pipes are the peer's business; log without a stack trace.
            LOG.warn("{}: connection error, closing: {}", connection, cause.getMessage());
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
    }
}
