package io.streambus.broker.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP listener: one Netty server channel, an accept thread and a pool of I/O threads. Pipeline per connection:
 * optional TLS, idle timeout, frame deadline and pre-authentication frame limit ({@link FrameDeadlineHandler}),
 * memory accounting of the bytes read ({@link ConnectionHandler#inputAccounting()}), frame decoder (length limit and
 * CRC, A.3), {@link ConnectionHandler}. Connections above the total or per-address limit are closed at once.
 * Thread-safe:
 * {@link #bind} and {@link #close} are called by the owning broker under its lock.
 */
final class BrokerServer {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerServer.class);

    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final ChannelGroup channels = new DefaultChannelGroup("streambus-connections", GlobalEventExecutor.INSTANCE);
    private final RequestProcessor processor;
    private final Supplier<ChannelHandler> frameDecoders;
    private final Function<SocketChannel, ChannelHandler> tlsHandlers;
    private final ConnectionSettings settings;
    private final int maxConnections;
    private final int maxConnectionsPerAddress;
    private final java.util.concurrent.ConcurrentHashMap<java.net.InetAddress, Integer> perAddress =
            new java.util.concurrent.ConcurrentHashMap<>();
    private Channel serverChannel;

    /**
     * @param frameDecoders  a fresh request frame decoder per connection
     * @param tlsHandlers    a TLS handler per connection, or null for plain TCP
     * @param settings       idle and frame timeouts, certificate principal mapping, failed-login throttle
     * @param maxConnections open connections in all
     * @param maxConnectionsPerAddress open connections from one remote IP address
     * @param ioThreads      number of I/O threads (0 = Netty's default, twice the cores)
     */
    @SuppressWarnings("deprecation") // NioEventLoopGroup: see below
    public BrokerServer(RequestProcessor processor, Supplier<ChannelHandler> frameDecoders,
            Function<SocketChannel, ChannelHandler> tlsHandlers, ConnectionSettings settings, int maxConnections,
            int maxConnectionsPerAddress, int ioThreads) {
        this.maxConnectionsPerAddress = maxConnectionsPerAddress;
        this.processor = processor;
        this.frameDecoders = frameDecoders;
        this.tlsHandlers = tlsHandlers;
        this.settings = settings;
        this.maxConnections = maxConnections;
        // NioEventLoopGroup exists in Netty 4.1 and 4.2 (deprecated in 4.2 only in favour of
        // MultiThreadIoEventLoopGroup, which 4.1 lacks): the broker must run on both lines.
        this.bossGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("streambus-accept", true));
        this.workerGroup = new NioEventLoopGroup(ioThreads, new DefaultThreadFactory("streambus-io", true));
    }

    /**
     * Binds the listener.
     *
     * @return the bound port
     * @throws IOException if the address cannot be bound (in use, bad host)
     */
    public int bind(String host, int port) throws IOException {
        ServerBootstrap b = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                // Restarting on the same port right after a stop must not fail on TIME_WAIT sockets.
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (channels.size() >= maxConnections) {
                            ConnectionHandler.warnConnection("connection from {} rejected: {} connections open "
                                    + "(limit {})", addr(ch), channels.size(), maxConnections);
                            ch.close();
                            return;
                        }
                        if (!admitAddress(ch)) {
                            ConnectionHandler.warnConnection("connection from {} rejected: {} connections open from "
                                    + "that address (limit {})", addr(ch), maxConnectionsPerAddress,
                                    maxConnectionsPerAddress);
                            ch.close();
                            return;
                        }
                        channels.add(ch);
                        ChannelPipeline p = ch.pipeline();
                        if (tlsHandlers != null) {
                            p.addLast("tls", tlsHandlers.apply(ch));
                        }
                        p.addLast("idle", new IdleStateHandler(0, 0, settings.idleTimeoutMillis(),
                                TimeUnit.MILLISECONDS));
                        ConnectionHandler requests = new ConnectionHandler(processor, settings);
                        int preAuthMax = settings.authDeadlineMillis() > 0 ? settings.preAuthMaxFrameBytes() : 0;
                        if (settings.frameTimeoutMillis() > 0 || preAuthMax > 0) {
                            p.addLast("frame-deadline", new FrameDeadlineHandler(settings.frameTimeoutMillis(),
                                    preAuthMax, () -> !requests.connection().authenticated()));
                        }
                        p.addLast("accounting", requests.inputAccounting());
                        p.addLast("frames", frameDecoders.get());
                        p.addLast("requests", requests);
                    }
                });
        try {
            serverChannel = b.bind(new InetSocketAddress(host, port)).syncUninterruptibly().channel();
        } catch (Exception e) {
            throw new IOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Counts {@code ch} against its remote address; false (nothing counted) if the address is at its limit. */
    private boolean admitAddress(SocketChannel ch) {
        InetSocketAddress isa = ch.remoteAddress();
        if (isa == null || isa.getAddress() == null) {
            return true;
        }
        java.net.InetAddress a = isa.getAddress();
        boolean[] admitted = {false};
        perAddress.compute(a, (k, n) -> {
            int c = n == null ? 0 : n;
            if (c >= maxConnectionsPerAddress) {
                return n;
            }
            admitted[0] = true;
            return c + 1;
        });
        if (admitted[0]) {
            ch.closeFuture().addListener(f -> perAddress.computeIfPresent(a, (k, n) -> n <= 1 ? null : n - 1));
        }
        return admitted[0];
    }

    /** Number of open client connections. */
    public int connectionCount() {
        return channels.size();
    }

    /**
     * Stops accepting, closes every connection and stops the I/O threads, waiting at most {@code timeoutMillis} for
     * each step.
     */
    public void close(long timeoutMillis) {
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly(timeoutMillis);
        }
        channels.close().awaitUninterruptibly(timeoutMillis);
        bossGroup.shutdownGracefully(0, timeoutMillis, TimeUnit.MILLISECONDS);
        workerGroup.shutdownGracefully(0, timeoutMillis, TimeUnit.MILLISECONDS);
        bossGroup.terminationFuture().awaitUninterruptibly(timeoutMillis);
        workerGroup.terminationFuture().awaitUninterruptibly(timeoutMillis);
    }

    private static String addr(Channel ch) {
        return ch.remoteAddress() == null ? "?" : ch.remoteAddress().toString().replaceFirst("^/", "");
    }
}
