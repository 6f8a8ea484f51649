package io.streambus.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link IntSet} agrees with a {@link HashSet} on random input, including the extremes. */
class IntSetTest {
    @Test
    void agreesWithAHashSet() {
        Random r = new Random(42);
        IntSet s = new IntSet(1);
        Set<Integer> reference = new HashSet<>();
        for (int i = 0; i < 50_000; i++) {
            int v = i % 7 == 0 ? r.nextInt(100) : r.nextInt();
            assertThat(s.add(v)).isEqualTo(reference.add(v));
        }
        for (int v : new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1}) {
            assertThat(s.add(v)).isEqualTo(reference.add(v));
            assertThat(s.add(v)).isFalse();
        }
    }
}
