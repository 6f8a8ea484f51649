package io.streambus.jms.rules;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;

/** Starts a call that is expected to block, and returns once its thread waits (test helper; not thread-safe). */
final class Blocked {
    /** Something that blocks and may throw. */
    interface Call {
        void run() throws Exception;
    }

    private Blocked() {
    }

    /**
     * Runs {@code call} on a new thread and returns once that thread waits (blocked in the call under test) or the
     * call has finished; a failure completes {@code outcome} exceptionally.
     */
    static void start(Call call, CompletableFuture<?> outcome) {
        Thread t = new Thread(() -> {
            try {
                call.run();
            } catch (Throwable e) {
                outcome.completeExceptionally(e);
            }
        }, "rules-blocked-call");
        t.setDaemon(true);
        t.start();
        Awaitility.await("thread blocked").atMost(Duration.ofSeconds(10)).until(() -> outcome.isDone()
                || t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
    }
}
