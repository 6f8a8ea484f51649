package io.streambus.security;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ScramFormatterTest {

    @Test
    void parsesClientFirstAndIgnoresExtensions() throws Exception {
        var m = ScramFormatter.parseClientFirst("n,,n=a=2Cb=3D,r=abc,x=ext".getBytes(UTF_8));
        assertThat(m.username()).isEqualTo("a,b=");
        assertThat(m.nonce()).isEqualTo("abc");
        assertThat(m.bare()).isEqualTo("n=a=2Cb=3D,r=abc,x=ext");
    }

    @Test
    void gs2HeaderMustBeExactlyNoBindingNoAuthzid() {
        assertRefused("y,,n=user,r=abc", "channel binding");
        assertRefused("p=tls-server-end-point,,n=user,r=abc", "channel binding");
        assertRefused("n,a=user,n=user,r=abc", "authzid");
        assertRefused("n,x,n=user,r=abc", "GS2 header");
        assertRefused("n=user,r=abc", "GS2 header");
    }

    @Test
    void clientFirstAttributeRules() {
        assertRefused("n,,m=ext,n=user,r=abc", "mandatory extension");
        assertRefused("n,,n=user,r=abc,m=late", "mandatory extension");
        assertRefused("n,,r=abc,n=user", "expected attribute 'n='");
        assertRefused("n,,n=user", "needs n= and r=");
        assertRefused("n,,n=,r=abc", "empty user name");
        assertRefused("n,,n=us=2cer,r=abc", "invalid escape");
        assertRefused("n,,n=us=41er,r=abc", "invalid escape");
        assertRefused("n,,n=user=,r=abc", "invalid escape");
        assertRefused("n,,n=user,r=", "invalid nonce");
        assertRefused("n,,n=user,r=a b", "invalid nonce");
        assertRefused("n,,n=user,r=a\u007fb", "invalid nonce");
        assertRefused("n,,n=user,r=abc,1x=y", "malformed attribute");
        assertRefused("", "empty");
        assertThatThrownBy(() -> ScramFormatter.parseClientFirst(new byte[] {'n', ',', ',', 'n', '=', (byte) 0xC3,
                ',', 'r', '=', 'a'})).isInstanceOf(SaslAuthenticationException.class).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> ScramFormatter.parseClientFirst(new byte[ScramFormatter.MAX_MESSAGE_BYTES + 1]))
                .isInstanceOf(SaslAuthenticationException.class).hasMessageContaining("too long");
    }

    @Test
    void parsesClientFinal() throws Exception {
        String text = "c=biws,r=abcdef,x=ext,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
        var m = ScramFormatter.parseClientFinal(text.getBytes(UTF_8));
        assertThat(m.nonce()).isEqualTo("abcdef");
        assertThat(m.withoutProof()).isEqualTo("c=biws,r=abcdef,x=ext");
        assertThat(m.proof()).hasSize(32);
    }

    @Test
    void clientFinalRules() {
        String proof = "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
        assertFinalRefused("c=eSws,r=abc," + proof, "channel binding"); // base64("y,,")
        assertFinalRefused("c=cD10bHMtdW5pcXVlLCw=,r=abc," + proof, "channel binding");
        assertFinalRefused("c=biws,r=abc", "needs c=, r= and p=");
        assertFinalRefused("c=biws,r=abc,x=1", "expected attribute 'p='");
        assertFinalRefused("c=biws,r=abc,m=1," + proof, "mandatory extension");
        assertFinalRefused("c=biws,r=abc,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ", "non-canonical");
        assertFinalRefused("r=abc,c=biws," + proof, "expected attribute 'c='");
    }

    @Test
    void usernameEscapingRoundTrips() throws Exception {
        Random r = new Random(42);
        String alphabet = "ab=,=2C=3Dé€😀 x";
        for (int i = 0; i < 500; i++) {
            StringBuilder sb = new StringBuilder();
            int n = 1 + r.nextInt(12);
            for (int j = 0; j < n; j++) {
                sb.appendCodePoint(alphabet.codePoints().toArray()[r.nextInt((int) alphabet.codePoints().count())]);
            }
            String name = sb.toString();
            String escaped = ScramFormatter.escapeUsername(name);
            assertThat(escaped).doesNotContain(",");
            assertThat(ScramFormatter.unescapeUsername(escaped)).isEqualTo(name);
        }
    }

    @Test
    void pbkdf2MatchesHiDefinitionForBothMechanisms() throws Exception {
        byte[] salt = "NaCl-salt".getBytes(UTF_8);
        for (ScramMechanism m : ScramMechanism.values()) {
            byte[] expected = hi(m, "pässword".getBytes(UTF_8), salt, 4100);
            assertThat(ScramCrypto.saltedPassword(m, "pässword".toCharArray(), salt, 4100)).isEqualTo(expected);
            assertThat(expected).hasSize(m.keyLength());
        }
    }

    @Test
    void proofVerifiesOnlyWithTheRightKey() {
        ScramMechanism m = ScramMechanism.SCRAM_SHA_512;
        byte[] salted = ScramCrypto.saltedPassword(m, "pw".toCharArray(), new byte[] {1, 2, 3}, 4096);
        byte[] clientKey = ScramCrypto.clientKey(m, salted);
        byte[] storedKey = ScramCrypto.storedKey(m, clientKey);
        byte[] auth = "auth-message".getBytes(UTF_8);
        byte[] proof = ScramCrypto.clientProof(m, clientKey, auth);
        assertThat(ScramCrypto.verifyClientProof(m, storedKey, auth, proof)).isTrue();
        proof[0] ^= 1;
        assertThat(ScramCrypto.verifyClientProof(m, storedKey, auth, proof)).isFalse();
        assertThat(ScramCrypto.verifyClientProof(m, storedKey, auth, new byte[3])).isFalse();
    }

    /** RFC 5802 Hi() written out with HMAC, independent of the JDK's PBKDF2. */
    private static byte[] hi(ScramMechanism m, byte[] password, byte[] salt, int iterations) throws Exception {
        Mac mac = Mac.getInstance(m.macAlgorithm());
        mac.init(new SecretKeySpec(password, m.macAlgorithm()));
        mac.update(salt);
        byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1});
        byte[] result = u.clone();
        for (int i = 1; i < iterations; i++) {
            u = mac.doFinal(u);
            for (int j = 0; j < result.length; j++) {
                result[j] ^= u[j];
            }
        }
        return result;
    }

    private static void assertRefused(String clientFirst, String messagePart) {
        assertThatThrownBy(() -> ScramFormatter.parseClientFirst(clientFirst.getBytes(UTF_8)))
                .isInstanceOfSatisfying(SaslAuthenticationException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(40))
                .hasMessageContaining(messagePart);
    }

    private static void assertFinalRefused(String clientFinal, String messagePart) {
        assertThatThrownBy(() -> ScramFormatter.parseClientFinal(clientFinal.getBytes(UTF_8)))
                .isInstanceOfSatisfying(SaslAuthenticationException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(40))
                .hasMessageContaining(messagePart);
    }
}
