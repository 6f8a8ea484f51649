package io.streambus.client.internal.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streambus.client.BufferExhaustedException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MemoryLimiterTest {

    /**
     * Reserves {@code bytes} on a new thread, waiting up to {@code maxWait}; returns how long the reservation took
     * (ns), once the thread is waiting for memory.
     */
    private static CompletableFuture<Long> reserveWhenBlocked(MemoryLimiter m, long bytes, Duration maxWait) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            long t0 = System.nanoTime();
            try {
                m.reserve(bytes, maxWait.toNanos());
                done.complete(System.nanoTime() - t0);
            } catch (InterruptedException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        }, "reserving");
        t.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> t.getState() == Thread.State.TIMED_WAITING);
        return done;
    }

    @Test
    void blocksUntilReleasedThenProceeds() throws Exception {
        MemoryLimiter m = new MemoryLimiter(1000);
        m.reserve(800, 0);
        CompletableFuture<Long> waiter = reserveWhenBlocked(m, 500, Duration.ofSeconds(5));
        assertThat(waiter).isNotDone();
        m.release(800);
        waiter.get(5, TimeUnit.SECONDS);
        assertThat(m.available()).isEqualTo(500);
    }

    @Test
    void timesOutWithClearError() throws Exception {
        MemoryLimiter m = new MemoryLimiter(1000);
        m.reserve(1000, 0);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> m.reserve(1, TimeUnit.MILLISECONDS.toNanos(100)))
                .isInstanceOf(BufferExhaustedException.class).hasMessageContaining("max.block.ms");
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        assertThatThrownBy(() -> m.reserve(1001, 0)).isInstanceOf(BufferExhaustedException.class)
                .hasMessageContaining("larger than buffer.memory");
        MemoryLimiter fresh = new MemoryLimiter(10);
        assertThatThrownBy(() -> fresh.release(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void wakesWaitersOnlyOnceASixteenthIsFreeButTheyTakeWhatIsFreeAtTheirTimeout() throws Exception {
        MemoryLimiter m = new MemoryLimiter(1600);
        m.reserve(1600, 0);
        CompletableFuture<Long> waited = reserveWhenBlocked(m, 10, Duration.ofMillis(300));
        m.release(50); // enough for the waiter, below the 100 bytes that wake it
        // not woken by that release: it takes the bytes when its wait ends, and does not fail
        assertThat(waited.get(5, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        assertThat(m.available()).isEqualTo(40);

        CompletableFuture<Long> second = reserveWhenBlocked(m, 60, Duration.ofMinutes(1));
        m.release(60); // 100 free: a sixteenth, the waiter is woken long before its minute
        second.get(5, TimeUnit.SECONDS);
        assertThat(m.available()).isEqualTo(40);
    }
}
