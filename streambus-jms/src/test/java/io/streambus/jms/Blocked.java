package io.streambus.jms;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;

/**
 * Test helpers for calls that must wait: start a call that is expected to block and return once its thread waits, and
 * a gate a listener holds until the test releases it. Not thread-safe except the gate.
 */
public final class Blocked {
    /** Something that blocks and may throw. */
    public interface Call {
        void run() throws Exception;
    }

    private Blocked() {
    }

    /**
     * Runs {@code call} on a new thread and returns once that thread waits (blocked in the call under test) or the
     * call has finished; a failure completes {@code outcome} exceptionally.
     */
    public static void start(Call call, CompletableFuture<?> outcome) {
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

    /**
     * What a slow listener does: signals that it entered, waits (at most 10 s) until the test releases it, then
     * records {@code "listener returned"}. Thread-safe.
     */
    public static final class Gate {
        private final java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        private final java.util.List<String> events;

        /** @param events where {@code "listener returned"} is recorded */
        public Gate(java.util.List<String> events) {
            this.events = events;
        }

        /** Called by the listener: enters, waits for {@link #release()}, records its return. */
        public void pass() {
            entered.countDown();
            try {
                release.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            events.add("listener returned");
        }

        /** Waits (at most 10 s) until a listener entered. */
        public boolean awaitEntered() throws InterruptedException {
            return entered.await(10, java.util.concurrent.TimeUnit.SECONDS);
        }

        /** Lets the listener return. */
        public void release() {
            release.countDown();
        }
    }
}
