package io.streambus.client.internal.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.streambus.client.ClientConfig;
import io.streambus.client.ConnectionException;
import io.streambus.client.StreamBusException;
import io.streambus.client.StreamBusTimeoutException;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.internal.ClientContext;
import io.streambus.client.metrics.MetricsCollector;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.DecodedRequest;
import io.streambus.protocol.DecodedResponse;
import io.streambus.protocol.Frames;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.RequestCodec;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.ResponseCodec;
import io.streambus.protocol.message.MessageTooLargeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A scripted fake of the {@link RequestSender} seam, for unit tests of the client engine without a broker or
 * threads. Every request the engine sends is recorded as a {@link Request} (type, decoded body, frame flags, send
 * time, deadline); the test answers it when and how it likes — a success body, an error code, a disconnect, or
 * nothing — in order or selectively. Time is a {@link ManualTime}: {@link #advance(Duration)} moves it step by step
 * and, at each step, runs the scheduled tasks that fall due (retry backoffs, linger timers, fetch pacing, the
 * producer's sweeper) and times out unanswered requests, all on the calling thread. Nothing runs by itself.
 *
 * <p>What it keeps of the real network, so that tests exercise the same code paths: bodies are built by the
 * engine's {@link BodySupplier} against the fake broker's {@link #capabilities(BrokerCapabilities) capabilities},
 * Part B types and extension flags the broker does not serve fail with {@link UnsupportedFeatureException} before
 * sending, every request is encoded with {@link RequestCodec} and decoded back (what the test inspects is what would
 * be on the wire), every answer is encoded with {@link ResponseCodec} and decoded into the {@link DecodedResponse}
 * the engine gets (so the engine's releases are checked by Netty's leak detector), {@link #call} uses the real
 * {@link RetryPolicy}, and a request left unanswered past its timeout fails with
 * {@link StreamBusTimeoutException}. What it leaves out: connection set-up, pipelining limits, and that a real
 * timeout also closes the connection (fail the other requests with {@link #disconnectAll()} to model it).
 *
 * <p>Modelled on the idea of Kafka's {@code MockClient}/{@code MockTime} and Qpid JMS's {@code MockProvider}.
 *
 * <p>Thread-safe: the engine may send from any thread (a producer blocked on {@code buffer.memory}, say). Answers,
 * tasks and timeouts run on the thread calling the fake, outside its lock. {@link #close()} releases the recorded
 * bodies.
 */
public final class FakeNetwork implements RequestSender {
    /** The fake broker's address. */
    public static final String ADDRESS = "fake-broker:9092";

    /** Everything a StreamBus broker of this project serves (Part A and B, compression). */
    public static final BrokerCapabilities FULL_CAPABILITIES = new BrokerCapabilities(false, allTypes(),
            BrokerCapabilities.COMPRESSION | BrokerCapabilities.PRESERVES_HEADERS_AND_TIMESTAMPS, "fake");

    /**
     * {@link #FULL_CAPABILITIES} plus exactly-once: transactions with their data path, idempotent produce and
     * two-phase commit (B.7, B.7.8, B.12).
     */
    public static final BrokerCapabilities EOS_CAPABILITIES = new BrokerCapabilities(false, allTypes(),
            FULL_CAPABILITIES.featureBits() | BrokerCapabilities.TXN_DATA_PATH | BrokerCapabilities.IDEMPOTENT_PRODUCE
                    | BrokerCapabilities.TWO_PHASE_COMMIT, "fake-eos");

    private final ManualTime time;
    private final ClientConfig config;
    private final ByteBufAllocator alloc;
    private final RetryPolicy retryPolicy;
    private final Set<String> warnedOnce = new HashSet<>();
    private final BrokerView broker = new BrokerView() {
        @Override
        public String address() {
            return ADDRESS;
        }

        @Override
        public boolean firstTime(String key) {
            synchronized (FakeNetwork.this) {
                return warnedOnce.add(key);
            }
        }
    };

    // Guarded by this.
    private final List<Request> requests = new ArrayList<>();
    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private final List<FakeConnection> dedicated = new ArrayList<>();
    private BrokerCapabilities capabilities = FULL_CAPABILITIES;
    private Throwable capabilitiesFailure;
    private Throwable connectFailure;
    private int capabilityProbes;
    private long nextRequestId = 1;
    private long nextTaskSeq;
    private volatile boolean closed;

    /** A fake with the settings of {@code config} (timeouts, retry policy) and its own clock. */
    public FakeNetwork(ClientConfig config) {
        this(config, new ManualTime(), PooledByteBufAllocator.DEFAULT);
    }

    public FakeNetwork(ClientConfig config, ManualTime time, ByteBufAllocator alloc) {
        this.config = config;
        this.time = time;
        this.alloc = alloc;
        this.retryPolicy = RetryPolicy.of(config, this, time, () -> closed);
    }

    /** A client configuration pointing at the fake broker, with {@code overrides} (any scope). */
    public static ClientConfig config(Map<String, ?> overrides) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put(ClientConfig.BOOTSTRAP_SERVERS, ADDRESS);
        m.putAll(overrides);
        return ClientConfig.of(m);
    }

    /** A client engine (producers, consumers, admin, metadata) over this fake and its clock. */
    public ClientContext newContext() {
        return ClientContext.overSender(config, this, time, alloc, MetricsCollector.NOOP);
    }

    /** The fake's clock. */
    public ManualTime time() {
        return time;
    }

    /** The allocator requests and answers are encoded with. */
    public ByteBufAllocator alloc() {
        return alloc;
    }

    // ---- scripting the broker --------------------------------------------------------------------------------------

    /** What the fake broker advertises from now on (default {@link #FULL_CAPABILITIES}). */
    public synchronized FakeNetwork capabilities(BrokerCapabilities caps) {
        this.capabilities = caps;
        return this;
    }

    /** Makes capability probes fail with {@code error} (null: succeed again). */
    public synchronized FakeNetwork failCapabilities(Throwable error) {
        this.capabilitiesFailure = error;
        return this;
    }

    /** Makes {@link #openDedicated()} fail with {@code error} (null: succeed again). */
    public synchronized FakeNetwork failConnections(Throwable error) {
        this.connectFailure = error;
        return this;
    }

    /** How many times the engine asked for the capabilities. */
    public synchronized int capabilityProbes() {
        return capabilityProbes;
    }

    // ---- recorded requests -----------------------------------------------------------------------------------------

    /** Every request sent so far (answered or not), in send order. */
    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The requests sent so far of type {@code key}, in send order. */
    public synchronized List<Request> requests(ApiKey key) {
        return requests.stream().filter(r -> r.apiKey() == key).toList();
    }

    /** The unanswered requests, in send order. */
    public synchronized List<Request> pending() {
        return requests.stream().filter(Request::isPending).toList();
    }

    /** The unanswered requests of type {@code key}, in send order. */
    public synchronized List<Request> pending(ApiKey key) {
        return requests.stream().filter(r -> r.isPending() && r.apiKey() == key).toList();
    }

    /** The oldest unanswered request. */
    public Request next() {
        return next(r -> true, "any type");
    }

    /** The oldest unanswered request of type {@code key}. */
    public Request next(ApiKey key) {
        return next(r -> r.apiKey() == key, key.toString());
    }

    /** The oldest unanswered request matching {@code filter}. */
    public synchronized Request next(Predicate<Request> filter, String what) {
        for (Request r : requests) {
            if (r.isPending() && filter.test(r)) {
                return r;
            }
        }
        throw new AssertionError("no unanswered request of " + what + "; sent so far: " + requests);
    }

    /** Number of unanswered requests. */
    public synchronized int pendingCount() {
        return (int) requests.stream().filter(Request::isPending).count();
    }

    /** Fails every unanswered request with a retriable {@link ConnectionException}, as a connection loss would. */
    public void disconnectAll() {
        for (Request r : pending()) {
            r.disconnectIfPending();
        }
    }

    /** The dedicated connections opened so far. */
    public synchronized List<FakeConnection> dedicatedConnections() {
        return List.copyOf(dedicated);
    }

    // ---- time ------------------------------------------------------------------------------------------------------

    /**
     * Moves the clock forward by {@code d} in steps: at each scheduled task's due time or request deadline within
     * the window, in time order, the clock is set there and the task runs (tasks it schedules within the window run
     * too) or the request times out. Ends with the clock at now + {@code d}.
     */
    public void advance(Duration d) {
        long target = time.nanoTime() + d.toNanos();
        while (true) {
            Runnable step;
            synchronized (this) {
                Task t = tasks.peek();
                Request expired = earliestDeadline();
                long taskDue = t == null ? Long.MAX_VALUE : t.due;
                long reqDue = expired == null ? Long.MAX_VALUE : expired.deadline + 1; // fails strictly after it
                if (t != null && taskDue - target <= 0 && (expired == null || taskDue - reqDue <= 0)) {
                    tasks.poll();
                    time.moveTo(taskDue);
                    step = () -> t.run(this);
                } else if (expired != null && reqDue - target <= 0) {
                    time.moveTo(reqDue);
                    step = expired::timeOut;
                } else {
                    break;
                }
            }
            step.run();
        }
        time.moveTo(target);
    }

    /** {@link #advance(Duration)} by {@code ms} milliseconds. */
    public void advanceMs(long ms) {
        advance(Duration.ofMillis(ms));
    }

    /** Runs what is due now (tasks scheduled with delay 0, say), without moving the clock. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** Number of scheduled tasks (one-shot and periodic) not run yet. */
    public synchronized int scheduledCount() {
        return tasks.size();
    }

    /** Delay until the next scheduled task, or null if none. */
    public synchronized Duration nextTaskDelay() {
        Task t = tasks.peek();
        return t == null ? null : Duration.ofNanos(Math.max(0, t.due - time.nanoTime()));
    }

    private Request earliestDeadline() {
        Request best = null;
        for (Request r : requests) {
            if (r.isPending() && (best == null || r.deadline - best.deadline < 0)) {
                best = r;
            }
        }
        return best;
    }

    // ---- RequestSender ---------------------------------------------------------------------------------------------

    @Override
    public void send(BodySupplier supplier, int flags, long timeoutNanos, ResponseHandler handler) {
        if (closed) {
            handler.onFailure(new StreamBusException("client is closed"));
            return;
        }
        write(supplier, flags, timeoutNanos, handler, null);
    }

    /** Records a request as the real connection would write it; refusals fail the handler at once. */
    private void write(BodySupplier supplier, int flags, long timeoutNanos, ResponseHandler handler,
                       FakeConnection connection) {
        BrokerCapabilities caps;
        synchronized (this) {
            caps = capabilities;
        }
        ApiKey key = supplier.apiKey();
        if (key.isExtension() && !caps.serves(key.code())) {
            handler.onFailure(new UnsupportedFeatureException(BrokerCapabilities.capabilityOf(key.code()), ADDRESS));
            return;
        }
        RequestBody body;
        DecodedRequest decoded;
        byte[] frameBytes;
        int sentFlags;
        long id;
        synchronized (this) {
            id = nextRequestId++;
        }
        try {
            body = supplier.body(caps, broker);
            sentFlags = flags | body.requiredFlags();
            if ((sentFlags & Frames.FLAG_COMPRESSED) != 0 && !caps.supportsCompression()) {
                handler.onFailure(new UnsupportedFeatureException(BrokerCapabilities.CAP_COMPRESSION, ADDRESS));
                return;
            }
            if ((sentFlags & Frames.FLAG_TRANSACTIONAL) != 0 && key == ApiKey.SHARE_ACKNOWLEDGE
                    && !caps.supportsTxnShareAcks()) {
                handler.onFailure(new UnsupportedFeatureException(BrokerCapabilities.CAP_TXN_SHARE_ACKS, ADDRESS));
                return;
            }
            if ((sentFlags & (Frames.FLAG_TRANSACTIONAL | Frames.FLAG_READ_COMMITTED)) != 0
                    && !caps.has(BrokerCapabilities.TXN_DATA_PATH)) {
                handler.onFailure(new UnsupportedFeatureException(BrokerCapabilities.CAP_TRANSACTIONS, ADDRESS));
                return;
            }
            if ((sentFlags & Frames.FLAG_SEQUENCED) != 0 && !caps.has(BrokerCapabilities.IDEMPOTENT_PRODUCE)) {
                handler.onFailure(new UnsupportedFeatureException(BrokerCapabilities.CAP_IDEMPOTENCE, ADDRESS));
                return;
            }
            ByteBuf frame = RequestCodec.encode(alloc, id, flags, body);
            try {
                frameBytes = new byte[frame.readableBytes()];
                frame.getBytes(frame.readerIndex(), frameBytes);
                // What FrameDecoder hands over: no length prefix, no CRC.
                decoded = RequestCodec.decode(frame.slice(Frames.LENGTH_FIELD_SIZE,
                        frame.readableBytes() - Frames.LENGTH_FIELD_SIZE - Frames.CRC_SIZE), alloc);
            } finally {
                frame.release();
            }
        } catch (MessageTooLargeException e) {
            handler.onFailure(new StreamBusException(key + " request to " + ADDRESS + " is too large: "
                    + e.getMessage(), e));
            return;
        } catch (RuntimeException e) {
            handler.onFailure(Errors.toStreamBus(e, "cannot encode " + key + " request"));
            return;
        }
        long now = time.nanoTime();
        Request r = new Request(id, decoded, frameBytes, sentFlags, now, now + timeoutNanos, handler, connection);
        synchronized (this) {
            requests.add(r);
        }
    }

    @Override
    public <T> CompletableFuture<T> call(RequestBody body, Function<DecodedResponse, T> mapper, long deadlineNanos) {
        return retryPolicy.call(body, mapper, deadlineNanos);
    }

    @Override
    public <T> CompletableFuture<T> call(RequestBody body, Function<DecodedResponse, T> mapper) {
        return call(body, mapper, time.nanoTime() + apiTimeoutNanos());
    }

    @Override
    public synchronized void schedule(Runnable task, long delayMs) {
        tasks.add(new Task(time.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs), 0, nextTaskSeq++, task));
    }

    @Override
    public synchronized Cancellable schedulePeriodic(Runnable task, long periodMs) {
        long period = TimeUnit.MILLISECONDS.toNanos(periodMs);
        Task t = new Task(time.nanoTime() + period, period, nextTaskSeq++, task);
        tasks.add(t);
        return () -> {
            synchronized (FakeNetwork.this) {
                t.cancelled = true;
                tasks.remove(t);
            }
        };
    }

    @Override
    public CompletableFuture<BrokerCapabilities> capabilities(long deadlineNanos) {
        synchronized (this) {
            capabilityProbes++;
            if (closed) {
                return CompletableFuture.failedFuture(new StreamBusException("client is closed"));
            }
            return capabilitiesFailure != null ? CompletableFuture.failedFuture(capabilitiesFailure)
                    : CompletableFuture.completedFuture(capabilities);
        }
    }

    @Override
    public synchronized CompletableFuture<Connection> openDedicated() {
        if (closed) {
            return CompletableFuture.failedFuture(new StreamBusException("client is closed"));
        }
        if (connectFailure != null) {
            return CompletableFuture.failedFuture(connectFailure);
        }
        FakeConnection c = new FakeConnection(capabilities);
        dedicated.add(c);
        return CompletableFuture.completedFuture(c);
    }

    @Override
    public String activeAddress() {
        return ADDRESS;
    }

    @Override
    public long requestTimeoutNanos() {
        return TimeUnit.MILLISECONDS.toNanos(config.getInt(ClientConfig.REQUEST_TIMEOUT_MS));
    }

    @Override
    public long apiTimeoutNanos() {
        return TimeUnit.MILLISECONDS.toNanos(config.getInt(ClientConfig.API_TIMEOUT_MS));
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops accepting requests (they fail at once, as the real client's do) and releases the recorded bodies.
     * Unanswered requests stay unanswered; scheduled tasks stay scheduled (the real event loops run them until
     * they shut down).
     */
    @Override
    public void close() {
        closed = true;
        List<Request> all;
        synchronized (this) {
            all = new ArrayList<>(requests);
        }
        all.forEach(Request::releaseBody);
    }

    private static Set<Integer> allTypes() {
        Set<Integer> s = new HashSet<>();
        for (ApiKey k : ApiKey.values()) {
            s.add(k.code());
        }
        return s;
    }

    /** A scheduled task; ordered by due time, then by scheduling order. */
    private static final class Task implements Comparable<Task> {
        long due;
        final long period;
        final long seq;
        final Runnable body;
        boolean cancelled;

        Task(long due, long period, long seq, Runnable body) {
            this.due = due;
            this.period = period;
            this.seq = seq;
            this.body = body;
        }

        void run(FakeNetwork net) {
            body.run();
            if (period > 0) {
                synchronized (net) {
                    if (!cancelled) {
                        due += period;
                        net.tasks.add(this);
                    }
                }
            }
        }

        @Override
        public int compareTo(Task o) {
            int c = Long.compare(due - o.due, 0);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    /**
     * One request the engine sent: its decoded copy (independent of the engine's buffers) and the means to answer
     * it, once. Thread-safe.
     */
    public final class Request {
        private final long id;
        private final DecodedRequest decoded;
        private final byte[] frame;
        private final int flags;
        private final long sentAt;
        private final long deadline;
        private final ResponseHandler handler;
        private final FakeConnection connection;
        private String outcome;
        private boolean released;

        Request(long id, DecodedRequest decoded, byte[] frame, int flags, long sentAt, long deadline,
                ResponseHandler handler, FakeConnection connection) {
            this.id = id;
            this.decoded = decoded;
            this.frame = frame;
            this.flags = flags;
            this.sentAt = sentAt;
            this.deadline = deadline;
            this.handler = handler;
            this.connection = connection;
        }

        public ApiKey apiKey() {
            return decoded.header().apiKey();
        }

        /** The request as the broker would decode it. Valid until the fake is closed. */
        public RequestBody body() {
            return decoded.body();
        }

        /** The body cast to {@code type}. */
        public <T extends RequestBody> T body(Class<T> type) {
            return type.cast(decoded.body());
        }

        /** The frame flags as written (including the flags the body requires). */
        public int flags() {
            return flags;
        }

        /** The complete frame (length, header, payload, CRC) as it would be written. */
        public byte[] frame() {
            return Arrays.copyOf(frame, frame.length);
        }

        /** The fake clock's {@code nanoTime} when sent. */
        public long sentAtNanos() {
            return sentAt;
        }

        /** When it times out if unanswered ({@code nanoTime} of the fake clock). */
        public long deadlineNanos() {
            return deadline;
        }

        /** The dedicated connection it was sent on, or null for the shared path. */
        public FakeConnection connection() {
            return connection;
        }

        /** True until answered, failed or timed out. */
        public synchronized boolean isPending() {
            return outcome == null;
        }

        /** How it ended ("response", "error 6", "disconnect", "timeout", "failure: ..."), or null if pending. */
        public synchronized String outcome() {
            return outcome;
        }

        /** Answers with a success body; the fake encodes it, decodes it for the engine and releases {@code body}. */
        public void respond(ResponseBody body) {
            DecodedResponse r;
            try {
                claim("response");
                ByteBuf f = ResponseCodec.encodeSuccess(alloc, id, body, flags);
                try {
                    r = ResponseCodec.decode(content(f), apiKey(), flags, alloc);
                } finally {
                    f.release();
                }
            } finally {
                body.release();
            }
            handler.onResponse(r);
        }

        /** Answers with an error status carrying {@code code} (spec A.4). */
        public void respondError(int code, String message) {
            claim("error " + code);
            ByteBuf f = ResponseCodec.encodeError(alloc, id, code, message);
            DecodedResponse r;
            try {
                r = ResponseCodec.decode(content(f), apiKey(), flags, alloc);
            } finally {
                f.release();
            }
            handler.onResponse(r);
        }

        /** Fails it as a lost connection does: a retriable {@link ConnectionException}. */
        public void disconnect() {
            claim("disconnect");
            handler.onFailure(new ConnectionException("connection to " + ADDRESS + " closed (scripted disconnect)"));
        }

        /** Fails it with {@code error} (no response). */
        public void fail(Throwable error) {
            claim("failure: " + error);
            handler.onFailure(error);
        }

        void disconnectIfPending() {
            synchronized (this) {
                if (outcome != null) {
                    return;
                }
                outcome = "disconnect";
            }
            handler.onFailure(new ConnectionException("connection to " + ADDRESS + " closed"));
        }

        void timeOut() {
            claim("timeout");
            handler.onFailure(new StreamBusTimeoutException(apiKey() + " request to " + ADDRESS
                    + " got no response within its timeout (request.timeout.ms)"));
        }

        private synchronized void claim(String how) {
            if (outcome != null) {
                throw new IllegalStateException(this + " was already answered: " + outcome);
            }
            outcome = how;
        }

        private synchronized void releaseBody() {
            if (!released) {
                released = true;
                decoded.close();
            }
        }

        private ByteBuf content(ByteBuf frame) {
            return frame.slice(Frames.LENGTH_FIELD_SIZE,
                    frame.readableBytes() - Frames.LENGTH_FIELD_SIZE - Frames.CRC_SIZE);
        }

        @Override
        public synchronized String toString() {
            return "Request#" + id + "[" + apiKey() + ", " + decoded.body() + (connection != null ? ", dedicated" : "")
                    + (outcome == null ? ", pending" : ", " + outcome) + "]";
        }
    }

    /** A dedicated connection of the fake broker: its requests are recorded with the others. Thread-safe. */
    public final class FakeConnection implements Connection {
        private final BrokerCapabilities caps;
        private volatile boolean open = true;

        FakeConnection(BrokerCapabilities caps) {
            this.caps = caps;
        }

        @Override
        public String address() {
            return ADDRESS;
        }

        @Override
        public CompletableFuture<BrokerCapabilities> ready() {
            return CompletableFuture.completedFuture(caps);
        }

        @Override
        public BrokerCapabilities capabilities() {
            return caps;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void send(BodySupplier supplier, int flags, ResponseHandler handler, long timeoutNanos) {
            if (!open) {
                handler.onFailure(new ConnectionException("connection to " + ADDRESS + " is closed"));
                return;
            }
            write(supplier, flags, timeoutNanos, handler, this);
        }

        /** Closes it; its unanswered requests fail with a retriable {@link ConnectionException}. */
        @Override
        public void close() {
            open = false;
            for (Request r : pending()) {
                if (r.connection == this) {
                    r.disconnectIfPending();
                }
            }
        }
    }
}
