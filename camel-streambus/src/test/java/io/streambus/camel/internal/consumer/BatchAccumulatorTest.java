package io.streambus.camel.internal.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.common.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Gathering a batch over polls (batchingIntervalMs) on a fake clock. */
class BatchAccumulatorTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    private final AtomicLong now = new AtomicLong(1_000);
    private final List<Long> released = new ArrayList<>();
    private final BatchAccumulator acc = new BatchAccumulator(5, Duration.ofNanos(100), now::get,
            r -> released.add(r.offset()));

    private static ConsumerRecords<Object, Object> poll(TopicPartition tp, long from, int n) {
        List<ConsumerRecord<Object, Object>> list = new ArrayList<>();
        for (long o = from; o < from + n; o++) {
            list.add(new ConsumerRecord<>(tp.topic(), tp.partition(), o, ConsumerRecord.NO_TIMESTAMP, null, "v",
                    List.of()));
        }
        Map<TopicPartition, List<ConsumerRecord<Object, Object>>> m = new LinkedHashMap<>();
        m.put(tp, list);
        return new ConsumerRecords<>(m);
    }

    private static List<Long> offsets(List<ConsumerRecord<Object, Object>> records) {
        return records.stream().map(ConsumerRecord::offset).toList();
    }

    @Test
    void aBatchIsDueWhenFullOrWhenTheIntervalPassedSinceItsFirstRecord() {
        assertThat(acc.due()).isFalse();
        assertThat(acc.pollTimeout(Duration.ofMillis(1))).isEqualTo(Duration.ofMillis(1));
        acc.add(poll(P0, 0, 2));
        now.addAndGet(60);
        assertThat(acc.due()).isFalse();
        assertThat(acc.pollTimeout(Duration.ofMillis(1))).as("wakes when the batch falls due")
                .isEqualTo(Duration.ofNanos(40));
        acc.add(poll(P0, 2, 1));
        now.addAndGet(40);
        assertThat(acc.due()).as("interval from the first record").isTrue();
        assertThat(acc.take()).containsOnlyKeys(P0).extractingByKey(P0).extracting(BatchAccumulatorTest::offsets)
                .isEqualTo(List.of(0L, 1L, 2L));
        assertThat(acc.size()).isZero();
        assertThat(acc.due()).isFalse();
    }

    @Test
    void aFullBatchTakesAtMostTheMaximumInPartitionOrderAndTheRestStartsTheNext() {
        acc.add(poll(P0, 10, 3));
        acc.add(poll(P1, 20, 4));
        assertThat(acc.due()).as("7 records, maximum 5").isTrue();
        Map<TopicPartition, List<ConsumerRecord<Object, Object>>> first = acc.take();
        assertThat(offsets(first.get(P0))).containsExactly(10L, 11L, 12L);
        assertThat(offsets(first.get(P1))).containsExactly(20L, 21L);
        assertThat(acc.size()).isEqualTo(2);
        assertThat(acc.due()).as("the rest waits for its own interval").isFalse();
        acc.add(poll(P1, 24, 1));
        now.addAndGet(100);
        assertThat(offsets(acc.take().get(P1))).containsExactly(22L, 23L, 24L);
        assertThat(released).as("taken records are the route's to release").isEmpty();
    }

    @Test
    void droppingGivesBackWhereEachPartitionMustBeReadAgainAndReleasesTheRecords() {
        acc.add(poll(P0, 7, 2));
        acc.add(poll(P1, 3, 2));
        assertThat(acc.drop(List.of(P1, new TopicPartition("t", 9)))).containsExactly(Map.entry(P1, 3L));
        assertThat(released).containsExactly(3L, 4L);
        assertThat(acc.size()).isEqualTo(2);
        assertThat(acc.dropAll()).containsExactly(Map.entry(P0, 7L));
        assertThat(acc.size()).isZero();
        assertThat(acc.due()).isFalse();
        assertThat(acc.dropAll()).isEmpty();
    }
}
