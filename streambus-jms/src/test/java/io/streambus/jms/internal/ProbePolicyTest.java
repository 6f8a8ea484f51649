package io.streambus.jms.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.client.StreamBusException;
import io.streambus.client.StreamBusTimeoutException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** {@link ProbePolicy}: slow probes make an outage only when several in a row go unanswered; a broken one at once. */
class ProbePolicyTest {
    @Test
    void timeoutsCountOnlyWhenConsecutive() {
        ProbePolicy p = new ProbePolicy();
        assertThat(p.failed(new TimeoutException())).isFalse();
        assertThat(p.failed(new StreamBusTimeoutException("request timed out"))).isFalse();
        p.answered();
        for (int i = 1; i < ProbePolicy.MISSES; i++) {
            assertThat(p.failed(new TimeoutException())).as("miss %d", i).isFalse();
        }
        assertThat(p.failed(new TimeoutException())).as("miss %d", ProbePolicy.MISSES).isTrue();
        assertThat(p.failed(new TimeoutException())).as("still out").isTrue();
    }

    @Test
    void aBrokenConnectionIsAnOutageAtOnceAndResetsTheCount() {
        ProbePolicy p = new ProbePolicy();
        assertThat(p.failed(new TimeoutException())).isFalse();
        assertThat(p.failed(new StreamBusException("connection refused"))).isTrue();
        assertThat(p.failed(new TimeoutException())).as("counting starts again").isFalse();
    }
}
