package io.streambus.client.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.common.TopicPartition;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class ConsumerRecordsTest {
    private static ConsumerRecord<String, String> rec(String topic, int partition, long offset) {
        return new ConsumerRecord<>(topic, partition, offset, 0, null, "v" + offset, List.of());
    }

    @Test
    void iteratesPartitionAfterPartitionSkippingEmptyOnes() {
        Map<TopicPartition, List<ConsumerRecord<String, String>>> by = new LinkedHashMap<>();
        by.put(new TopicPartition("a", 0), new ArrayList<>(List.of(rec("a", 0, 1), rec("a", 0, 2))));
        by.put(new TopicPartition("a", 1), new ArrayList<>());
        by.put(new TopicPartition("b", 0), new ArrayList<>(List.of(rec("b", 0, 7))));
        ConsumerRecords<String, String> records = new ConsumerRecords<>(by);
        List<Long> offsets = new ArrayList<>();
        for (ConsumerRecord<String, String> r : records) {
            offsets.add(r.offset());
        }
        assertThat(offsets).containsExactly(1L, 2L, 7L);
        assertThat(records.count()).isEqualTo(3);
        Iterator<ConsumerRecord<String, String>> it = records.iterator();
        it.next();
        assertThatThrownBy(it::remove).isInstanceOf(UnsupportedOperationException.class);
        it.next();
        it.next();
        assertThat(it.hasNext()).isFalse();
        assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
        assertThat(ConsumerRecords.<String, String>empty().iterator().hasNext()).isFalse();
    }
}
