package io.streambus.jms.ra.itest.app;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;

/**
 * Holds the first deliveries of the pool queue until {@link Names#POOL_SESSIONS} of them run at once, so that one
 * session cannot drain the queue before the others have started. The gate opens for good when enough deliveries are
 * inside or when the first waiter's bounded wait ends; it records the highest number of deliveries inside at once.
 * Thread-safe (monitor).
 */
@ApplicationScoped
public class ConcurrencyGate {
    /** Longest wait for the others. */
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
