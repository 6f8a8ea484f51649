package io.streambus.broker.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.DecodedResponse;
import io.streambus.protocol.core.FetchResponse;
import io.streambus.protocol.Frames;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.protocol.message.MessageBlockWriter;
import io.streambus.common.Header;
import io.streambus.protocol.core.ProduceRequest;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.RequestCodec;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.ResponseCodec;
import io.streambus.protocol.ResponseHeader;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A small blocking StreamBus client on the codec, for tests: one socket, requests encoded with
 * {@link RequestCodec}, responses decoded with {@link ResponseCodec} into plain data ({@link Response}), so tests never
 * hold pooled buffers. Supports pipelining ({@link #sendAsync}/{@link #receive}), raw bytes and "was the connection
 * closed" checks. Every read has a timeout (default 10 s).
 *
 * <p>Not thread-safe: one test thread per client.
 */
public final class TestClient implements AutoCloseable {
    /** Heap buffers without leak tracking: test plumbing, released anyway; the broker's buffers are tracked. */
    private static final ByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false, true);

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private long nextId = 1;

    private record Pending(long id, ApiKey type, int flags) {
    }

    private TestClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:{@code port}. */
    public static TestClient connect(int port) throws IOException {
        return connect("127.0.0.1", port, Duration.ofSeconds(10));
    }

    /** Connects with {@code timeout} for the connect and for every later read. */
    public static TestClient connect(String host, int port, Duration timeout) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
        s.setSoTimeout((int) timeout.toMillis());
        return new TestClient(s);
    }

    /** Wraps an already connected socket (for example an {@code SSLSocket}). */
    public static TestClient wrap(Socket socket) throws IOException {
        return new TestClient(socket);
    }

    /** Changes the read timeout. */
    public TestClient readTimeout(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        return this;
    }

    /** The underlying socket. */
    public Socket socket() {
        return socket;
    }

    // ------------------------------------------------------------ request/response

    /** Sends {@code body} (flags from the body) and waits for its response. */
    public Response send(RequestBody body) throws IOException {
        return send(body, 0);
    }

    /** Sends {@code body} with extra {@code flags} and waits for its response. */
    public Response send(RequestBody body, int flags) throws IOException {
        sendAsync(body, flags);
        return receive();
    }

    /** Sends {@code body} without waiting; returns its request id. Responses come back via {@link #receive()}. */
    public long sendAsync(RequestBody body) throws IOException {
        return sendAsync(body, 0);
    }

    /** As {@link #sendAsync(RequestBody)} with extra flags. */
    public long sendAsync(RequestBody body, int flags) throws IOException {
        return sendAsync(RequestCodec.VERSION, flags, body);
    }

    /**
     * As {@link #sendAsync(RequestBody)} with an explicit version byte and extra flags. Every send method takes
     * ownership of the body and releases it (a Produce's block) once encoded.
     */
    public long sendAsync(int version, int flags, RequestBody body) throws IOException {
        long id = nextId++;
        ByteBuf frame;
        try {
            frame = RequestCodec.encode(ALLOC, id, version, flags, body);
        } finally {
            body.release();
        }
        try {
            writeBuf(frame);
        } finally {
            frame.release();
        }
        pending.addLast(new Pending(id, body.apiKey(), flags | body.requiredFlags()));
        return id;
    }

    /**
     * Sends a hand-made request: header fields and raw payload bytes, with a correct length and CRC. The response is
     * decoded as {@code decodeAs} (the type to expect back; may differ from {@code type}).
     */
    public long sendRaw(int type, int version, int flags, byte[] payload, ApiKey decodeAs) throws IOException {
        long id = nextId++;
        writeRaw(frame(id, type, version, flags, payload));
        pending.addLast(new Pending(id, decodeAs, flags));
        return id;
    }

    /** Sends several requests back to back, then reads all responses in order. */
    public List<Response> pipeline(List<? extends RequestBody> bodies) throws IOException {
        for (RequestBody b : bodies) {
            sendAsync(b);
        }
        List<Response> out = new ArrayList<>(bodies.size());
        for (int i = 0; i < bodies.size(); i++) {
            out.add(receive());
        }
        return out;
    }

    /**
     * Reads the next response and decodes it as the oldest outstanding request's type. Fails if its request id does
     * not match that request (responses must come back in order, A.8.4).
     *
     * @throws EOFException if the broker closed the connection
     */
    public Response receive() throws IOException {
        Pending p = pending.pollFirst();
        if (p == null) {
            throw new IllegalStateException("no request outstanding");
        }
        byte[] content = readFrameContent();
        if (content == null) {
            throw new EOFException("connection closed by the broker before the response to request " + p.id);
        }
        ByteBuf frame = Unpooled.wrappedBuffer(content);
        try {
            ResponseHeader h = ResponseCodec.decodeHeader(frame);
            if (h.requestId() != p.id) {
                throw new IOException("response out of order: expected request id " + p.id + ", got "
                        + h.requestId());
            }
            try (DecodedResponse r = ResponseCodec.decode(frame, p.type, p.flags, ALLOC)) {
                return Response.of(h, r, content.length + Frames.LENGTH_FIELD_SIZE + Frames.CRC_SIZE);
            }
        } finally {
            frame.release();
        }
    }

    /** Number of requests sent whose responses were not read yet. */
    public int outstanding() {
        return pending.size();
    }

    // ------------------------------------------------------------ raw access

    /** Writes raw bytes. */
    public void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    private void writeBuf(ByteBuf buf) throws IOException {
        byte[] b = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), b);
        writeRaw(b);
    }

    /**
     * Reads one response frame and returns its content (header + payload, no length, no CRC) after checking the
     * CRC; null on a clean end of stream before any byte.
     */
    public byte[] readFrameContent() throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            return null;
        }
        if (length < Frames.MIN_RESPONSE_LENGTH || length > Frames.MAX_LENGTH) {
            throw new IOException("bad response length " + Integer.toUnsignedString(length));
        }
        byte[] frame = new byte[length];
        in.readFully(frame);
        int n = length - Frames.CRC_SIZE;
        CRC32 crc = new CRC32();
        crc.update(frame, 0, n);
        int expected = ((frame[n] & 0xff) << 24) | ((frame[n + 1] & 0xff) << 16) | ((frame[n + 2] & 0xff) << 8)
                | (frame[n + 3] & 0xff);
        if ((int) crc.getValue() != expected) {
            throw new IOException("bad response CRC");
        }
        byte[] content = new byte[n];
        System.arraycopy(frame, 0, content, 0, n);
        return content;
    }

    /**
     * True if the broker closes the connection (end of stream or reset) within {@code within}, discarding any
     * response bytes that arrive first; false if it stays open that long.
     */
    public boolean closedByPeer(Duration within) throws IOException {
        int old = socket.getSoTimeout();
        long deadline = System.nanoTime() + within.toNanos();
        try {
            InputStream raw = socket.getInputStream();
            byte[] sink = new byte[4096];
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                socket.setSoTimeout((int) Math.max(1, left));
                try {
                    if (raw.read(sink) < 0) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
                    return false;
                } catch (SocketException e) {
                    return true; // reset
                }
            }
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(old);
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing a test socket.
        }
    }

    // ------------------------------------------------------------ helpers

    /** A complete request frame with a correct length and CRC around the given header fields and payload. */
    public static byte[] frame(long requestId, int type, int version, int flags, byte[] payload) {
        int contentLen = Frames.REQUEST_HEADER_SIZE + payload.length;
        ByteBuf b = Unpooled.buffer(Frames.LENGTH_FIELD_SIZE + contentLen + Frames.CRC_SIZE);
        b.writeInt(contentLen + Frames.CRC_SIZE).writeLong(requestId).writeByte(type).writeByte(version)
                .writeShort(flags).writeBytes(payload);
        b.writeInt(Frames.crc32(b, Frames.LENGTH_FIELD_SIZE, contentLen));
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    /** A message for {@link #block}. */
    public record Msg(long timestampNanos, byte[] key, byte[] value, List<Header> headers) {
        public static Msg of(String key, String value) {
            return new Msg(0, key == null ? new byte[0] : key.getBytes(StandardCharsets.UTF_8),
                    value.getBytes(StandardCharsets.UTF_8), List.of());
        }
    }

    /** A message block (caller releases; Produce requests built with {@link #produce} own theirs). */
    public static MessageBlock block(List<Msg> messages) {
        try (MessageBlockWriter w = new MessageBlockWriter(ALLOC, 256)) {
            for (Msg m : messages) {
                w.append(0, m.timestampNanos(), m.key(), m.value(), m.headers());
            }
            return w.finish();
        }
    }

    /** A Produce request of string values without keys. Send it with {@link #send}; the block is heap memory. */
    public static ProduceRequest produce(String topic, int partition, String... values) {
        List<Msg> msgs = new ArrayList<>();
        for (String v : values) {
            msgs.add(Msg.of(null, v));
        }
        return new ProduceRequest(topic, partition, block(msgs));
    }

    /**
     * A decoded response as plain data. For Fetch, {@link #fetched()} holds copies of the messages; the body's
     * buffers are released already, so only scalar accessors of {@link #body} bodies may be used on Fetch.
     */
    public record Response(ResponseHeader header, int errorCode, String errorMessage, ResponseBody body,
                           List<Fetched> fetched, long fetchHighWaterMark, int fetchCodec, int frameSize) {

        static Response of(ResponseHeader h, DecodedResponse r, int frameSize) {
            if (r.isError()) {
                return new Response(h, r.errorCode(), r.errorMessage(), r.body(), List.of(), -1, -1, frameSize);
            }
            if (r.body() instanceof FetchResponse f) {
                List<Fetched> list = new ArrayList<>(f.messages().count());
                f.messages().forEach(c -> list.add(new Fetched(c.offset(), c.timestampNanos(), c.keyBytes(),
                        c.valueBytes(), c.headers())));
                return new Response(h, 0, null, null, list, f.highWaterMark(), f.codec().id(), frameSize);
            }
            if (r.body() instanceof io.streambus.protocol.share.ShareFetchResponse sf) {
                return new Response(h, 0, null, ShareFetchCopy.of(sf), List.of(), -1, -1, frameSize);
            }
            return new Response(h, 0, null, r.body(), List.of(), -1, -1, frameSize);
        }

        public boolean isError() {
            return header.status() != Frames.STATUS_OK;
        }

        /** The success body as {@code type}; fails with the error if this is an error response. */
        public <T extends ResponseBody> T body(Class<T> type) {
            if (isError()) {
                throw new AssertionError("expected success, got error " + errorCode + ": " + errorMessage);
            }
            return type.cast(body);
        }
    }

    /** A fetched message, copied out of the response. */
    public record Fetched(long offset, long timestampNanos, byte[] key, byte[] value, List<Header> headers) {
        public String valueString() {
            return new String(value, StandardCharsets.UTF_8);
        }
    }
}
