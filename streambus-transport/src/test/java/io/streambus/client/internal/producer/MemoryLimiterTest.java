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

    @Test
    void blocksUntilReleasedThenProceeds() throws Exception {
        MemoryLimiter m = new MemoryLimiter(1000);
        m.reserve(800, 0);
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                m.reserve(500, TimeUnit.SECONDS.toNanos(5));
                waiter.complete(null);
            } catch (InterruptedException | RuntimeException e) {
                waiter.completeExceptionally(e);
            }
        }, "reserving");
        t.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> t.getState() == Thread.State.TIMED_WAITING);
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
}
