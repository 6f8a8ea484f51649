package io.streambus.client.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.security.PlainClient;
import io.streambus.security.ScramClient;
import org.junit.jupiter.api.Test;

class SaslConfigTest {

    @Test
    void toStringNeverShowsThePassword() {
        SaslConfig c = SaslConfig.scramSha512("alice", "s3cr3t-value");
        assertThat(c.toString()).contains("alice", "SCRAM-SHA-512").doesNotContain("s3cr3t-value");
    }

    @Test
    void passwordIsCopiedInAndOut() {
        char[] pw = "secret".toCharArray();
        SaslConfig c = SaslConfig.of("PLAIN", "bob", pw);
        pw[0] = 'X';
        char[] out = c.password();
        assertThat(out).containsExactly("secret".toCharArray());
        out[0] = 'Y';
        assertThat(c.password()).containsExactly("secret".toCharArray());
    }

    @Test
    void newSessionMatchesTheMechanism() {
        assertThat(SaslConfig.plain("u", "p").newSession()).isInstanceOf(PlainClient.class);
        assertThat(SaslConfig.scramSha256("u", "p").newSession()).isInstanceOf(ScramClient.class)
                .extracting(s -> s.mechanism()).isEqualTo("SCRAM-SHA-256");
        assertThat(SaslConfig.scramSha512("u", "p").newSession().mechanism()).isEqualTo("SCRAM-SHA-512");
    }

    @Test
    void invalidArgumentsAreNamed() {
        assertThatThrownBy(() -> SaslConfig.of("scram-sha-256", "u", "p".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unsupported SASL mechanism");
        assertThatThrownBy(() -> SaslConfig.plain("", "p")).hasMessageContaining("user name");
        assertThatThrownBy(() -> SaslConfig.plain("u", "")).hasMessageContaining("password");
    }
}
