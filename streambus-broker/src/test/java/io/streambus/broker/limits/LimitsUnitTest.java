package io.streambus.broker.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link MemoryBudget}, {@link WarnLimiter} and {@link LogText} on their own, with a fake clock. */
class LimitsUnitTest {

    @Test
    void budgetChargesReservesRefusesAndWakesWaitersBelowHalf() {
        MemoryBudget b = new MemoryBudget(100);
        b.charge(60);
        assertThat(b.tryReserve(50)).isFalse();
        assertThat(b.refusals()).isEqualTo(1);
        assertThat(b.tryReserve(40)).isTrue();
        assertThat(b.exhausted()).isTrue();
        b.charge(30); // input already in memory is never refused
        assertThat(b.used()).isEqualTo(130);
        assertThat(b.peak()).isEqualTo(130);
        AtomicInteger woken = new AtomicInteger();
        b.whenAvailable(woken::incrementAndGet);
        b.release(70); // 60 left: not below half
        assertThat(woken.get()).isZero();
        b.release(20); // 40 left
        assertThat(woken.get()).isEqualTo(1);
        b.whenAvailable(woken::incrementAndGet); // already below half: at once
        assertThat(woken.get()).isEqualTo(2);
        assertThatThrownBy(() -> b.release(41)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void warnLimiterPassesTheBurstThenOnePerIntervalWithTheSuppressedCount() {
        AtomicLong now = new AtomicLong();
        WarnLimiter w = new WarnLimiter(3, 1000, now::get);
        assertThat(w.tryAcquire()).isZero();
        assertThat(w.tryAcquire()).isZero();
        assertThat(w.tryAcquire()).isZero();
        for (int i = 0; i < 50; i++) {
            assertThat(w.tryAcquire()).isEqualTo(-1);
        }
        now.addAndGet(1000);
        assertThat(w.tryAcquire()).isEqualTo(50);
        assertThat(w.tryAcquire()).isEqualTo(-1);
        now.addAndGet(999);
        assertThat(w.tryAcquire()).isEqualTo(-1);
        now.addAndGet(1);
        assertThat(w.tryAcquire()).isEqualTo(2);
    }

    @Test
    void logTextEscapesControlCharactersAndCuts() {
        assertThat(LogText.safe("g\nWARN forged\r")).isEqualTo("g\\u000aWARN forged\\u000d");
        assertThat(LogText.safe("abcdef", 3)).isEqualTo("abc...");
        assertThat(LogText.safe(null)).isEqualTo("null");
        assertThat(LogText.safe("plain")).isEqualTo("plain");
    }
}
