package io.streambus.client.internal.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.streambus.client.ConfigException;
import io.streambus.client.producer.Partitioner;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PartitionersTest {

    public static final class Fixed implements Partitioner {
        @Override
        public int partition(String topic, Object key, ByteBuf keyBytes, int numPartitions) {
            return numPartitions - 1;
        }
    }

    private static ByteBuf key(String k) {
        return Unpooled.wrappedBuffer(k.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void murmur2HashesKeysAndSticksKeyless() {
        Partitioner p = Partitioners.create("murmur2", 100);
        assertThat(p.partition("t", "foobar", key("foobar"), 7)).isEqualTo((-790332482 & 0x7fffffff) % 7);
        int first = p.partition("t", null, null, 8);
        for (int i = 0; i < 10; i++) {
            assertThat(p.partition("t", null, null, 8)).isEqualTo(first);
        }
        ((Partitioners.AppendAware) p).onAppend("t", first, 100);
        int second = p.partition("t", null, null, 8);
        assertThat(second).as("switches after batch.size bytes").isNotEqualTo(first);
        assertThat(p.partition("t", null, Unpooled.EMPTY_BUFFER, 8)).as("empty key = no key").isEqualTo(second);
    }

    @Test
    void roundRobinCyclesIgnoringKeys() {
        Partitioner p = Partitioners.create("roundrobin", 100);
        for (int i = 0; i < 9; i++) {
            assertThat(p.partition("t", "k", key("k"), 3)).isEqualTo(i % 3);
        }
        assertThat(p.partition("other", null, null, 3)).isZero();
    }

    @Test
    void stickyIgnoresKeysAndCoversAllPartitionsOverTime() {
        Partitioner p = Partitioners.create("sticky", 10);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            int part = p.partition("t", "k" + i, key("k" + i), 4);
            seen.add(part);
            ((Partitioners.AppendAware) p).onAppend("t", part, 5);
        }
        assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3);
    }

    @Test
    void customByClassNameClassOrInstance() {
        assertThat(Partitioners.create(Fixed.class.getName(), 1).partition("t", null, null, 5)).isEqualTo(4);
        assertThat(Partitioners.create(Fixed.class, 1)).isInstanceOf(Fixed.class);
        Fixed f = new Fixed();
        assertThat(Partitioners.create(f, 1)).isSameAs(f);
        assertThatThrownBy(() -> Partitioners.create("no.such.Partitioner", 1)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("no.such.Partitioner");
        assertThatThrownBy(() -> Partitioners.create(String.class, 1)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("does not implement");
    }
}
