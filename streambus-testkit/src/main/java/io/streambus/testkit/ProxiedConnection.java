package io.streambus.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One client connection through a {@link FaultProxy} and its connection to the target: a pipe per direction, each a
 * reader thread and a writer thread joined by a bounded queue of timed chunks. Thread-safe.
 */
final class ProxiedConnection {
    private static final int MAX_CHUNK = 16 * 1024;
    private static final int QUEUE_CHUNKS = 64;
    private static final int CONNECT_TIMEOUT_MS = 5_000;

    private final FaultProxy proxy;
    private final Socket client;
    private volatile Socket server;
    /** The side left with a stale open connection, or null while the connection is whole. */
    private volatile Side stale;
    private volatile boolean closed;
    /** Reply chunks read so far (reader of TO_CLIENT only). */
    private long replyChunks;

    ProxiedConnection(FaultProxy proxy, Socket client) {
        this.proxy = proxy;
        this.client = client;
    }

    /** Connects to the target and starts both pipes, on a thread of its own so the accept loop never waits. */
    void start(InetSocketAddress target) {
        Thread t = new Thread(() -> {
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.connect(target, CONNECT_TIMEOUT_MS);
                client.setTcpNoDelay(true);
            } catch (IOException e) {
                // The target is down: the client sees a reset, as it would connecting to it directly.
                closeQuietly(s);
                resetQuietly(client);
                proxy.removed(this);
                return;
            }
            server = s;
            if (closed) {
                close();
                return;
            }
            pipe(client, s, Direction.TO_SERVER);
            pipe(s, client, Direction.TO_CLIENT);
        }, "fault-proxy-connect-" + client.getPort());
        t.setDaemon(true);
        t.start();
    }

    /** Accepted during a black hole: the client's bytes are discarded and nothing is ever forwarded. */
    void startBlackHoled() {
        stale = Side.CLIENT;
        pipe(client, null, Direction.TO_SERVER);
    }

    void reset() {
        closed = true;
        resetQuietly(client);
        Socket s = server;
        if (s != null) {
            resetQuietly(s);
        }
        proxy.removed(this);
    }

    void halfOpen(Side staleSide) {
        if (stale != null) {
            return;
        }
        stale = staleSide;
        Socket other = staleSide == Side.CLIENT ? server : client;
        if (other != null) {
            closeQuietly(other);
        }
    }

    void close() {
        closed = true;
        closeQuietly(client);
        Socket s = server;
        if (s != null) {
            closeQuietly(s);
        }
        proxy.removed(this);
    }

    /** A pipe ended because its source ended or its destination failed. */
    private void pipeEnded(Direction d) {
        Side source = d == Direction.TO_SERVER ? Side.CLIENT : Side.SERVER;
        Side st = stale;
        if (st == null || st == source) {
            close(); // a whole connection ends with either direction; a half-open one when its stale side gives up
        }
    }

    private boolean discarding(Direction d) {
        return stale != null || proxy.discards(d);
    }

    private void pipe(Socket from, Socket to, Direction d) {
        BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
        Thread reader = new Thread(() -> readLoop(from, queue, d, to != null), "fault-proxy-read-" + d + "-" + client.getPort());
        reader.setDaemon(true);
        reader.start();
        if (to != null) {
            Thread writer = new Thread(() -> writeLoop(to, queue, d), "fault-proxy-write-" + d + "-" + client.getPort());
            writer.setDaemon(true);
            writer.start();
        }
    }

    private void readLoop(Socket from, BlockingQueue<Chunk> queue, Direction d, boolean hasWriter) {
        long lastDue = 0;
        try {
            InputStream in = from.getInputStream();
            while (!closed) {
                long bps = proxy.bytesPerSecond();
                int size = bps == 0 ? MAX_CHUNK : (int) Math.max(256, Math.min(MAX_CHUNK, bps / 50));
                byte[] buf = new byte[size];
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                if (discarding(d)) {
                    proxy.countDropped(d, n);
                    continue;
                }
                if (d == Direction.TO_CLIENT && replyChunks++ > 0 && proxy.dropsReply()) {
                    proxy.countDropped(d, n);
                    reset();
                    return;
                }
                long jitter = proxy.jitterNanos();
                long delay = proxy.latencyNanos() + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(jitter + 1));
                long due = Math.max(lastDue, System.nanoTime() + delay);
                lastDue = due;
                if (!offer(queue, new Chunk(buf, n, due))) {
                    return;
                }
            }
        } catch (IOException e) {
            // source closed or reset: end the pipe below
        }
        if (hasWriter) {
            offer(queue, Chunk.END); // the writer ends the pipe once it has written what came before
        } else {
            pipeEnded(d);
        }
    }

    private boolean offer(BlockingQueue<Chunk> queue, Chunk c) {
        try {
            while (!closed) {
                if (queue.offer(c, 100, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private void writeLoop(Socket to, BlockingQueue<Chunk> queue, Direction d) {
        long nextFree = 0;
        try {
            OutputStream out = to.getOutputStream();
            while (!closed) {
                Chunk c = queue.poll(100, TimeUnit.MILLISECONDS);
                if (c == null) {
                    continue;
                }
                if (c == Chunk.END) {
                    break;
                }
                waitUntil(c.due);
                long bps = proxy.bytesPerSecond();
                if (bps > 0) {
                    waitUntil(nextFree);
                    nextFree = Math.max(nextFree, System.nanoTime()) + c.length * 1_000_000_000L / bps;
                }
                if (discarding(d)) {
                    proxy.countDropped(d, c.length);
                    continue;
                }
                out.write(c.bytes, 0, c.length);
                out.flush();
                proxy.countForwarded(d, c.length);
            }
        } catch (IOException e) {
            // destination closed or reset
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pipeEnded(d);
    }

    /** Waits out a simulated network delay (the proxy's own clock; no test waits here). */
    private void waitUntil(long due) {
        long left;
        while (!closed && (left = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    static void resetQuietly(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closing anyway
        }
        closeQuietly(s);
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** Bytes read at one time, with the instant they may be written. */
    private static final class Chunk {
        static final Chunk END = new Chunk(new byte[0], 0, 0);
        final byte[] bytes;
        final int length;
        final long due;

        Chunk(byte[] bytes, int length, long due) {
            this.bytes = bytes;
            this.length = length;
            this.due = due;
        }
    }
}
