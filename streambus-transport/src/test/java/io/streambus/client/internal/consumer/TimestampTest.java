package io.streambus.client.internal.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.client.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class TimestampTest {

    @Test
    void referenceSentinelMeansNoTimestamp() {
        // every message a reference broker returns carries this value (spec A.5, observed)
        assertThat(PartitionConsumerImpl.timestampMillis(-6795364578871345152L)).isEqualTo(ConsumerRecord.NO_TIMESTAMP);
    }

    @Test
    void nanosecondsBecomeMillisecondsRoundedDown() {
        assertThat(PartitionConsumerImpl.timestampMillis(1_700_000_000_123_456_789L)).isEqualTo(1_700_000_000_123L);
        assertThat(PartitionConsumerImpl.timestampMillis(0)).isZero();
        assertThat(PartitionConsumerImpl.timestampMillis(-1)).isEqualTo(-1);
        assertThat(PartitionConsumerImpl.timestampMillis(-1_000_001)).isEqualTo(-2);
    }
}
