package io.streambus.broker.share;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Held ShareFetches: each next attempt starts once, whether its timer or a wake comes first, and never after a
 * cancel.
 */
class ShareGroupWaiterTest {
    @Test
    void anAttemptStartsOnceWhicheverComesFirst() {
        ShareGroup g = new ShareGroup("g", ShareGroupSettings.DEFAULTS);
        AtomicInteger runs = new AtomicInteger();
        ShareGroup.Waiter w = new ShareGroup.Waiter(runs::incrementAndGet);
        g.await(w);
        g.wake();
        assertThat(runs).hasValue(1);
        w.fire(); // its timer, later
        g.wake(); // nothing registered any more
        assertThat(runs).hasValue(1);
        assertThat(w.cancel()).isFalse();
    }

    @Test
    void aTimerFirstLeavesNothingForTheWakeAndFiredOnesArePruned() {
        ShareGroup g = new ShareGroup("g", ShareGroupSettings.DEFAULTS);
        AtomicInteger runs = new AtomicInteger();
        ShareGroup.Waiter first = new ShareGroup.Waiter(runs::incrementAndGet);
        g.await(first);
        first.fire();
        ShareGroup.Waiter second = new ShareGroup.Waiter(runs::incrementAndGet);
        g.await(second); // prunes the fired one
        g.wake();
        assertThat(runs).hasValue(2);
    }

    @Test
    void aCancelledAttemptNeverStartsAndARejectedOneIsSwallowed() {
        AtomicInteger runs = new AtomicInteger();
        ShareGroup.Waiter w = new ShareGroup.Waiter(runs::incrementAndGet);
        assertThat(w.cancel()).isTrue();
        w.fire();
        assertThat(runs).hasValue(0);
        ShareGroup.Waiter rejected = new ShareGroup.Waiter(() -> {
            throw new RejectedExecutionException("shutting down");
        });
        rejected.fire();
        assertThat(rejected.done()).isTrue();
    }
}
