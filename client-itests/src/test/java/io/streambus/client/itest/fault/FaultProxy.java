package io.streambus.client.itest.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy between clients and one broker that injects network faults: replies that never arrive (the broker
 * processed the request, the client never hears of it) and connection resets. For exactly-once, chaos and hardening
 * tests: point the client at {@link #address()} and choose the faults.
 *
 * <p>Faults act on chunks of bytes as read from a socket, without parsing frames: a dropped chunk is swallowed
 * and its connection reset at once (both sides), so the client sees a lost connection with requests unanswered,
 * exactly the case of spec A.8.4 and B.12.4. The first reply chunk of each connection (the ApiVersions probe, B.4)
 * is never dropped, so connections can always be set up.
 *
 * <ul>
 *   <li>{@link #dropReplyEvery(int)}: every n-th reply chunk (over all connections) is dropped;
 *   <li>{@link #dropNextReply()}: the next reply chunk is dropped;
 *   <li>{@link #resetAll()}: every open connection is reset now.
 * </ul>
 *
 * <p>Two threads per proxied connection plus one accept thread, all daemons, all stopped by {@link #close()}.
 * Thread-safe.
 */
public final class FaultProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final List<Pair> pairs = new CopyOnWriteArrayList<>();
    private final AtomicInteger replyEvery = new AtomicInteger();
    private final AtomicInteger dropNext = new AtomicInteger();
    private final AtomicLong replyChunks = new AtomicLong();
    private final AtomicInteger faults = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Thread acceptor;
    private volatile boolean closed;

    private FaultProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.acceptor = new Thread(this::acceptLoop, "fault-proxy-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy on a free loopback port forwarding to {@code host:port}. */
    public static FaultProxy start(String hostPort) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        return new FaultProxy(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /** {@code host:port} clients connect to. */
    public String address() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    /** Drops every {@code n}-th reply chunk and resets its connection; 0 turns it off. */
    public FaultProxy dropReplyEvery(int n) {
        replyEvery.set(n);
        return this;
    }

    /** Drops the next reply chunk (of any connection past its first reply) and resets its connection. */
    public FaultProxy dropNextReply() {
        dropNext.incrementAndGet();
        return this;
    }

    /** Resets every open connection now. */
    public void resetAll() {
        for (Pair p : pairs) {
            faults.incrementAndGet();
            p.reset();
        }
    }

    /** Faults injected so far (dropped replies and resets). */
    public int faults() {
        return faults.get();
    }

    /** Client connections accepted so far. */
    public int connectionsAccepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                accepted.incrementAndGet();
                Socket broker = new Socket();
                try {
                    broker.connect(new InetSocketAddress(targetHost, targetPort), 5000);
                } catch (IOException e) {
                    client.close();
                    broker.close();
                    continue;
                }
                client.setTcpNoDelay(true);
                broker.setTcpNoDelay(true);
                Pair p = new Pair(client, broker);
                pairs.add(p);
                p.start();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    /** True if this reply chunk is to be dropped. */
    private boolean dropReply() {
        if (dropNext.get() > 0 && dropNext.getAndDecrement() > 0) {
            return true;
        }
        long n = replyChunks.incrementAndGet();
        int every = replyEvery.get();
        return every > 0 && n % every == 0;
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Pair p : pairs) {
            p.reset();
        }
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One proxied connection: client to broker and back. */
    private final class Pair {
        private final Socket client;
        private final Socket broker;
        private volatile boolean firstReplySeen;

        Pair(Socket client, Socket broker) {
            this.client = client;
            this.broker = broker;
        }

        void start() {
            thread(() -> pump(client, broker, false), "up");
            thread(() -> pump(broker, client, true), "down");
        }

        private void thread(Runnable r, String dir) {
            Thread t = new Thread(r, "fault-proxy-" + dir + "-" + client.getPort());
            t.setDaemon(true);
            t.start();
        }

        private void pump(Socket from, Socket to, boolean replies) {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (replies) {
                        if (firstReplySeen && dropReply()) {
                            faults.incrementAndGet();
                            reset();
                            return;
                        }
                        firstReplySeen = true;
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the other side closed or was reset
            } finally {
                reset();
            }
        }

        /** Closes both sockets with an RST (linger 0), so the peer sees a failure, not an orderly close. */
        void reset() {
            pairs.remove(this);
            for (Socket s : new Socket[] {client, broker}) {
                try {
                    s.setSoLinger(true, 0);
                } catch (SocketException ignored) {
                    // already closed
                }
                try {
                    s.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }
    }
}
