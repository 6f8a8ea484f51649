package io.streambus.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The failed-login delay: doubling per address up to a cap, forgotten after quiet, bounded memory. */
class LoginThrottleTest {
    private final AtomicLong now = new AtomicLong();
    private final LoginThrottle throttle = new LoginThrottle(Duration.ofMillis(100), Duration.ofMillis(700),
            now::get);

    private static InetAddress addr(int i) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
    }

    @Test
    void delayDoublesPerAddressUpToTheCap() throws Exception {
        assertThat(millis(addr(1))).isEqualTo(100);
        assertThat(millis(addr(1))).isEqualTo(200);
        assertThat(millis(addr(1))).isEqualTo(400);
        assertThat(millis(addr(1))).isEqualTo(700);
        for (int i = 0; i < 100; i++) {
            assertThat(millis(addr(1))).isEqualTo(700);
        }
        // Another address starts from the beginning.
        assertThat(millis(addr(2))).isEqualTo(100);
    }

    @Test
    void countIsForgottenAfterQuiet() throws Exception {
        millis(addr(1));
        millis(addr(1));
        now.addAndGet(LoginThrottle.FORGET_AFTER.toNanos() + 1);
        assertThat(millis(addr(1))).isEqualTo(100);
    }

    @Test
    void rememberedAddressesAreBounded() throws Exception {
        for (int i = 0; i < LoginThrottle.MAX_ADDRESSES + 500; i++) {
            throttle.failureDelayNanos(addr(i));
        }
        assertThat(throttle.size()).isEqualTo(LoginThrottle.MAX_ADDRESSES);
    }

    @Test
    void disabledNeverDelays() throws Exception {
        LoginThrottle off = new LoginThrottle(Duration.ZERO, Duration.ZERO);
        assertThat(off.failureDelayNanos(addr(1))).isZero();
        assertThat(LoginThrottle.disabled().failureDelayNanos(addr(1))).isZero();
        assertThatThrownBy(() -> new LoginThrottle(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private long millis(InetAddress a) {
        return Duration.ofNanos(throttle.failureDelayNanos(a)).toMillis();
    }
}
