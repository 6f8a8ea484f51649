package io.streambus.client.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PartitionerTest {

    /** Expected values from Kafka's own UtilsTest.testMurmur2 (org.apache.kafka.common.utils). */
    @Test
    void murmur2MatchesKafka() {
        Map<byte[], Integer> cases = new LinkedHashMap<>();
        cases.put("21".getBytes(StandardCharsets.UTF_8), -973932308);
        cases.put("foobar".getBytes(StandardCharsets.UTF_8), -790332482);
        cases.put("a-little-bit-long-string".getBytes(StandardCharsets.UTF_8), -985981536);
        cases.put("a-little-bit-longer-string".getBytes(StandardCharsets.UTF_8), -1486304829);
        cases.put("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8".getBytes(StandardCharsets.UTF_8), -58897971);
        cases.put(new byte[] {'a', 'b', 'c'}, 479470107);
        cases.forEach((k, v) -> {
            ByteBuf b = Unpooled.wrappedBuffer(k);
            assertThat(Partitioner.murmur2(b, 0, k.length)).as(new String(k, StandardCharsets.UTF_8)).isEqualTo(v);
            // Kafka: toPositive(murmur2(key)) % numPartitions
            for (int n : new int[] {1, 3, 6, 100}) {
                assertThat(Partitioner.murmur2Partition(b, n)).isEqualTo((v & 0x7fffffff) % n);
            }
        });
    }

    @Test
    void murmur2HonoursReaderIndexAndOffset() {
        ByteBuf b = Unpooled.buffer().writeBytes("xxfoobar".getBytes(StandardCharsets.UTF_8));
        b.readerIndex(2);
        assertThat(Partitioner.murmur2Partition(b, 1000)).isEqualTo((-790332482 & 0x7fffffff) % 1000);
    }
}
