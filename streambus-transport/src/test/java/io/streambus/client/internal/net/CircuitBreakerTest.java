package io.streambus.client.internal.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.client.internal.net.CircuitBreaker.State;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<String> transitions = new ArrayList<>();

    private CircuitBreaker breaker(int threshold, long openMs, int trials) {
        return new CircuitBreaker(threshold, openMs, trials, now::get, (a, b) -> transitions.add(a + ">" + b));
    }

    private void advanceMs(long ms) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    @Test
    void opensAfterConsecutiveFailuresOnly() {
        CircuitBreaker b = breaker(3, 1000, 1);
        b.onFailure();
        b.onFailure();
        b.onSuccess(); // resets the count
        b.onFailure();
        b.onFailure();
        assertThat(b.state()).isEqualTo(State.CLOSED);
        assertThat(b.tryAcquire()).isTrue();
        b.onFailure();
        assertThat(b.state()).isEqualTo(State.OPEN);
        assertThat(b.tryAcquire()).isFalse();
        assertThat(b.allowsTraffic()).isFalse();
        assertThat(transitions).containsExactly("CLOSED>OPEN");
    }

    @Test
    void halfOpenAfterOpenPeriodLimitsTrialsThenCloses() {
        CircuitBreaker b = breaker(1, 500, 2);
        b.onFailure();
        assertThat(b.nanosUntilHalfOpen()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
        advanceMs(499);
        assertThat(b.tryAcquire()).isFalse();
        advanceMs(1);
        assertThat(b.state()).isEqualTo(State.HALF_OPEN);
        assertThat(b.tryAcquire()).isTrue();
        assertThat(b.tryAcquire()).isTrue();
        assertThat(b.tryAcquire()).as("third trial over the limit").isFalse();
        b.onSuccess();
        assertThat(b.state()).isEqualTo(State.CLOSED);
        assertThat(b.tryAcquire()).isTrue();
        assertThat(transitions).containsExactly("CLOSED>OPEN", "OPEN>HALF_OPEN", "HALF_OPEN>CLOSED");
    }

    @Test
    void failureWhileHalfOpenReopensForAFullPeriod() {
        CircuitBreaker b = breaker(5, 200, 1);
        for (int i = 0; i < 5; i++) {
            b.onFailure();
        }
        advanceMs(200);
        assertThat(b.tryAcquire()).isTrue();
        b.onFailure();
        assertThat(b.state()).isEqualTo(State.OPEN);
        advanceMs(150);
        assertThat(b.tryAcquire()).isFalse();
        advanceMs(50);
        assertThat(b.tryAcquire()).isTrue();
        assertThat(transitions).containsExactly("CLOSED>OPEN", "OPEN>HALF_OPEN", "HALF_OPEN>OPEN",
                "OPEN>HALF_OPEN");
    }

    @Test
    void recoveryProbeClosesTheBreakerBeforeTheOpenPeriodEnds() {
        CircuitBreaker b = new CircuitBreaker(1, 2000, 1, 50, now::get, (x, y) -> transitions.add(x + ">" + y));
        b.onFailure();
        assertThat(b.tryAcquireProbe()).as("within the probe interval of opening").isFalse();
        advanceMs(50);
        assertThat(b.tryAcquireProbe()).isTrue();
        assertThat(b.tryAcquireProbe()).as("one probe at a time").isFalse();
        assertThat(b.tryAcquire()).as("a probe is no trial: traffic still refused").isFalse();
        b.onProbeFailure();
        assertThat(b.state()).as("a failed probe keeps the breaker open").isEqualTo(State.OPEN);
        assertThat(b.nanosUntilHalfOpen()).as("and does not restart the open period")
                .isEqualTo(TimeUnit.MILLISECONDS.toNanos(1950));
        assertThat(b.consecutiveFailures()).isEqualTo(1);
        assertThat(b.tryAcquireProbe()).as("next probe waits an interval").isFalse();
        advanceMs(50);
        assertThat(b.tryAcquireProbe()).isTrue();
        b.onSuccess();
        assertThat(b.state()).as("closed 100 ms after opening, not 2000").isEqualTo(State.CLOSED);
        assertThat(b.tryAcquire()).isTrue();
        assertThat(b.tryAcquireProbe()).as("no probes while closed").isFalse();
        assertThat(transitions).containsExactly("CLOSED>OPEN", "OPEN>CLOSED");
    }

    @Test
    void successOfAnyAttemptClosesAnOpenBreakerAndFreesTheProbeSlot() {
        CircuitBreaker b = new CircuitBreaker(1, 2000, 1, 10, now::get, null);
        b.onFailure();
        advanceMs(10);
        assertThat(b.tryAcquireProbe()).isTrue();
        b.onSuccess(); // e.g. a dedicated connection became ready
        b.onFailure();
        advanceMs(10);
        assertThat(b.tryAcquireProbe()).as("slot freed by the success").isTrue();
    }

    @Test
    void withoutAProbeIntervalTheOldConstructorProbesOnlyAtTheOpenPeriod() {
        CircuitBreaker b = breaker(1, 300, 1);
        b.onFailure();
        advanceMs(299);
        assertThat(b.tryAcquireProbe()).isFalse();
        advanceMs(1);
        assertThat(b.tryAcquireProbe()).as("half-open now: the trial is tryAcquire's").isFalse();
        assertThat(b.tryAcquire()).isTrue();
    }

    @Test
    void backoffGrowsWithJitterAndCap() {
        Backoff b = new Backoff(100, 1000);
        for (int i = 0; i < 200; i++) {
            assertThat(b.delayMs(0)).isBetween(80L, 120L);
            assertThat(b.delayMs(2)).isBetween(320L, 480L);
            assertThat(b.delayMs(10)).isBetween(800L, 1000L);
        }
        assertThat(new Backoff(0, 0).delayMs(5)).isZero();
    }
}
