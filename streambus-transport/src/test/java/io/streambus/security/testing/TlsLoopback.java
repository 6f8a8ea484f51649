package io.streambus.security.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import javax.net.ssl.SSLSession;

/**
 * A tiny TLS echo server on 127.0.0.1 and a matching client, for handshake tests over real sockets. The caller
 * supplies the {@link SslHandler} of each side, so any client or server SslContext can be tested.
 *
 * <p>{@link #connect} performs one handshake, sends {@code "ping"} and waits for the echo; both sides' handshake
 * outcome is reported (the server side's SSLSession included, to read the client certificate).
 */
public final class TlsLoopback implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 10;

    /** What happened on one connection. {@code serverSession} is null when the server-side handshake failed. */
    public record Outcome(Throwable clientFailure, Throwable serverFailure, SSLSession serverSession, String echoed) {
        /** Both handshakes succeeded and the echo came back. */
        public boolean succeeded() {
            return clientFailure == null && serverFailure == null && "ping".equals(echoed);
        }
    }

    @SuppressWarnings("deprecation")
    private final EventLoopGroup group = new NioEventLoopGroup(2); // in Netty 4.1 and 4.2
    private final Channel serverChannel;
    private final BlockingQueue<CompletableFuture<SSLSession>> serverHandshakes = new ArrayBlockingQueue<>(64);

    private TlsLoopback(Function<Channel, SslHandler> serverHandler) throws InterruptedException {
        ServerBootstrap sb = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        CompletableFuture<SSLSession> hs = new CompletableFuture<>();
                        serverHandshakes.add(hs);
                        SslHandler ssl = serverHandler.apply(ch);
                        ch.pipeline().addLast(ssl, new ChannelInboundHandlerAdapter() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                if (evt instanceof SslHandshakeCompletionEvent e) {
                                    if (e.isSuccess()) {
                                        hs.complete(ssl.engine().getSession());
                                    } else {
                                        hs.completeExceptionally(e.cause());
                                    }
                                }
                                ctx.fireUserEventTriggered(evt);
                            }

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ctx.writeAndFlush(msg); // echo; ownership passes to the write
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                hs.completeExceptionally(cause);
                                ctx.close();
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                hs.completeExceptionally(new IllegalStateException("closed before handshake"));
                            }
                        });
                    }
                });
        serverChannel = sb.bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /** Starts the echo server; {@code serverHandler} makes the server SslHandler for each accepted channel. */
    public static TlsLoopback start(Function<Channel, SslHandler> serverHandler) throws InterruptedException {
        return new TlsLoopback(serverHandler);
    }

    /** The bound port on 127.0.0.1. */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /**
     * Connects to 127.0.0.1:{@link #port()} with the client SslHandler made by {@code clientHandler}, then pings.
     * Never hangs longer than about 20 s.
     */
    public Outcome connect(Function<Channel, SslHandler> clientHandler) throws InterruptedException {
        CompletableFuture<String> echo = new CompletableFuture<>();
        SslHandler[] holder = new SslHandler[1];
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        holder[0] = clientHandler.apply(ch);
                        ch.pipeline().addLast(holder[0], new ChannelInboundHandlerAdapter() {
                            private final StringBuilder received = new StringBuilder();

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ByteBuf buf = (ByteBuf) msg;
                                try {
                                    received.append(buf.toString(StandardCharsets.US_ASCII));
                                } finally {
                                    buf.release();
                                }
                                if (received.length() >= 4) {
                                    echo.complete(received.toString());
                                }
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                echo.completeExceptionally(cause);
                                ctx.close();
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                echo.completeExceptionally(new IllegalStateException("connection closed"));
                            }
                        });
                    }
                });
        Channel ch = b.connect(new InetSocketAddress("127.0.0.1", port())).sync().channel();
        try {
            Throwable clientFailure = null;
            String echoed = null;
            if (!holder[0].handshakeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                clientFailure = new TimeoutException("client handshake timed out");
            } else if (!holder[0].handshakeFuture().isSuccess()) {
                clientFailure = holder[0].handshakeFuture().cause();
            } else {
                ch.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII));
                try {
                    echoed = echo.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    // TLS 1.3: a client certificate refused by the server only shows after the client's handshake.
                    clientFailure = e instanceof ExecutionException ? e.getCause() : e;
                }
            }
            Throwable serverFailure = null;
            SSLSession session = null;
            CompletableFuture<SSLSession> hs = serverHandshakes.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (hs == null) {
                serverFailure = new TimeoutException("server saw no connection");
            } else {
                try {
                    session = hs.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    serverFailure = e.getCause();
                } catch (TimeoutException e) {
                    serverFailure = e;
                }
            }
            return new Outcome(clientFailure, serverFailure, session, echoed);
        } finally {
            ch.close().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
