package io.streambus.security;

import static io.streambus.security.testing.SaslVectors.requestAuthBytes;
import static io.streambus.security.testing.SaslVectors.responseAuthBytes;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScramClientTest {
    private static final String RFC_CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";
    private static final String RFC_SERVER_FIRST =
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private static final String RFC_CLIENT_FINAL =
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private static final String RFC_SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    private static ScramClient rfcClient() {
        return new ScramClient(ScramMechanism.SCRAM_SHA_256, "user", "pencil".toCharArray(), () -> RFC_CLIENT_NONCE);
    }

    @Test
    void rfc7677ExampleIsReproducedByteExact() throws Exception {
        ScramClient client = rfcClient();
        assertThat(new String(client.clientFirst(), UTF_8)).isEqualTo("n,,n=user,r=" + RFC_CLIENT_NONCE);
        assertThat(new String(client.clientFinal(RFC_SERVER_FIRST.getBytes(UTF_8)), UTF_8)).isEqualTo(RFC_CLIENT_FINAL);
        client.verifyServerFinal(RFC_SERVER_FINAL.getBytes(UTF_8));
        assertThat(client.isComplete()).isTrue();
    }

    @Test
    void goldenVectorsMatchTheClientSide() throws Exception {
        byte[] serverFirst = responseAuthBytes("ext-saslauthenticate-response-scram-1.hex");
        byte[] serverFinal = responseAuthBytes("ext-saslauthenticate-response-scram-2.hex");
        assertThat(new String(serverFirst, UTF_8)).isEqualTo(RFC_SERVER_FIRST);

        SaslClientSession session = rfcClient();
        assertThat(session.initialMessage()).isEqualTo(requestAuthBytes("ext-saslauthenticate-request-scram-1.hex"));
        assertThat(session.evaluate(serverFirst)).isEqualTo(requestAuthBytes("ext-saslauthenticate-request-scram-2.hex"));
        assertThat(session.evaluate(serverFinal)).isNull();
        assertThat(session.isComplete()).isTrue();
    }

    @Test
    void plainVectorMatches() throws Exception {
        PlainClient plain = new PlainClient("alice", "alice-secret".toCharArray());
        assertThat(plain.initialMessage()).isEqualTo(requestAuthBytes("ext-saslauthenticate-request-plain.hex"));
        assertThat(plain.evaluate(responseAuthBytes("ext-saslauthenticate-response-plain.hex"))).isNull();
        assertThat(plain.isComplete()).isTrue();
    }

    @Test
    void plainRejectsNonEmptySuccessAndBadArguments() {
        PlainClient plain = new PlainClient("alice", "pw".toCharArray());
        plain.initialMessage();
        assertThatThrownBy(() -> plain.evaluate(new byte[] {1})).isInstanceOf(SaslAuthenticationException.class);
        assertThatThrownBy(() -> new PlainClient("", "pw".toCharArray())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PlainClient("a\0b", "pw".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PlainClient("a", new char[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PlainClient("a", "x\0y".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void userNameIsEscaped() {
        ScramClient client = new ScramClient(ScramMechanism.SCRAM_SHA_512, "a,b=c", "pw".toCharArray(), () -> "abc");
        assertThat(new String(client.clientFirst(), UTF_8)).isEqualTo("n,,n=a=2Cb=3Dc,r=abc");
    }

    @Test
    void randomNoncesCarryAtLeast128BitsAndDiffer() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            String first = new String(new ScramClient(ScramMechanism.SCRAM_SHA_256, "u", "p".toCharArray())
                    .clientFirst(), UTF_8);
            String nonce = first.substring(first.indexOf(",r=") + 3);
            assertThat(Base64.getDecoder().decode(nonce)).hasSizeGreaterThanOrEqualTo(16);
            assertThat(ScramFormatter.isValidNonce(nonce)).isTrue();
            seen.add(nonce);
        }
        assertThat(seen).hasSize(50);
    }

    @Test
    void serverNonceMustExtendClientNonce() {
        assertFails(RFC_SERVER_FIRST.replace("r=rOpr", "r=XOpr"), "does not extend");
        assertFails("r=" + RFC_CLIENT_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "does not extend");
    }

    @Test
    void tooFewOrTooManyIterationsAbort() {
        assertFails(RFC_SERVER_FIRST.replace("i=4096", "i=4095"), "below the minimum of 4096");
        assertFails(RFC_SERVER_FIRST.replace("i=4096", "i=1"), "below the minimum");
        assertFails(RFC_SERVER_FIRST.replace("i=4096", "i=1000001"), "above the maximum");
    }

    @Test
    void malformedServerFirstIsRefused() {
        assertFails("r=" + RFC_CLIENT_NONCE + "x,i=4096", "needs r=, s= and i=");
        assertFails("r=" + RFC_CLIENT_NONCE + "x,s=!!!,i=4096", "invalid base64");
        assertFails("r=" + RFC_CLIENT_NONCE + "x,s=W22ZaJ0SNY7soEsUEjb6gQ,i=4096", "non-canonical base64");
        assertFails("r=" + RFC_CLIENT_NONCE + "x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4k", "invalid iteration count");
        assertFails("m=x," + RFC_SERVER_FIRST, "mandatory extension");
        assertFails("", "empty");
    }

    @Test
    void badServerSignatureIsDetected() throws Exception {
        ScramClient client = rfcClient();
        client.clientFirst();
        client.clientFinal(RFC_SERVER_FIRST.getBytes(UTF_8));
        byte[] sig = Base64.getDecoder().decode(RFC_SERVER_FINAL.substring(2));
        sig[5] ^= 1;
        byte[] forged = ("v=" + Base64.getEncoder().encodeToString(sig)).getBytes(UTF_8);
        assertThatThrownBy(() -> client.verifyServerFinal(forged))
                .isInstanceOfSatisfying(SaslAuthenticationException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(40))
                .hasMessageContaining("server signature does not match");
        assertThat(client.isComplete()).isFalse();
        assertThatThrownBy(() -> client.verifyServerFinal(RFC_SERVER_FINAL.getBytes(UTF_8)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void serverErrorAttributeIsAFailure() throws Exception {
        ScramClient client = rfcClient();
        client.clientFirst();
        client.clientFinal(RFC_SERVER_FIRST.getBytes(UTF_8));
        assertThatThrownBy(() -> client.verifyServerFinal("e=invalid-proof".getBytes(UTF_8)))
                .isInstanceOf(SaslAuthenticationException.class).hasMessageContaining("invalid-proof");
    }

    @Test
    void stepsOutOfOrderAreIllegalState() {
        ScramClient client = rfcClient();
        assertThatThrownBy(() -> client.clientFinal(RFC_SERVER_FIRST.getBytes(UTF_8)))
                .isInstanceOf(IllegalStateException.class);
        client.clientFirst();
        assertThatThrownBy(client::clientFirst).isInstanceOf(IllegalStateException.class);
    }

    private static void assertFails(String serverFirst, String messagePart) {
        ScramClient client = rfcClient();
        client.clientFirst();
        assertThatThrownBy(() -> client.clientFinal(serverFirst.getBytes(UTF_8)))
                .isInstanceOfSatisfying(SaslAuthenticationException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(40))
                .hasMessageContaining(messagePart);
        assertThat(client.isComplete()).isFalse();
    }
}
