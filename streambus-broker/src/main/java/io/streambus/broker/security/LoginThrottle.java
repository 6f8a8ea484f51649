package io.streambus.broker.security;

import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Slows down password guessing: after each failed authentication from a remote address, the broker holds the failure
 * reply (and the close that follows it) for a delay that doubles with every further failure from that address, from
 * {@code initialDelay} up to {@code maxDelay}. Successful logins are never delayed and do not reset the count (an
 * attacker with one valid account could otherwise clear it between guesses); an address's count is forgotten
 * {@link #FORGET_AFTER} after its last failure.
 *
 * <p>The caller schedules the delayed reply (never sleeps on an I/O thread). At most {@link #MAX_ADDRESSES}
 * addresses are remembered; beyond that the least recently failing one is dropped, so a spray from many addresses
 * cannot exhaust memory. Same model as Kafka's {@code connection.failed.authentication.delay.ms}, made exponential.
 *
 * <p>Thread-safe (one instance per broker start, shared by all I/O threads).
 */
public final class LoginThrottle {
    /** Addresses remembered at most. */
    public static final int MAX_ADDRESSES = 10_000;
    /** A failure count is dropped this long after the address's last failure. */
    public static final Duration FORGET_AFTER = Duration.ofMinutes(5);
    /** Default delay after a first failure. */
    public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofMillis(100);
    /** Default cap of the delay. */
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(3);

    private static final LoginThrottle DISABLED = new LoginThrottle(Duration.ZERO, Duration.ZERO, System::nanoTime);

    private final long initialNanos;
    private final long maxNanos;
    private final LongSupplier clock;
    private final Map<InetAddress, Entry> failures = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Entry> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    /**
     * @param initialDelay delay after a first failure; zero disables throttling
     * @param maxDelay     cap; at least {@code initialDelay}
     */
    public LoginThrottle(Duration initialDelay, Duration maxDelay) {
        this(initialDelay, maxDelay, System::nanoTime);
    }

    LoginThrottle(Duration initialDelay, Duration maxDelay, LongSupplier nanoClock) {
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("auth failure delay: need 0 <= initial <= max, got " + initialDelay
                    + " and " + maxDelay);
        }
        this.initialNanos = initialDelay.toNanos();
        this.maxNanos = maxDelay.toNanos();
        this.clock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** A throttle that never delays. */
    public static LoginThrottle disabled() {
        return DISABLED;
    }

    /**
     * Records a failed authentication from {@code address} and returns how long to hold the failure reply, in
     * nanoseconds (0 when disabled or the address is unknown).
     */
    public long failureDelayNanos(InetAddress address) {
        if (initialNanos == 0 || address == null) {
            return 0;
        }
        long now = clock.getAsLong();
        int count;
        synchronized (failures) {
            Entry e = failures.get(address);
            if (e == null || now - e.lastFailureNanos > FORGET_AFTER.toNanos()) {
                e = new Entry();
                failures.put(address, e);
            }
            e.count = Math.min(e.count + 1, 62);
            e.lastFailureNanos = now;
            count = e.count;
        }
        long delay = initialNanos;
        for (int i = 1; i < count && delay < maxNanos; i++) {
            delay *= 2;
        }
        return Math.min(delay, maxNanos);
    }

    /** Number of addresses currently remembered (tests). */
    int size() {
        synchronized (failures) {
            return failures.size();
        }
    }

    @Override
    public String toString() {
        return initialNanos == 0 ? "LoginThrottle[disabled]"
                : "LoginThrottle[" + Duration.ofNanos(initialNanos) + ".." + Duration.ofNanos(maxNanos) + "]";
    }

    /** Failures of one address; guarded by the map's lock. */
    private static final class Entry {
        int count;
        long lastFailureNanos;
    }
}
