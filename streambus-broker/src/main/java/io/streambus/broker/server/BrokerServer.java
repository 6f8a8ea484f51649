package io.streambus.broker.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
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
 * optional TLS, idle timeout, frame deadline before authentication ({@link FrameDeadlineHandler}), frame decoder
 * (length limit and CRC, A.3), {@link ConnectionHandler}. Thread-safe:
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
    private Channel serverChannel;

    /**
     * @param frameDecoders  a fresh request frame decoder per connection
     * @param tlsHandlers    a TLS handler per connection, or null for plain TCP
     * @param settings       idle and frame timeouts, certificate principal mapping, failed-login throttle
     * @param ioThreads      number of I/O threads (0 = Netty's default, twice the cores)
     */
    public BrokerServer(RequestProcessor processor, Supplier<ChannelHandler> frameDecoders,
            Function<SocketChannel, ChannelHandler> tlsHandlers, ConnectionSettings settings, int maxConnections,
            int ioThreads) {
        this.processor = processor;
        this.frameDecoders = frameDecoders;
        this.tlsHandlers = tlsHandlers;
        this.settings = settings;
        this.maxConnections = maxConnections;
        this.bossGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("streambus-accept", true),
                NioIoHandler.newFactory());
        this.workerGroup = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("streambus-io", true),
                NioIoHandler.newFactory());
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
                            LOG.warn("connection from {} rejected: {} connections open (limit {})",
                                    addr(ch), channels.size(), maxConnections);
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
                        if (settings.frameTimeoutMillis() > 0) {
                            p.addLast("frame-deadline", new FrameDeadlineHandler(settings.frameTimeoutMillis(),
                                    () -> !requests.connection().authenticated()));
                        }
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
