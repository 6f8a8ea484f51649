package io.streambus.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.security.UsersFile;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.broker.testing.TestClient.Response;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ApiVersionsRequest;
import io.streambus.protocol.ApiVersionsResponse;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.core.FetchRequest;
import io.streambus.protocol.core.HealthCheckRequest;
import io.streambus.protocol.core.ListTopicsRequest;
import io.streambus.protocol.core.ProduceResponse;
import io.streambus.protocol.security.SaslAuthenticateRequest;
import io.streambus.protocol.security.SaslAuthenticateResponse;
import io.streambus.protocol.security.SaslHandshakeRequest;
import io.streambus.protocol.security.SaslHandshakeResponse;
import io.streambus.security.PlainClient;
import io.streambus.security.SaslClientSession;
import io.streambus.security.ScramClient;
import io.streambus.security.ScramMechanism;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SASL wiring over real sockets (B.5): the exchange, the B.5.3 state machine, AUTH_REQUIRED and the auth deadline. */
@ExtendWith(LeakCheck.class)
class SaslTest {
    @TempDir
    static Path dir;
    private static EmbeddedBroker required;
    private static EmbeddedBroker optional;

    @BeforeAll
    static void start() throws IOException {
        Path users = dir.resolve("users.properties");
        UsersFile.addUser(users, "alice", "s3cret".toCharArray(), EnumSet.allOf(ScramMechanism.class), 4096);
        UsersFile.addUser(users, "bob", "bobpw".toCharArray(), EnumSet.allOf(ScramMechanism.class), 4096);
        UsersFile.setDisabled(users, "bob", true);
        required = EmbeddedBroker.builder().temporary().users(users).authRequired(true)
                .authTimeout(Duration.ofMillis(800)).build();
        required.start();
        optional = EmbeddedBroker.builder().temporary().users(users).saslMechanisms("SCRAM-SHA-512", "PLAIN").build();
        optional.start();
    }

    @AfterAll
    static void stop() {
        required.close();
        optional.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"})
    void rightCredentialsAuthenticateAndUnlockRequests(String mechanism) throws IOException {
        try (TestClient c = TestClient.connect(required.port())) {
            ApiVersionsResponse v = c.send(new ApiVersionsRequest("t", "1")).body(ApiVersionsResponse.class);
            assertThat(v.serves(ApiKey.SASL_HANDSHAKE)).isTrue();
            assertThat(v.serves(ApiKey.SASL_AUTHENTICATE)).isTrue();
            assertThat(v.hasFeature(ApiVersionsResponse.FEATURE_AUTH_REQUIRED)).isTrue();
            // An empty mechanism only lists, and changes nothing.
            assertThat(c.send(new SaslHandshakeRequest("")).body(SaslHandshakeResponse.class).mechanisms())
                    .containsExactly("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");
            authenticate(c, client(mechanism, "alice", "s3cret"));
            assertThat(c.send(TestClient.produce("sasl-" + mechanism, 0, "v")).body(ProduceResponse.class)
                    .baseOffset()).isZero();
            assertThat(c.send(new ApiVersionsRequest("t", "1")).isError()).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"})
    void wrongPasswordAndUnknownUserFailAlikeWith42AtTheSameStep(String mechanism) throws IOException {
        int wrongPasswordStep = failingStep(mechanism, "alice", "wrong");
        int unknownUserStep = failingStep(mechanism, "mallory", "s3cret");
        assertThat(wrongPasswordStep).isEqualTo(unknownUserStep)
                .isEqualTo(mechanism.equals("PLAIN") ? 1 : 2);
    }

    /** Runs an exchange expected to fail with 42 and a close; returns the SaslAuthenticate step that failed. */
    private static int failingStep(String mechanism, String user, String password) throws IOException {
        try (TestClient c = TestClient.connect(required.port())) {
            SaslClientSession s = client(mechanism, user, password);
            c.send(new SaslHandshakeRequest(mechanism)).body(SaslHandshakeResponse.class);
            byte[] msg = s.initialMessage();
            for (int step = 1; step <= 3; step++) {
                Response r = c.send(new SaslAuthenticateRequest(msg));
                if (r.isError()) {
                    assertThat(r.errorCode()).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
                    assertThat(c.closedByPeer(Duration.ofSeconds(5))).isTrue();
                    return step;
                }
                try {
                    msg = s.evaluate(r.body(SaslAuthenticateResponse.class).authBytes());
                } catch (io.streambus.security.SaslAuthenticationException e) {
                    throw new AssertionError(e);
                }
            }
            throw new AssertionError("no failure");
        }
    }

    @Test
    void disabledAccountGets43AfterTheCredentialsAreVerified() throws IOException {
        try (TestClient c = TestClient.connect(required.port())) {
            c.send(new SaslHandshakeRequest("PLAIN")).body(SaslHandshakeResponse.class);
            Response r = c.send(new SaslAuthenticateRequest(PlainClient.message("bob", "bobpw".toCharArray())));
            assertThat(r.errorCode()).isEqualTo(ErrorCode.ACCOUNT_DISABLED);
            assertThat(c.closedByPeer(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void mechanismNotOfferedIs44AndCloses() throws IOException {
        for (String m : new String[] {"scram-sha-256", "GSSAPI", "SCRAM-SHA-1"}) {
            try (TestClient c = TestClient.connect(required.port())) {
                assertThat(c.send(new SaslHandshakeRequest(m)).errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_SASL_MECHANISM);
                assertThat(c.closedByPeer(Duration.ofSeconds(5))).isTrue();
            }
        }
        try (TestClient c = TestClient.connect(optional.port())) { // only SCRAM-SHA-512 and PLAIN enabled there
            assertThat(c.send(new SaslHandshakeRequest("")).body(SaslHandshakeResponse.class).mechanisms())
                    .containsExactly("SCRAM-SHA-512", "PLAIN");
            assertThat(c.send(new SaslHandshakeRequest("SCRAM-SHA-256")).errorCode())
                    .isEqualTo(ErrorCode.UNSUPPORTED_SASL_MECHANISM);
        }
    }

    @Test
    void unauthenticatedRequestsAreRefusedWith40AndClosed() throws IOException {
        for (var body : List.of(new HealthCheckRequest(), new ListTopicsRequest(), new FetchRequest("x", 0, 0, 10))) {
            try (TestClient c = TestClient.connect(required.port())) {
                Response r = c.send(body);
                assertThat(r.errorCode()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
                assertThat(r.errorMessage()).isEqualTo("authentication required");
                assertThat(c.closedByPeer(Duration.ofSeconds(5))).isTrue();
            }
        }
        // Unserved types are still code 1 without a close (B.2: the type check comes first).
        try (TestClient c = TestClient.connect(required.port())) {
            c.sendRaw(0x1D, 1, 0, new byte[0], ApiKey.HEALTH_CHECK);
            assertThat(c.receive().errorCode()).isEqualTo(ErrorCode.UNKNOWN_REQUEST);
            assertThat(c.send(new ApiVersionsRequest("", "")).isError()).isFalse();
        }
    }

    @Test
    void illegalSaslStatesAre45AndClose() throws IOException {
        // SaslAuthenticate before any mechanism.
        try (TestClient c = TestClient.connect(required.port())) {
            assertThat(c.send(new SaslAuthenticateRequest(new byte[] {1})).errorCode())
                    .isEqualTo(ErrorCode.ILLEGAL_SASL_STATE);
            assertThat(c.closedByPeer(Duration.ofSeconds(5))).isTrue();
        }
        // A second SaslHandshake while a mechanism is selected.
        try (TestClient c = TestClient.connect(required.port())) {
            c.send(new SaslHandshakeRequest("PLAIN")).body(SaslHandshakeResponse.class);
            assertThat(c.send(new SaslHandshakeRequest("PLAIN")).errorCode()).isEqualTo(ErrorCode.ILLEGAL_SASL_STATE);
            assertThat(c.closedByPeer(Duration.ofSeconds(5))).isTrue();
        }
        // Any other request while a mechanism is selected: 40.
        try (TestClient c = TestClient.connect(required.port())) {
            c.send(new SaslHandshakeRequest("SCRAM-SHA-256")).body(SaslHandshakeResponse.class);
            assertThat(c.send(new ApiVersionsRequest("", "")).isError()).isFalse(); // always allowed
            assertThat(c.send(new HealthCheckRequest()).errorCode()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
            assertThat(c.closedByPeer(Duration.ofSeconds(5))).isTrue();
        }
        // No re-authentication.
        try (TestClient c = TestClient.connect(required.port())) {
            authenticate(c, client("SCRAM-SHA-512", "alice", "s3cret"));
            assertThat(c.send(new SaslHandshakeRequest("")).errorCode()).isEqualTo(ErrorCode.ILLEGAL_SASL_STATE);
            assertThat(c.closedByPeer(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void malformedOrWrongVersionSaslRequestsCloseToo() throws IOException {
        try (TestClient c = TestClient.connect(required.port())) {
            c.sendRaw(0x20, 1, 0, new byte[] {0, 0, 0, 9, 'P'}, ApiKey.SASL_HANDSHAKE);
            assertThat(c.receive().errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(c.closedByPeer(Duration.ofSeconds(5))).isTrue();
        }
        try (TestClient c = TestClient.connect(required.port())) {
            c.sendAsync(2, 0, new SaslHandshakeRequest("PLAIN"));
            assertThat(c.receive().errorCode()).isEqualTo(ErrorCode.INVALID_PROTOCOL);
            assertThat(c.closedByPeer(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void connectionsThatDoNotAuthenticateInTimeAreClosed() throws IOException {
        try (TestClient c = TestClient.connect(required.port())) {
            assertThat(c.send(new ApiVersionsRequest("", "")).isError()).isFalse();
            assertThat(c.closedByPeer(Duration.ofSeconds(5))).isTrue();
        }
        try (TestClient c = TestClient.connect(required.port())) {
            authenticate(c, client("PLAIN", "alice", "s3cret"));
            // Past the deadline (an event-loop timer, which takes no injected clock): an authenticated connection stays.
            sleep(1000);
            assertThat(c.send(new HealthCheckRequest()).isError()).isFalse();
        }
    }

    @Test
    void withoutAuthRequiredAnonymousWorksAndALateHandshakeIs45() throws IOException {
        try (TestClient c = TestClient.connect(optional.port())) {
            ApiVersionsResponse v = c.send(new ApiVersionsRequest("t", "1")).body(ApiVersionsResponse.class);
            assertThat(v.hasFeature(ApiVersionsResponse.FEATURE_AUTH_REQUIRED)).isFalse();
            assertThat(c.send(new SaslHandshakeRequest("")).isError()).isFalse(); // listing is not "work"
            assertThat(c.send(new HealthCheckRequest()).isError()).isFalse();
            assertThat(c.send(new SaslHandshakeRequest("PLAIN")).errorCode()).isEqualTo(ErrorCode.ILLEGAL_SASL_STATE);
            assertThat(c.closedByPeer(Duration.ofSeconds(5))).isTrue();
        }
        try (TestClient c = TestClient.connect(optional.port())) {
            authenticate(c, client("SCRAM-SHA-512", "alice", "s3cret"));
            assertThat(c.send(new HealthCheckRequest()).isError()).isFalse();
        }
    }

    static SaslClientSession client(String mechanism, String user, String password) {
        if (mechanism.equals("PLAIN")) {
            return new PlainClient(user, password.toCharArray());
        }
        return new ScramClient(ScramMechanism.forName(mechanism).orElseThrow(), user, password.toCharArray());
    }

    /** Runs a SASL exchange that must succeed, verifying the server's final message. */
    static void authenticate(TestClient c, SaslClientSession s) throws IOException {
        assertThat(c.send(new SaslHandshakeRequest(s.mechanism())).body(SaslHandshakeResponse.class).mechanisms())
                .contains(s.mechanism());
        byte[] msg = s.initialMessage();
        try {
            while (msg != null) {
                byte[] reply = c.send(new SaslAuthenticateRequest(msg)).body(SaslAuthenticateResponse.class).authBytes();
                msg = s.evaluate(reply);
            }
        } catch (io.streambus.security.SaslAuthenticationException e) {
            throw new AssertionError("client rejected the exchange: " + e.getMessage(), e);
        }
        assertThat(s.isComplete()).isTrue();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
