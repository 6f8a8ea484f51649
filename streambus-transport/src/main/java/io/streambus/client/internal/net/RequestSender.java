package io.streambus.client.internal.net;

import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.protocol.DecodedResponse;
import io.streambus.protocol.RequestBody;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The seam between the client engine (producer, partition consumer, group consumer, admin, metadata cache) and the
 * network: everything the engine asks of the cluster, and nothing of how it is reached. The real implementation is
 * {@link NetworkClient} (Netty connections to the active broker of spec A.8.1); tests use a scripted fake that
 * records every request and lets the test answer it under a manual clock.
 *
 * <p>Deadlines ({@code deadlineNanos}) are readings of the engine's {@link io.streambus.client.internal.Time}, the
 * same clock the implementation was built with. Response handlers and scheduled tasks run on I/O threads for the
 * real implementation (never block in them), on the thread driving the fake in tests.
 *
 * <p>Implementations are thread-safe.
 */
public interface RequestSender extends AutoCloseable {

    /** A task scheduled to run repeatedly, until cancelled. */
    @FunctionalInterface
    interface Cancellable {
        /** Stops further runs; a run in progress completes. Idempotent. */
        void cancel();
    }

    /**
     * Sends once to the active broker, without retry (the producer retries batches itself). The handler gets
     * exactly one outcome: a response (success body or error status; the handler closes it) or a failure
     * (connection loss, timeout, refused before sending). Once closed, fails at once.
     *
     * @param flags        frame flags ({@link io.streambus.protocol.Frames#FLAG_REQUIRE_ACK}, ...)
     * @param timeoutNanos from now until the request fails with a timeout
     */
    void send(BodySupplier supplier, int flags, long timeoutNanos, ResponseHandler handler);

    /**
     * Sends once; the future completes with the success response (the caller closes it) or fails with a typed
     * exception (error statuses mapped by {@link Errors#fromResponse}).
     */
    default CompletableFuture<DecodedResponse> send(BodySupplier supplier, int flags, long timeoutNanos) {
        CompletableFuture<DecodedResponse> f = new CompletableFuture<>();
        send(supplier, flags, timeoutNanos, ResponseHandler.completing(f, supplier.apiKey().toString()));
        return f;
    }

    /**
     * Sends {@code body} with the client's retry policy ({@code retries}, {@code retry.backoff.ms} with jitter,
     * never past {@code deadlineNanos}; see {@link RetryPolicy}) and maps the success response with {@code mapper},
     * then closes it.
     */
    <T> CompletableFuture<T> call(RequestBody body, Function<DecodedResponse, T> mapper, long deadlineNanos);

    /** As {@link #call(RequestBody, Function, long)} with the deadline {@code api.timeout.ms} from now. */
    <T> CompletableFuture<T> call(RequestBody body, Function<DecodedResponse, T> mapper);

    /** Runs {@code task} once after {@code delayMs}; if the sender is closing it may run at once. */
    void schedule(Runnable task, long delayMs);

    /** Runs {@code task} every {@code periodMs}, first after one period, until cancelled or closed. */
    Cancellable schedulePeriodic(Runnable task, long periodMs);

    /** Capabilities of the active broker (connecting and probing if needed), with retries until the deadline. */
    CompletableFuture<BrokerCapabilities> capabilities(long deadlineNanos);

    /**
     * A connection to the active broker reserved for the caller (group coordination: JoinGroup and SyncGroup may be
     * held by the broker, B.6.1), completing when it is ready. The caller closes it.
     */
    CompletableFuture<Connection> openDedicated();

    /** {@code host:port} of the broker requests go to now (for error messages and metrics). */
    String activeAddress();

    /** {@code request.timeout.ms}, in nanoseconds: the bound of one attempt. */
    long requestTimeoutNanos();

    /** {@code api.timeout.ms}, in nanoseconds: the default bound of a {@link #call} with its retries. */
    long apiTimeoutNanos();

    /** Stops sending: later requests fail at once, pending retries are not attempted. Idempotent. */
    @Override
    void close();
}
