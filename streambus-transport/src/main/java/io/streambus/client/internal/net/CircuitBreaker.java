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
 *
 * <p>Recovery probes: while OPEN, one probe connection at a time may be attempted, at most one per probe interval
 * ({@link #tryAcquireProbe()}). A probe carries no requests; when it (or anything else) succeeds the breaker closes at
 * once, so a client resumes as soon as a fresh client could instead of waiting out the whole open period. A failed
 * probe ({@link #onProbeFailure()}) neither counts as a failure nor restarts the open period.
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
    private final long probeIntervalNanos;
    private final LongSupplier clock;
    private final Listener listener;

    private State state = State.CLOSED;
    private int consecutiveFailures;
    private long openedAt;
    private int trialsInFlight;
    private boolean probeInFlight;
    private long lastProbeAt;

    /**
     * A breaker without recovery probes (the probe interval equals the open period, so the half-open trial is the
     * first attempt).
     */
    public CircuitBreaker(int failureThreshold, long openMillis, int halfOpenMaxTrials, LongSupplier nanoClock,
                          Listener listener) {
        this(failureThreshold, openMillis, halfOpenMaxTrials, openMillis, nanoClock, listener);
    }

    /**
     * A breaker that lets one recovery probe through every {@code probeIntervalMillis} while open.
     *
     * @param failureThreshold consecutive failures that open it
     * @param openMillis how long it stays open before turning half-open
     * @param halfOpenMaxTrials attempts let through while half-open
     * @param probeIntervalMillis minimum time between two recovery probes while open (and after opening)
     * @param nanoClock monotonic clock in nanoseconds
     * @param listener state change listener, or null
     */
    public CircuitBreaker(int failureThreshold, long openMillis, int halfOpenMaxTrials, long probeIntervalMillis,
                          LongSupplier nanoClock, Listener listener) {
        this.failureThreshold = failureThreshold;
        this.openNanos = TimeUnit.MILLISECONDS.toNanos(openMillis);
        this.probeIntervalNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, probeIntervalMillis));
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

    /**
     * Asks permission for a recovery probe while OPEN: true if no probe is in flight and the probe interval has
     * passed since the breaker opened or since the last probe. The caller reports the probe's end through
     * {@link #onSuccess()} (closes the breaker) or {@link #onProbeFailure()}. Always false when not OPEN (CLOSED and
     * HALF_OPEN attempts go through {@link #tryAcquire()}).
     */
    public boolean tryAcquireProbe() {
        State from;
        State to;
        boolean ok;
        synchronized (this) {
            from = state;
            advance();
            to = state;
            long now = clock.getAsLong();
            ok = state == State.OPEN && !probeInFlight && now - lastProbeAt >= probeIntervalNanos;
            if (ok) {
                probeInFlight = true;
                lastProbeAt = now;
            }
        }
        notify(from, to);
        return ok;
    }

    /** A recovery probe failed: frees the probe slot; the open period and failure count are unchanged. */
    public synchronized void onProbeFailure() {
        probeInFlight = false;
    }

    /** True if requests may use existing connections (not OPEN). Takes no trial slot. */
    public boolean allowsTraffic() {
        return state() != State.OPEN;
    }

    /** An attempt, request or probe succeeded: the broker is reachable, so the breaker closes from any state. */
    public void onSuccess() {
        State from;
        synchronized (this) {
            from = state;
            consecutiveFailures = 0;
            trialsInFlight = 0;
            probeInFlight = false;
            state = State.CLOSED;
        }
        notify(from, State.CLOSED);
    }

    /** An attempt or request failed; opens the breaker at the threshold, or at once while half-open. */
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
                lastProbeAt = openedAt;
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
