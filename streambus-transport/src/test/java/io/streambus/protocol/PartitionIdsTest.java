package io.streambus.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.streambus.protocol.group.OffsetFetchRequest;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 item 3: bare partition lists are decoded into {@link PartitionIds} ({@code int[]}), not one
 * {@code Integer} per partition, and still behave as the {@code List<Integer>} the API promises.
 */
class PartitionIdsTest {

    private static ByteBuf encoded(OffsetFetchRequest r) {
        ByteBuf b = Unpooled.buffer();
        r.write(b);
        return b;
    }

    private static OffsetFetchRequest decode(ByteBuf b) {
        return OffsetFetchRequest.read(new PayloadReader(b, b.readerIndex(), b.writerIndex(), 0, false));
    }

    @Test
    void decodedPartitionsArePartitionIdsEqualToTheListsSent() {
        OffsetFetchRequest sent = new OffsetFetchRequest("g", TopicPartitions.of(
                java.util.Map.of("orders", List.of(7, 300, 2))));
        ByteBuf b = encoded(sent);
        try {
            OffsetFetchRequest got = decode(b);
            List<Integer> ids = got.partitions().topics().get(0).partitions();
            assertThat(ids).isInstanceOf(PartitionIds.class).containsExactly(2, 7, 300); // encoders sort
            assertThat(((PartitionIds) ids).getInt(2)).isEqualTo(300);
            assertThat(PartitionIds.intAt(ids, 0)).isEqualTo(2);
            assertThat(ids).isEqualTo(List.of(2, 7, 300)).hasSameHashCodeAs(List.of(2, 7, 300));
            assertThat(got.partitions()).isEqualTo(new TopicPartitions<>(List.of(
                    new TopicPartitions.Topic<>("orders", List.of(2, 7, 300)))));
            assertThatThrownBy(() -> ids.add(1)).isInstanceOf(UnsupportedOperationException.class);
        } finally {
            b.release();
        }
    }

    @Test
    void duplicatesAndNegativeIdsAreStillRefused() {
        ByteBuf b = Unpooled.buffer();
        try {
            Wire.string(b, "g");
            b.writeInt(1);
            Wire.string(b, "t");
            b.writeInt(2).writeInt(5).writeInt(5);
            assertThatThrownBy(() -> decode(b)).isInstanceOf(ProtocolException.class)
                    .hasMessageContaining("appears twice");
        } finally {
            b.release();
        }
    }

    @Test
    void tenThousandPartitionsDecodeWithoutAnIntegerEach() {
        Assumptions.assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
                "needs per-thread allocation counters");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int n = 10_000;
        List<Integer> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(1000 + i); // above the Integer cache
        }
        ByteBuf b = encoded(new OffsetFetchRequest("g", TopicPartitions.of("t", ids)));
        try {
            decode(b.duplicate()); // warm-up: class loading and JIT allocations are not the decoder's
            long tid = Thread.currentThread().getId();
            long before = mx.getThreadAllocatedBytes(tid);
            OffsetFetchRequest got = decode(b.duplicate());
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            assertThat(got.partitions().entryCount()).isEqualTo(n);
            // int[n] (40 KB) and the duplicate-check table (128 KB of ints): about 170 KB. One Integer each would add
            // 160 KB and the ArrayList holding them 40 KB more.
            assertThat(allocated).as("bytes allocated by the decode").isLessThan(250_000L);
        } finally {
            b.release();
        }
    }
}
