package io.streambus.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.security.UsersFile;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.broker.testing.TestClient.Response;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.Vectors;
import io.streambus.protocol.core.HealthCheckRequest;
import io.streambus.protocol.security.SaslAuthenticateRequest;
import io.streambus.protocol.security.SaslHandshakeRequest;
import io.streambus.security.ScramMechanism;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection-level hardening over real sockets: the frame-completion deadline before authentication (a trickled
 * frame cannot hold a connection slot) and the failed-login throttle (failures slow down, success does not).
 */
@ExtendWith(LeakCheck.class)
class ConnectionGuardsTest {
    private static final Duration FRAME_TIMEOUT = Duration.ofMillis(400);

    @TempDir
    static Path dir;
    private static Path users;

    @BeforeAll
    static void users() throws IOException {
        users = dir.resolve("users.properties");
        UsersFile.addUser(users, "alice", "s3cret".toCharArray(), EnumSet.allOf(ScramMechanism.class), 4096);
    }

    private static byte[] healthCheck() {
        return Vectors.bytes("healthcheck-request-1");
    }

    @Test
    void trickledFrameIsClosedAtTheDeadlineWhileBytesKeepArriving() throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.builder().temporary().users(users).frameTimeout(FRAME_TIMEOUT)
                .idleTimeout(Duration.ofMinutes(5)).build();
                TestClient c = TestClient.connect(b.start())) {
            // A frame announcing a large payload, then one byte every 50 ms: never idle, never complete.
            byte[] header = {0, 0, 0x10, 0};
            c.writeRaw(header);
            ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
            AtomicInteger sent = new AtomicInteger();
            long start = System.nanoTime();
            try {
                trickle.scheduleAtFixedRate(() -> {
                    try {
                        c.writeRaw(new byte[] {1});
                        sent.incrementAndGet();
                    } catch (IOException closed) {
                        throw new IllegalStateException(closed); // stops the schedule
                    }
                }, 50, 50, TimeUnit.MILLISECONDS);
                assertThat(c.closedByPeer(Duration.ofSeconds(10))).isTrue();
            } finally {
                trickle.shutdownNow();
                assertThat(trickle.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            }
            long elapsedMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertThat(elapsedMs).isGreaterThanOrEqualTo(FRAME_TIMEOUT.toMillis() - 50);
            assertThat(sent.get()).isGreaterThan(2); // bytes did keep arriving
        }
    }

    @Test
    void slowHeaderOfAFrameIsClosedToo() throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.builder().temporary().frameTimeout(FRAME_TIMEOUT).build();
                TestClient c = TestClient.connect(b.start())) {
            byte[] frame = healthCheck();
            c.writeRaw(Arrays.copyOf(frame, 2)); // half a length field
            assertThat(c.closedByPeer(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void completeFramesThenSilenceAndSplitFramesWithinTheDeadlineAreFine() throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.builder().temporary().frameTimeout(FRAME_TIMEOUT).build();
                TestClient c = TestClient.connect(b.start())) {
            assertThat(c.send(new HealthCheckRequest()).isError()).isFalse();
            // Idle between frames is the idle timeout's business, not the frame deadline's.
            assertThat(c.closedByPeer(FRAME_TIMEOUT.multipliedBy(2))).isFalse();
            byte[] frame = healthCheck();
            c.writeRaw(Arrays.copyOf(frame, 5));
            c.writeRaw(Arrays.copyOfRange(frame, 5, frame.length));
            assertThat(c.readFrameContent()).isNotNull();
        }
    }

    @Test
    void authenticatedConnectionsAndADisabledDeadlineAreNotSubject() throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.builder().temporary().users(users).frameTimeout(FRAME_TIMEOUT)
                .build();
                TestClient c = TestClient.connect(b.start())) {
            SaslTest.authenticate(c, SaslTest.client("SCRAM-SHA-256", "alice", "s3cret"));
            byte[] frame = healthCheck();
            c.writeRaw(Arrays.copyOf(frame, 6));
            assertThat(c.closedByPeer(FRAME_TIMEOUT.multipliedBy(2))).isFalse();
            c.writeRaw(Arrays.copyOfRange(frame, 6, frame.length));
            assertThat(c.readFrameContent()).isNotNull();
        }
        try (EmbeddedBroker b = EmbeddedBroker.builder().temporary().frameTimeout(Duration.ZERO).build();
                TestClient c = TestClient.connect(b.start())) {
            byte[] frame = healthCheck();
            c.writeRaw(Arrays.copyOf(frame, 3));
            assertThat(c.closedByPeer(FRAME_TIMEOUT.multipliedBy(2))).isFalse();
            c.writeRaw(Arrays.copyOfRange(frame, 3, frame.length));
            assertThat(c.readFrameContent()).isNotNull();
        }
    }

    @Test
    void repeatedLoginFailuresSlowDownAndSuccessIsNotDelayed() throws Exception {
        Duration initial = Duration.ofMillis(250);
        Duration max = Duration.ofMillis(1000);
        try (EmbeddedBroker b = EmbeddedBroker.builder().temporary().users(users).authFailureDelay(initial, max)
                .build()) {
            int port = b.start();
            long[] expected = {250, 500, 1000, 1000};
            for (long atLeast : expected) {
                long ms = failedPlainLogin(port);
                assertThat(ms).as("failure delayed at least %d ms", atLeast).isGreaterThanOrEqualTo(atLeast - 20);
            }
            // The next failure would wait 1000 ms; a correct login from the same address is answered at once.
            try (TestClient c = TestClient.connect(port)) {
                long t0 = System.nanoTime();
                SaslTest.authenticate(c, SaslTest.client("PLAIN", "alice", "s3cret"));
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(max);
                assertThat(c.send(new HealthCheckRequest()).isError()).isFalse();
            }
        }
    }

    @Test
    void heldFailureIsStillAnsweredBeforeTheAuthenticationDeadline() throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.builder().temporary().users(users).authRequired(true)
                .authTimeout(Duration.ofMillis(700)).authFailureDelay(Duration.ofSeconds(2), Duration.ofSeconds(2))
                .build()) {
            int port = b.start();
            // Without the cap the 2 s hold would outlast the 700 ms deadline and the client would never see 42.
            assertThat(failedPlainLogin(port)).isLessThan(700);
        }
    }

    /** A PLAIN login with a wrong password; returns how long the failure reply took, in ms. */
    private static long failedPlainLogin(int port) throws IOException {
        try (TestClient c = TestClient.connect(port)) {
            assertThat(c.send(new SaslHandshakeRequest("PLAIN")).isError()).isFalse();
            long t0 = System.nanoTime();
            Response r = c.send(new SaslAuthenticateRequest("\0alice\0wrong".getBytes(StandardCharsets.UTF_8)));
            long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
            assertThat(r.errorCode()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
            assertThat(c.closedByPeer(Duration.ofSeconds(5))).isTrue();
            return ms;
        }
    }
}
