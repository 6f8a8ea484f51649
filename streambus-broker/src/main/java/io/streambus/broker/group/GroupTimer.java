package io.streambus.broker.group;

import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's only source of time: clocks plus delayed tasks. Production code uses {@link #system}; tests use
 * a manual implementation so that timeouts are exercised without sleeping. Implementations must be thread-safe.
 */
public interface GroupTimer {

    /** Monotonic milliseconds, for deadlines (session, join and sync phases). */
    long monotonicMs();

    /** Wall-clock milliseconds since the epoch, for timestamps that are stored (commit time, "Empty since"). */
    long wallClockMs();

    /**
     * Runs {@code task} once after {@code delayMs} (0 or negative: as soon as possible) on a thread that is not the
     * caller's. Tasks that cannot be scheduled any more (shutdown) are dropped.
     */
    Cancellable schedule(Runnable task, long delayMs);

    /** A scheduled task that can be cancelled; cancelling a task that already ran does nothing. */
    interface Cancellable {
        void cancel();
    }

    /**
     * A timer on the system clocks whose tasks run on {@code executor}. The executor should remove cancelled tasks
     * ({@code ScheduledThreadPoolExecutor.setRemoveOnCancelPolicy(true)}), since session timers are rescheduled often.
     */
    static GroupTimer system(ScheduledExecutorService executor) {
        Objects.requireNonNull(executor, "executor");
        return new GroupTimer() {
            @Override
            public long monotonicMs() {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
            }

            @Override
            public long wallClockMs() {
                return System.currentTimeMillis();
            }

            @Override
            public Cancellable schedule(Runnable task, long delayMs) {
                try {
                    ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
                    return () -> f.cancel(false);
                } catch (RejectedExecutionException e) {
                    return () -> { };
                }
            }
        };
    }
}
