package io.streambus.broker.security;

import static io.streambus.security.testing.SaslVectors.requestAuthBytes;
import static io.streambus.security.testing.SaslVectors.responseAuthBytes;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.security.SaslAuthenticationException;
import io.streambus.security.ScramClient;
import io.streambus.security.ScramFormatter;
import io.streambus.security.ScramMechanism;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ScramServerTest {
    private static final String RFC_SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private static CredentialStore store;

    @BeforeAll
    static void users() {
        store = CredentialStore.builder()
                .credential("user", ScramCredential.derive(ScramMechanism.SCRAM_SHA_256, "pencil".toCharArray(),
                        Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096))
                .addUser("alice", "alice-pw".toCharArray(), EnumSet.allOf(ScramMechanism.class), 4096)
                .addUser("only512", "pw512".toCharArray(), Set.of(ScramMechanism.SCRAM_SHA_512), 4096)
                .addUser("dora", "dora-pw".toCharArray(), EnumSet.allOf(ScramMechanism.class), 4096)
                .disabled("dora", true)
                .addUser("we,ird=name", "w-pw".toCharArray(), EnumSet.allOf(ScramMechanism.class), 4096)
                .build();
    }

    @Test
    void rfc7677ExampleIsReproducedByteExactOnTheServer() throws Exception {
        Authenticator auth = Authenticator.builder(store).nonceSupplier(() -> RFC_SERVER_NONCE).build();
        SaslServerSession s = auth.newServer("SCRAM-SHA-256");
        byte[] serverFirst = s.evaluate(requestAuthBytes("ext-saslauthenticate-request-scram-1.hex"));
        assertThat(serverFirst).isEqualTo(responseAuthBytes("ext-saslauthenticate-response-scram-1.hex"));
        assertThat(s.complete()).isFalse();
        byte[] serverFinal = s.evaluate(requestAuthBytes("ext-saslauthenticate-request-scram-2.hex"));
        assertThat(new String(serverFinal, UTF_8)).isEqualTo("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
        assertThat(serverFinal).isEqualTo(responseAuthBytes("ext-saslauthenticate-response-scram-2.hex"));
        assertThat(s.complete()).isTrue();
        assertThat(s.principal()).isEqualTo("user");
        assertCode(() -> s.evaluate(new byte[] {'x'}), 45);
    }

    @Test
    void roundTripsWithTheClientForBothMechanisms() throws Exception {
        Authenticator auth = Authenticator.builder(store).build();
        for (ScramMechanism m : ScramMechanism.values()) {
            ScramClient client = new ScramClient(m, "alice", "alice-pw".toCharArray());
            SaslServerSession server = auth.newServer(m.mechanismName());
            assertThat(client.evaluate(server.evaluate(client.evaluate(server.evaluate(client.initialMessage())))))
                    .isNull();
            assertThat(client.isComplete()).isTrue();
            assertThat(server.complete()).isTrue();
            assertThat(server.principal()).isEqualTo("alice");
        }
    }

    @Test
    void escapedUserNamesAuthenticate() throws Exception {
        SaslServerSession server = Authenticator.builder(store).build().newServer("SCRAM-SHA-512");
        ScramClient client = new ScramClient(ScramMechanism.SCRAM_SHA_512, "we,ird=name", "w-pw".toCharArray());
        client.evaluate(server.evaluate(client.evaluate(server.evaluate(client.initialMessage()))));
        assertThat(server.principal()).isEqualTo("we,ird=name");
    }

    @Test
    void wrongPasswordFailsAtStepThreeWith42() throws Exception {
        SaslServerSession server = Authenticator.builder(store).build().newServer("SCRAM-SHA-512");
        ScramClient client = new ScramClient(ScramMechanism.SCRAM_SHA_512, "alice", "wrong".toCharArray());
        byte[] serverFirst = server.evaluate(client.initialMessage());
        byte[] clientFinal = client.evaluate(serverFirst);
        SaslAuthenticationException e = assertCode(() -> server.evaluate(clientFinal), 42);
        assertThat(e.getMessage()).isEqualTo("invalid credentials");
        assertThat(server.complete()).isFalse();
        assertCode(() -> server.evaluate(clientFinal), 45);
    }

    @Test
    void unknownUserGetsAWellFormedDeterministicServerFirstThen42() throws Exception {
        Authenticator auth = Authenticator.builder(store).build();
        ScramFormatter.ServerFirstMessage a1 = serverFirstFor(auth, ScramMechanism.SCRAM_SHA_256, "mallory");
        ScramFormatter.ServerFirstMessage a2 = serverFirstFor(auth, ScramMechanism.SCRAM_SHA_256, "mallory");
        ScramFormatter.ServerFirstMessage b = serverFirstFor(auth, ScramMechanism.SCRAM_SHA_256, "trudy");
        ScramFormatter.ServerFirstMessage real = serverFirstFor(auth, ScramMechanism.SCRAM_SHA_256, "alice");
        assertThat(a1.salt()).isEqualTo(a2.salt()).isNotEqualTo(b.salt());
        assertThat(a1.salt()).hasSameSizeAs(real.salt());
        assertThat(a1.iterations()).isEqualTo(real.iterations()).isEqualTo(4096);
        assertThat(a1.nonce()).isNotEqualTo(a2.nonce());

        // Same store (same secret) loaded again: same fake salt; different secret: different.
        CredentialStore sameSecret = store.toBuilder().build();
        assertThat(serverFirstFor(Authenticator.builder(sameSecret).build(), ScramMechanism.SCRAM_SHA_256,
                "mallory").salt()).isEqualTo(a1.salt());

        SaslServerSession server = auth.newServer("SCRAM-SHA-256");
        ScramClient client = new ScramClient(ScramMechanism.SCRAM_SHA_256, "mallory", "guess".toCharArray());
        byte[] clientFinal = client.evaluate(server.evaluate(client.initialMessage()));
        SaslAuthenticationException e = assertCode(() -> server.evaluate(clientFinal), 42);
        assertThat(e.getMessage()).isEqualTo("invalid credentials").doesNotContain("mallory");
    }

    @Test
    void userWithoutCredentialForTheMechanismCountsAsUnknown() throws Exception {
        Authenticator auth = Authenticator.builder(store).build();
        SaslServerSession server = auth.newServer("SCRAM-SHA-256");
        ScramClient client = new ScramClient(ScramMechanism.SCRAM_SHA_256, "only512", "pw512".toCharArray());
        byte[] clientFinal = client.evaluate(server.evaluate(client.initialMessage()));
        assertCode(() -> server.evaluate(clientFinal), 42);
    }

    @Test
    void disabledUserGets43OnlyWithTheRightPassword() throws Exception {
        Authenticator auth = Authenticator.builder(store).build();
        SaslServerSession s1 = auth.newServer("SCRAM-SHA-256");
        ScramClient right = new ScramClient(ScramMechanism.SCRAM_SHA_256, "dora", "dora-pw".toCharArray());
        byte[] f1 = right.evaluate(s1.evaluate(right.initialMessage()));
        assertCode(() -> s1.evaluate(f1), 43);

        SaslServerSession s2 = auth.newServer("SCRAM-SHA-256");
        ScramClient wrong = new ScramClient(ScramMechanism.SCRAM_SHA_256, "dora", "nope".toCharArray());
        byte[] f2 = wrong.evaluate(s2.evaluate(wrong.initialMessage()));
        assertCode(() -> s2.evaluate(f2), 42);
    }

    @Test
    void tamperedNonceGets40() throws Exception {
        SaslServerSession server = Authenticator.builder(store).build().newServer("SCRAM-SHA-256");
        ScramClient client = new ScramClient(ScramMechanism.SCRAM_SHA_256, "alice", "alice-pw".toCharArray());
        String clientFinal = new String(client.evaluate(server.evaluate(client.initialMessage())), UTF_8);
        int r = clientFinal.indexOf(",r=") + 3;
        char c = clientFinal.charAt(r + 5);
        String tampered = clientFinal.substring(0, r + 5) + (c == 'A' ? 'B' : 'A') + clientFinal.substring(r + 6);
        SaslAuthenticationException e = assertCode(() -> server.evaluate(tampered.getBytes(UTF_8)), 40);
        assertThat(e.getMessage()).contains("nonce");
    }

    @Test
    void protocolViolationsInClientFirstGet40() throws Exception {
        Authenticator auth = Authenticator.builder(store).build();
        for (String bad : new String[] {"y,,n=alice,r=abc", "p=tls-unique,,n=alice,r=abc", "n,a=alice,n=alice,r=abc",
                "n,,m=ext,n=alice,r=abc", "n,,n=al=41ice,r=abc", "garbage"}) {
            SaslServerSession s = auth.newServer("SCRAM-SHA-256");
            assertCode(() -> s.evaluate(bad.getBytes(UTF_8)), 40);
            assertCode(() -> s.evaluate("n,,n=alice,r=abc".getBytes(UTF_8)), 45);
        }
    }

    @Test
    void mandatoryExtensionOrChannelBindingInClientFinalGets40() throws Exception {
        Authenticator auth = Authenticator.builder(store).build();
        for (String change : new String[] {"m", "cbind"}) {
            SaslServerSession server = auth.newServer("SCRAM-SHA-256");
            ScramClient client = new ScramClient(ScramMechanism.SCRAM_SHA_256, "alice", "alice-pw".toCharArray());
            String fin = new String(client.evaluate(server.evaluate(client.initialMessage())), UTF_8);
            String bad = change.equals("m") ? fin.replace(",p=", ",m=x,p=") : fin.replace("c=biws", "c=eSws");
            assertCode(() -> server.evaluate(bad.getBytes(UTF_8)), 40);
        }
    }

    @Test
    void mechanismsAreCheckedExactly() throws Exception {
        Authenticator auth = Authenticator.builder(store).mechanisms("SCRAM-SHA-512").build();
        assertThat(auth.mechanisms()).containsExactly("SCRAM-SHA-512");
        assertCode(() -> auth.newServer("scram-sha-512"), 44);
        assertCode(() -> auth.newServer("PLAIN"), 44);
        assertThat(Authenticator.builder(store).build().mechanisms())
                .containsExactly("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");
        assertThatThrownBy(() -> Authenticator.builder(store).mechanisms("GSSAPI"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GSSAPI");
    }

    private static ScramFormatter.ServerFirstMessage serverFirstFor(Authenticator auth, ScramMechanism m, String user)
            throws Exception {
        SaslServerSession s = auth.newServer(m.mechanismName());
        byte[] first = s.evaluate(new ScramClient(m, user, "x".toCharArray()).initialMessage());
        return ScramFormatter.parseServerFirst(first);
    }

    interface Step {
        Object run() throws Exception;
    }

    static SaslAuthenticationException assertCode(Step step, int code) {
        try {
            step.run();
        } catch (SaslAuthenticationException e) {
            assertThat(e.errorCode()).as("error code of '%s'", e.getMessage()).isEqualTo(code);
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected SaslAuthenticationException " + code + ", got " + e, e);
        }
        throw new AssertionError("expected SaslAuthenticationException " + code + ", nothing thrown");
    }
}
