package io.streambus.jms.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.jms.Blocked;
import jakarta.jms.JMSException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The window of unconfirmed sends on its own: bound, wait for room, failures reported once and thrown once, drain. */
class SendWindowTest {
    private final List<JMSException> reported = new CopyOnWriteArrayList<>();
    private final SendWindow window = new SendWindow(2, reported::add);

    @Test
    void aFullWindowRefusesAfterTheTimeoutAndAConfirmationMakesRoom() throws Exception {
        window.acquire(1000, "send 1");
        window.acquire(1000, "send 2");
        assertThatThrownBy(() -> window.acquire(50, "send 3")).isInstanceOf(JMSException.class)
                .hasMessageStartingWith("send 3: the broker has not confirmed 2 earlier sends")
                .satisfies(e -> assertThat(((JMSException) e).getErrorCode()).isEqualTo("send-window-full"));
        assertThat(window.unconfirmed()).isEqualTo(2);

        CompletableFuture<Void> third = new CompletableFuture<>();
        Blocked.start(() -> {
            window.acquire(10_000, "send 3");
            third.complete(null);
        }, third);
        assertThat(third).as("waits for room").isNotDone();
        window.confirmed();
        third.get(10, TimeUnit.SECONDS);
        assertThat(window.unconfirmed()).isEqualTo(2);
        window.cancel();
        window.confirmed();
        assertThat(window.drain(0)).isZero();
    }

    @Test
    void failuresAreReportedOnceAndThrownOnceWithTheirCount() throws Exception {
        window.acquire(1000, "a");
        window.acquire(1000, "b");
        window.failed(SendWindow.failure("send of message ID:x-1 to queue://q", new IllegalStateException("boom")));
        window.failed(SendWindow.failure("send of message ID:x-2 to queue://q", new IllegalStateException("again")));
        assertThat(reported).hasSize(1);
        assertThat(reported.get(0)).hasMessage("send of message ID:x-1 to queue://q failed: boom");
        assertThat(reported.get(0).getErrorCode()).isEqualTo(SendWindow.SEND_FAILED);
        assertThat(window.unconfirmed()).isZero();

        assertThatThrownBy(window::throwFailure).isInstanceOf(JMSException.class)
                .hasMessage("2 sends of this session that did not wait for the broker failed; the first: send of "
                        + "message ID:x-1 to queue://q failed: boom")
                .satisfies(e -> assertThat(((JMSException) e).getLinkedException()).isSameAs(reported.get(0)));
        window.throwFailure(); // thrown once

        window.acquire(1000, "c");
        window.failed(SendWindow.failure("send of message ID:x-3 to queue://q", new IllegalStateException("3")));
        assertThat(reported).as("a new episode is reported again").hasSize(2);
        assertThatThrownBy(window::throwFailure).hasMessageStartingWith("a send of this session");
    }

    @Test
    void drainWaitsForConfirmationsAtMostTheTimeout() throws Exception {
        window.acquire(1000, "a");
        assertThat(window.drain(30)).as("still unconfirmed after the timeout").isEqualTo(1);
        CompletableFuture<Integer> drained = new CompletableFuture<>();
        Blocked.start(() -> drained.complete(window.drain(10_000)), drained);
        assertThat(drained).isNotDone();
        window.confirmed();
        assertThat(drained.get(10, TimeUnit.SECONDS)).isZero();
    }
}
