package io.streambus.client.itest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.ResponseCodec;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving "broker" on a plain {@link ServerSocket}, for the paths a real broker does not take: it reads whole
 * request frames and then does what its {@link Behaviour} says. Only for what cannot be real (A.8.7 reference
 * behaviour, silence, desynchronised responses).
 */
final class FakeBroker implements AutoCloseable {

    enum Behaviour {
        /** Closes the connection on the first frame, like the reference broker on any Part B type (A.8.7). */
        CLOSE_ON_FIRST_FRAME,
        /** Accepts and never answers. */
        SILENT,
        /** Answers the first frame with status 1 code 1 (conforming core-only broker), then never answers. */
        UNKNOWN_REQUEST_THEN_SILENT,
        /** Answers the first frame with code 1, then answers every request with a wrong request id. */
        UNKNOWN_REQUEST_THEN_WRONG_ID
    }

    private final ServerSocket server;
    private final Behaviour behaviour;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger closedByClient = new AtomicInteger();
    private final AtomicInteger frames = new AtomicInteger();
    private final List<Integer> requestTypes = new CopyOnWriteArrayList<>();
    private final List<Long> requestIds = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    FakeBroker(Behaviour behaviour) throws IOException {
        this.behaviour = behaviour;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "fake-broker-" + behaviour);
        t.setDaemon(true);
        t.start();
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    /** Connections the client closed (end of stream or reset while this fake was still running). */
    int closedByClient() {
        return closedByClient.get();
    }

    int frames() {
        return frames.get();
    }

    /** Type bytes of every request frame received, in arrival order. */
    List<Integer> requestTypes() {
        return requestTypes;
    }

    /** Request ids of every frame received, in arrival order. */
    List<Long> requestIds() {
        return requestIds;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s), "fake-broker-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            int n = 0;
            while (!closed) {
                int length = in.readInt();
                byte[] body = new byte[length];
                in.readFully(body);
                long id = ((long) readInt(body, 0) << 32) | (readInt(body, 4) & 0xFFFFFFFFL);
                requestTypes.add(body[8] & 0xFF);
                requestIds.add(id);
                frames.incrementAndGet();
                n++;
                switch (behaviour) {
                    case CLOSE_ON_FIRST_FRAME:
                        return;
                    case SILENT:
                        break;
                    case UNKNOWN_REQUEST_THEN_SILENT:
                        if (n == 1) {
                            write(out, ResponseCodec.encodeError(UnpooledByteBufAllocator.DEFAULT, id,
                                    ErrorCode.UNKNOWN_REQUEST, "unknown request type"));
                        }
                        break;
                    case UNKNOWN_REQUEST_THEN_WRONG_ID:
                        write(out, ResponseCodec.encodeError(UnpooledByteBufAllocator.DEFAULT, n == 1 ? id : id + 1000,
                                ErrorCode.UNKNOWN_REQUEST, "unknown request type"));
                        break;
                    default:
                        throw new IllegalStateException();
                }
            }
        } catch (IOException e) {
            if (!closed) {
                closedByClient.incrementAndGet();
            }
        }
    }

    private static int readInt(byte[] b, int i) {
        return ((b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
    }

    private static void write(OutputStream out, ByteBuf frame) throws IOException {
        try {
            out.write(ByteBufUtil.getBytes(frame));
            out.flush();
        } finally {
            frame.release();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
