package io.streambus.client.internal.net;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Per-broker circuit breaker. CLOSED counts consecutive failures and opens at the threshold; OPEN refuses every
 * attempt until the open period has passed; HALF_OPEN lets a limited number of trial attempts through, closes on the
 * first success and opens again on the first failure. Thread-safe (all methods synchronized; they are cheap).
 *
 * <p>What counts: connection attempts that fail (refused, connect or probe timeout), connections lost with requests
 * outstanding and request timeouts are failures; a connection that becomes ready and every answered request are
 * successes. Broker error codes are not failures: the broker is alive.
 */
public final class CircuitBreaker {

    /** Breaker states. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    /** Listener of state changes, called outside the breaker's lock. */
    public interface Listener {
        void onStateChange(State from, State to);
    }

    private final int failureThreshold;
    private final long openNanos;
    private final int halfOpenMaxTrials;
    private final LongSupplier clock;
    private final Listener listener;

    private State state = State.CLOSED;
    private int consecutiveFailures;
    private long openedAt;
    private int trialsInFlight;

    public CircuitBreaker(int failureThreshold, long openMillis, int halfOpenMaxTrials, LongSupplier nanoClock,
                          Listener listener) {
        this.failureThreshold = failureThreshold;
        this.openNanos = TimeUnit.MILLISECONDS.toNanos(openMillis);
        this.halfOpenMaxTrials = halfOpenMaxTrials;
        this.clock = nanoClock;
        this.listener = listener == null ? (a, b) -> { } : listener;
    }

    /** Current state, moving OPEN to HALF_OPEN when the open period has passed. */
    public State state() {
        State from;
        State to;
        synchronized (this) {
            from = state;
            advance();
            to = state;
        }
        notify(from, to);
        return to;
    }

    private void advance() {
        if (state == State.OPEN && clock.getAsLong() - openedAt >= openNanos) {
            state = State.HALF_OPEN;
            trialsInFlight = 0;
        }
    }

    /**
     * Asks permission for an attempt (a new connection). In HALF_OPEN this takes one of the trial slots, which the
     * attempt gives back through {@link #onSuccess()} or {@link #onFailure()}.
     */
    public boolean tryAcquire() {
        State from;
        State to;
        boolean ok;
        synchronized (this) {
            from = state;
            advance();
            to = state;
            ok = switch (state) {
                case CLOSED -> true;
                case OPEN -> false;
                case HALF_OPEN -> {
                    if (trialsInFlight < halfOpenMaxTrials) {
                        trialsInFlight++;
                        yield true;
                    }
                    yield false;
                }
            };
        }
        notify(from, to);
        return ok;
    }

    /** True if requests may use existing connections (not OPEN). Takes no trial slot. */
    public boolean allowsTraffic() {
        return state() != State.OPEN;
    }

    public void onSuccess() {
        State from;
        synchronized (this) {
            from = state;
            consecutiveFailures = 0;
            trialsInFlight = 0;
            state = State.CLOSED;
        }
        notify(from, State.CLOSED);
    }

    public void onFailure() {
        State from;
        State to;
        synchronized (this) {
            from = state;
            advance();
            consecutiveFailures++;
            if (state == State.HALF_OPEN || consecutiveFailures >= failureThreshold) {
                state = State.OPEN;
                openedAt = clock.getAsLong();
                trialsInFlight = 0;
            }
            to = state;
        }
        notify(from, to);
    }

    /** Nanoseconds until an OPEN breaker turns half-open (0 if not open). */
    public synchronized long nanosUntilHalfOpen() {
        return state == State.OPEN ? Math.max(0, openNanos - (clock.getAsLong() - openedAt)) : 0;
    }

    public synchronized int consecutiveFailures() {
        return consecutiveFailures;
    }

    private void notify(State from, State to) {
        if (from != to) {
            listener.onStateChange(from, to);
        }
    }

    @Override
    public synchronized String toString() {
        return state + "(failures=" + consecutiveFailures + ")";
    }
}
