package io.streambus.client.internal.net;

import io.streambus.client.ClientConfig;
import io.streambus.client.StreamBusException;
import io.streambus.client.StreamBusTimeoutException;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.protocol.DecodedResponse;
import io.streambus.protocol.RequestBody;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's view of the cluster: one {@link BrokerPool} per bootstrap address, and the rule of spec A.8.1 that
 * every request goes to one broker at a time. The active broker is the first of the bootstrap list whose circuit
 * breaker is not open; when it opens, the next one takes over (and stays active until it fails in turn, so that
 * traffic does not flap between brokers that do not share data). Offers single-attempt sends (the producer retries
 * batches itself) and calls with the retry policy ({@code retries}, {@code retry.backoff.ms}, deadline). Thread-safe.
 */
public final class NetworkClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkClient.class);

    private final NetContext ctx;
    private final List<BrokerPool> pools;
    private final Backoff retryBackoff;
    private final int retries;
    private volatile int active;
    private volatile boolean closed;

    public NetworkClient(NetContext ctx) {
        this.ctx = ctx;
        List<BrokerPool> list = new ArrayList<>();
        for (String hp : ctx.config().getList(ClientConfig.BOOTSTRAP_SERVERS)) {
            Map.Entry<String, Integer> e = ClientConfig.parseHostPort(hp);
            list.add(new BrokerPool(e.getKey(), e.getValue(), ctx));
        }
        this.pools = Collections.unmodifiableList(list);
        this.retryBackoff = ctx.retryBackoff();
        this.retries = ctx.config().getInt(ClientConfig.RETRIES);
    }

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

    /** Request timeout from the configuration, in nanoseconds. */
    public long requestTimeoutNanos() {
        return ctx.requestTimeoutNanos();
    }

    /** Sends once to the active broker; the handler gets the outcome on an event loop. */
    public void send(BodySupplier supplier, int flags, long timeoutNanos, ResponseHandler handler) {
        if (closed) {
            handler.onFailure(new StreamBusException("client is closed"));
            return;
        }
        activePool().send(supplier, flags, handler, timeoutNanos);
    }

    /**
     * Sends once; the future completes with the success response (the caller closes it) or fails with a typed
     * exception (error status mapped by {@link Errors#fromResponse}).
     */
    public CompletableFuture<DecodedResponse> send(BodySupplier supplier, int flags, long timeoutNanos) {
        CompletableFuture<DecodedResponse> f = new CompletableFuture<>();
        send(supplier, flags, timeoutNanos, futureHandler(f, supplier));
        return f;
    }

    /** A handler completing a future: success responses go to the future, error statuses become exceptions. */
    public static ResponseHandler futureHandler(CompletableFuture<DecodedResponse> f, BodySupplier supplier) {
        return new ResponseHandler() {
            @Override
            public void onResponse(DecodedResponse r) {
                if (r.isError()) {
                    r.close();
                    f.completeExceptionally(Errors.fromResponse(r, supplier.apiKey().toString()));
                } else if (!f.complete(r)) {
                    r.close();
                }
            }

            @Override
            public void onFailure(Throwable error) {
                f.completeExceptionally(error);
            }
        };
    }

    /**
     * Sends {@code body} with retries on retriable failures (backoff with jitter, at most {@code retries}, never
     * past {@code deadlineNanos}); maps the success response with {@code mapper}, then closes it.
     */
    public <T> CompletableFuture<T> call(RequestBody body, Function<DecodedResponse, T> mapper, long deadlineNanos) {
        CompletableFuture<T> result = new CompletableFuture<>();
        attempt(BodySupplier.of(body), mapper, deadlineNanos, 0, result);
        return result;
    }

    /** As {@link #call(RequestBody, Function, long)} with the deadline {@code api.timeout.ms} from now. */
    public <T> CompletableFuture<T> call(RequestBody body, Function<DecodedResponse, T> mapper) {
        return call(body, mapper, System.nanoTime() + apiTimeoutNanos());
    }

    public long apiTimeoutNanos() {
        return TimeUnit.MILLISECONDS.toNanos(ctx.config().getInt(ClientConfig.API_TIMEOUT_MS));
    }

    private <T> void attempt(BodySupplier supplier, Function<DecodedResponse, T> mapper, long deadline, int attempt,
                             CompletableFuture<T> result) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            result.completeExceptionally(new StreamBusTimeoutException(supplier.apiKey()
                    + " did not complete within its deadline"));
            return;
        }
        long timeout = Math.min(remaining, ctx.requestTimeoutNanos());
        send(supplier, 0, timeout).whenComplete((r, err) -> {
            if (err == null) {
                try (r) {
                    result.complete(mapper.apply(r));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
                return;
            }
            retryOrFail(err, attempt, deadline, result, () -> attempt(supplier, mapper, deadline, attempt + 1,
                    result));
        });
    }

    /** Retries {@code again} after a backoff if {@code err} is retriable and budget remains, else fails. */
    public void retryOrFail(Throwable err, int attempt, long deadline, CompletableFuture<?> result, Runnable again) {
        Throwable e = Errors.unwrap(err);
        long delayMs = retryBackoff.delayMs(attempt);
        boolean budget = attempt < retries
                && System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs) - deadline < 0;
        if (closed || !Errors.isRetriable(e) || !budget) {
            result.completeExceptionally(e);
            return;
        }
        LOG.debug("retrying after {} ms (attempt {}): {}", delayMs, attempt + 1, e.toString());
        schedule(again, delayMs);
    }

    /** Runs {@code task} on an I/O thread after {@code delayMs}; if the client is closing it runs at once. */
    public void schedule(Runnable task, long delayMs) {
        try {
            ctx.group().next().schedule(task, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /**
     * Capabilities of the active broker (connecting if needed), with retries until {@code deadlineNanos}.
     */
    public CompletableFuture<BrokerCapabilities> capabilities(long deadlineNanos) {
        CompletableFuture<BrokerCapabilities> result = new CompletableFuture<>();
        long remaining = deadlineNanos - System.nanoTime();
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
                retryOrFail(err, attempt, deadline, result, () -> capabilitiesAttempt(deadline, attempt + 1,
                        result));
            }
        });
    }

    /**
     * Opens a connection to the active broker reserved for the caller (for group coordination: JoinGroup and
     * SyncGroup may be held by the broker, B.6.1). Completes when it is ready. The caller closes it.
     */
    public CompletableFuture<Connection> openDedicated() {
        Connection c;
        try {
            c = activePool().openDedicated();
        } catch (StreamBusException e) {
            return CompletableFuture.failedFuture(e);
        }
        return c.ready().thenApply(caps -> c);
    }

    @Override
    public void close() {
        closed = true;
        pools.forEach(BrokerPool::close);
    }
}
