package io.streambus.client.internal.net;

import io.streambus.client.ClientConfig;
import io.streambus.client.StreamBusException;
import io.streambus.client.StreamBusTimeoutException;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.internal.Time;
import io.streambus.protocol.DecodedResponse;
import io.streambus.protocol.RequestBody;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's view of the cluster: one {@link BrokerPool} per bootstrap address, and the rule of spec A.8.1 that
 * every request goes to one broker at a time. The active broker is the first of the bootstrap list whose circuit
 * breaker is not open; when it opens, the next one takes over (and stays active until it fails in turn, so that
 * traffic does not flap between brokers that do not share data). Offers single-attempt sends (the producer retries
 * batches itself) and calls with the {@link RetryPolicy} ({@code retries}, {@code retry.backoff.ms}, deadline). The
 * real {@link RequestSender}. Thread-safe.
 */
public final class NetworkClient implements RequestSender {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkClient.class);

    private final NetContext ctx;
    private final List<BrokerPool> pools;
    private final Time time;
    private final RetryPolicy retryPolicy;
    private volatile int active;
    private volatile boolean closed;

    /** Connections of {@code ctx} (nothing is opened before the first request); deadlines read {@code time}. */
    public NetworkClient(NetContext ctx, Time time) {
        this.ctx = ctx;
        List<BrokerPool> list = new ArrayList<>();
        for (String hp : ctx.config().getList(ClientConfig.BOOTSTRAP_SERVERS)) {
            Map.Entry<String, Integer> e = ClientConfig.parseHostPort(hp);
            list.add(new BrokerPool(e.getKey(), e.getValue(), ctx));
        }
        this.pools = Collections.unmodifiableList(list);
        this.time = time;
        this.retryPolicy = new RetryPolicy(this, ctx.retryBackoff(), ctx.config().getInt(ClientConfig.RETRIES), time,
                () -> closed);
    }

    /** What the connections share (configuration, event loops, allocator, security). */
    public NetContext context() {
        return ctx;
    }

    /** Every broker pool, in bootstrap order. */
    public List<BrokerPool> pools() {
        return pools;
    }

    /** The broker all requests currently go to, failing over when its circuit breaker is open. */
    public BrokerPool activePool() {
        int i = active;
        BrokerPool p = pools.get(i);
        if (pools.size() == 1 || p.breaker().state() != CircuitBreaker.State.OPEN) {
            return p;
        }
        for (int k = 1; k < pools.size(); k++) {
            int j = (i + k) % pools.size();
            BrokerPool q = pools.get(j);
            if (q.breaker().state() != CircuitBreaker.State.OPEN) {
                synchronized (this) {
                    if (active == i) {
                        active = j;
                        LOG.warn("broker {} is unavailable ({}); sending every request to {} from now on",
                                p.address(), p.breaker(), q.address());
                    }
                }
                return pools.get(active);
            }
        }
        return p;
    }

    @Override
    public String activeAddress() {
        return activePool().address();
    }

    @Override
    public long requestTimeoutNanos() {
        return ctx.requestTimeoutNanos();
    }

    @Override
    public void send(BodySupplier supplier, int flags, long timeoutNanos, ResponseHandler handler) {
        if (closed) {
            handler.onFailure(new StreamBusException("client is closed"));
            return;
        }
        activePool().send(supplier, flags, handler, timeoutNanos);
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
    public long apiTimeoutNanos() {
        return TimeUnit.MILLISECONDS.toNanos(ctx.config().getInt(ClientConfig.API_TIMEOUT_MS));
    }

    /** Runs {@code task} on an I/O thread after {@code delayMs}; if the client is closing it runs at once. */
    @Override
    public void schedule(Runnable task, long delayMs) {
        try {
            ctx.group().next().schedule(task, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /** Runs {@code task} on an I/O thread every {@code periodMs}; never once the I/O threads are shut down. */
    @Override
    public Cancellable schedulePeriodic(Runnable task, long periodMs) {
        try {
            ScheduledFuture<?> f = ctx.group().next().scheduleAtFixedRate(task, periodMs, periodMs,
                    TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException e) {
            return () -> { };
        }
    }

    /**
     * Capabilities of the active broker (connecting if needed), with retries until {@code deadlineNanos}.
     */
    @Override
    public CompletableFuture<BrokerCapabilities> capabilities(long deadlineNanos) {
        CompletableFuture<BrokerCapabilities> result = new CompletableFuture<>();
        long remaining = deadlineNanos - time.nanoTime();
        schedule(() -> result.completeExceptionally(new StreamBusTimeoutException(
                "broker capabilities not known within the deadline (is the broker reachable?)")),
                Math.max(0, TimeUnit.NANOSECONDS.toMillis(remaining)) + 1);
        capabilitiesAttempt(deadlineNanos, 0, result);
        return result;
    }

    private void capabilitiesAttempt(long deadline, int attempt, CompletableFuture<BrokerCapabilities> result) {
        if (result.isDone()) {
            return;
        }
        if (closed) {
            result.completeExceptionally(new StreamBusException("client is closed"));
            return;
        }
        activePool().capabilities().whenComplete((caps, err) -> {
            if (err == null) {
                result.complete(caps);
            } else {
                retryPolicy.retryOrFail(err, attempt, deadline, result, () -> capabilitiesAttempt(deadline,
                        attempt + 1, result));
            }
        });
    }

    /**
     * Opens a connection to the active broker reserved for the caller (for group coordination: JoinGroup and
     * SyncGroup may be held by the broker, B.6.1). Completes when it is ready. The caller closes it.
     */
    @Override
    public CompletableFuture<Connection> openDedicated() {
        NettyConnection c;
        try {
            c = activePool().openDedicated();
        } catch (StreamBusException e) {
            return CompletableFuture.failedFuture(e);
        }
        return c.ready().thenApply(caps -> (Connection) c);
    }

    @Override
    public void close() {
        closed = true;
        pools.forEach(BrokerPool::close);
    }
}
