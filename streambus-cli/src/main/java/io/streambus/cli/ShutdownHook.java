package io.streambus.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets Ctrl-C (SIGINT/SIGTERM) end a long-running command cleanly: the JVM's shutdown hook runs the registered
 * action (waking up a consumer's poll) and then waits, at most {@link #GRACE_SECONDS} seconds, until this hook is
 * closed, so that the command can commit and leave its group before the JVM exits. Close it after the resources it
 * protects. Thread-safe.
 */
public final class ShutdownHook implements AutoCloseable {
    /** How long the JVM may wait at exit for the command to finish. */
    public static final int GRACE_SECONDS = 10;

    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook;
    private volatile Runnable action = () -> { };

    /** Registers the hook with the JVM. */
    public ShutdownHook() {
        this.hook = new Thread(this::onShutdown, "streambus-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** What to do at Ctrl-C, typically {@code consumer::wakeup}. */
    public void onSignal(Runnable action) {
        this.action = action;
    }

    private void onShutdown() {
        action.run();
        try {
            closed.await(GRACE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The command is done: lets a pending JVM exit go on, and unregisters the hook if the JVM is not exiting. */
    @Override
    public void close() {
        closed.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException exiting) {
            // the JVM is shutting down and the hook is running: nothing to unregister
        }
    }
}
