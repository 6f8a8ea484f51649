package io.streambus.broker.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

/** The leak check really sees a leak (otherwise every test using it would pass vacuously). */
class LeakCheckTest {
    @Test
    void reportsALeakedBuffer() {
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
        LeakCheck.collect();
        leak();
        assertThat(LeakCheck.collect()).isNotEmpty();
        assertThat(LeakCheck.collect()).isEmpty();
    }

    private static void leak() {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(8);
        b.writeLong(1);
        // dropped without release
    }
}
