package io.streambus.client.internal.share;

import io.streambus.client.share.ShareRecord;
import io.streambus.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class OffsetMapTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);

    private static InFlightRecord rec(OffsetMap m, long offset) {
        return new InFlightRecord(TP, m, new ShareRecord<>("t", 0, offset, 0, null, "v", List.of(), 1), 0, 1);
    }

    @Test
    void agreesWithAHashMapUnderRandomPutsAndRemovals() {
        OffsetMap m = new OffsetMap(TP);
        Map<Long, InFlightRecord> expected = new HashMap<>();
        Random random = new Random(42);
        for (int i = 0; i < 200_000; i++) {
            // Mostly runs of consecutive offsets, as acquired; some far apart, and removals out of order.
            long offset = random.nextInt(8) == 0 ? random.nextInt(1 << 14) : 1000 + random.nextInt(3000);
            if (random.nextBoolean()) {
                InFlightRecord f = rec(m, offset);
                assertThat(m.put(offset, f)).isSameAs(expected.put(offset, f));
            } else {
                assertThat(m.remove(offset)).isSameAs(expected.remove(offset));
            }
            if (i % 5000 == 0) {
                assertThat(m.size()).isEqualTo(expected.size());
                expected.forEach((o, f) -> assertThat(m.get(o)).isSameAs(f));
                List<InFlightRecord> values = m.values();
                assertThat(values).hasSize(expected.size());
                values.forEach(f -> assertThat(expected.get(f.offset)).isSameAs(f));
            }
        }
        expected.keySet().forEach(m::remove);
        assertThat(m.isEmpty()).isTrue();
        assertThat(m.get(1000)).isNull();
    }

    @Test
    void removingARunInOrderLeavesTheRestReachable() {
        OffsetMap m = new OffsetMap(TP);
        for (long o = 0; o < 5000; o++) {
            m.put(o, rec(m, o));
        }
        for (long o = 0; o < 4000; o++) {
            assertThat(m.remove(o).offset).isEqualTo(o);
        }
        for (long o = 4000; o < 5000; o++) {
            assertThat(m.get(o).offset).isEqualTo(o);
        }
        assertThat(m.size()).isEqualTo(1000);
    }
}
