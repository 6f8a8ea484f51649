package io.streambus.broker.group;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Future completions deferred until the group lock is released, so that a callback may call the coordinator again
 * without running under (or deadlocking on) a group lock. Not thread-safe: one per coordinator call or timer firing.
 */
final class Completions {
    private static final Logger log = LoggerFactory.getLogger(Completions.class);

    private final List<Runnable> actions = new ArrayList<>();

    /** Completes {@code f} with {@code value} at {@link #run()}. */
    <T> void complete(CompletableFuture<T> f, T value) {
        actions.add(() -> f.complete(value));
    }

    /**
     * Completes {@code f} with {@code value} once {@code barrier} has completed (normally or not), but never before
     * {@link #run()}: a reply that must not leave before a durable write waits for that write.
     */
    <T> void completeAfter(CompletableFuture<?> barrier, CompletableFuture<T> f, T value) {
        actions.add(() -> barrier.whenComplete((v, e) -> f.complete(value)));
    }

    /** Runs the deferred completions in order; call it after leaving every group lock. */
    void run() {
        for (Runnable r : actions) {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.error("group request callback failed", e);
            }
        }
        actions.clear();
    }
}
