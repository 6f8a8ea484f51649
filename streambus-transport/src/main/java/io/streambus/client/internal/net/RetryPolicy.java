package io.streambus.client.internal.net;

import io.streambus.client.ClientConfig;
import io.streambus.client.StreamBusTimeoutException;
import io.streambus.client.internal.Time;
import io.streambus.protocol.DecodedResponse;
import io.streambus.protocol.RequestBody;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retry policy of {@link RequestSender#call}: a failed attempt is retried when its error is retriable
 * ({@link Errors#isRetriable}), fewer than {@code retries} retries were made, and the backoff
 * ({@code retry.backoff.ms} doubling up to {@code retry.backoff.max.ms}, with jitter) ends before the deadline. Each
 * attempt is bounded by {@code min(request.timeout.ms, time left)}. Attempts go through a sender's
 * {@link RequestSender#send} and backoffs through its {@link RequestSender#schedule}, so the real network and the
 * test fake share this policy. Immutable and thread-safe.
 */
public final class RetryPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(RetryPolicy.class);

    private final RequestSender sender;
    private final Backoff backoff;
    private final int retries;
    private final Time time;
    private final BooleanSupplier closed;

    /**
     * @param sender  where attempts go and backoffs are scheduled
     * @param closed  true once the sender is closed: no further retry is attempted
     */
    public RetryPolicy(RequestSender sender, Backoff backoff, int retries, Time time, BooleanSupplier closed) {
        this.sender = sender;
        this.backoff = backoff;
        this.retries = retries;
        this.time = time;
        this.closed = closed;
    }

    /** The policy of {@code config} ({@code retries}, {@code retry.backoff.ms}, {@code retry.backoff.max.ms}). */
    public static RetryPolicy of(ClientConfig config, RequestSender sender, Time time, BooleanSupplier closed) {
        return new RetryPolicy(sender, new Backoff(config.getInt(ClientConfig.RETRY_BACKOFF_MS),
                config.getInt(ClientConfig.RETRY_BACKOFF_MAX_MS)), config.getInt(ClientConfig.RETRIES), time, closed);
    }

    /** Sends {@code body} under this policy; see {@link RequestSender#call(RequestBody, Function, long)}. */
    public <T> CompletableFuture<T> call(RequestBody body, Function<DecodedResponse, T> mapper, long deadlineNanos) {
        CompletableFuture<T> result = new CompletableFuture<>();
        attempt(BodySupplier.of(body), mapper, deadlineNanos, 0, result);
        return result;
    }

    private <T> void attempt(BodySupplier supplier, Function<DecodedResponse, T> mapper, long deadline, int attempt,
                             CompletableFuture<T> result) {
        long remaining = deadline - time.nanoTime();
        if (remaining <= 0) {
            result.completeExceptionally(new StreamBusTimeoutException(supplier.apiKey()
                    + " did not complete within its deadline"));
            return;
        }
        long timeout = Math.min(remaining, sender.requestTimeoutNanos());
        sender.send(supplier, 0, timeout).whenComplete((r, err) -> {
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

    /**
     * Runs {@code again} after a backoff if {@code err} is retriable, {@code attempt} (failures so far, minus one) is
     * below {@code retries} and the backoff ends before {@code deadline}; otherwise fails {@code result} with the
     * unwrapped error.
     */
    public void retryOrFail(Throwable err, int attempt, long deadline, CompletableFuture<?> result, Runnable again) {
        Throwable e = Errors.unwrap(err);
        long delayMs = backoff.delayMs(attempt);
        boolean budget = attempt < retries
                && time.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs) - deadline < 0;
        if (closed.getAsBoolean() || !Errors.isRetriable(e) || !budget) {
            result.completeExceptionally(e);
            return;
        }
        LOG.debug("retrying after {} ms (attempt {}): {}", delayMs, attempt + 1, e.toString());
        sender.schedule(again, delayMs);
    }
}
