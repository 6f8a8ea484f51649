package io.streambus.client.internal.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.client.BufferExhaustedException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MemoryLimiterTest {

    @Test
    void blocksUntilReleasedThenProceeds() throws Exception {
        MemoryLimiter m = new MemoryLimiter(1000);
        m.reserve(800, 0);
        CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
            try {
                m.reserve(500, TimeUnit.SECONDS.toNanos(5));
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(50);
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
