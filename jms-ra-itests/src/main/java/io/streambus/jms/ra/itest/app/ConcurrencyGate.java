package io.streambus.jms.ra.itest.app;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;

/**
 * Holds the first deliveries of the pool queue until {@link Names#POOL_SESSIONS} of them run at once, so the test can
 * tell that every consumer session had work at the same time rather than one session draining the queue alone. The
 * gate opens for good when enough deliveries are inside or when the first waiter's bounded wait ends (the test then
 * fails on the recorded concurrency instead of every message waiting). Thread-safe (monitor).
 */
@ApplicationScoped
public class ConcurrencyGate {
    /** Longest wait for the others; the pool test fails if the gate had to give up. */
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private int inside;
    private int maxInside;
    private boolean opened;

    /**
     * Enters; until the gate has opened once, waits (bounded) for {@code parties} deliveries inside.
     *
     * @return how many deliveries were inside at the moment this one entered or was released
     */
    public synchronized int enter(int parties) throws InterruptedException {
        inside++;
        maxInside = Math.max(maxInside, inside);
        if (inside >= parties) {
            opened = true;
            notifyAll();
        }
        long deadline = System.nanoTime() + WAIT_NANOS;
        long left;
        while (!opened && (left = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        if (!opened) {
            opened = true;
            notifyAll();
        }
        return maxInside;
    }

    /** Leaves; pairs with {@link #enter}. */
    public synchronized void leave() {
        inside--;
    }
}
