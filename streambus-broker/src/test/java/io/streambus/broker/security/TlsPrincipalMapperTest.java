package io.streambus.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Certificate subject to principal: the tls: namespace, the full DN by default, Kafka-style rules. */
class TlsPrincipalMapperTest {
    private static String principal(TlsPrincipalMapper m, String dn) {
        return m.principal(new X500Principal(dn));
    }

    @Test
    void defaultIsPrefixedFullRfc2253Dn() {
        TlsPrincipalMapper m = TlsPrincipalMapper.defaultMapper();
        assertThat(principal(m, "CN=alice, O=Acme, C=DE")).isEqualTo("tls:CN=alice,O=Acme,C=DE");
        // A subject without CN keeps its DN too; nothing can map to a bare SASL name or to anonymous.
        assertThat(principal(m, "O=Acme")).isEqualTo("tls:O=Acme");
        assertThat(principal(m, "CN=anonymous")).isEqualTo("tls:CN=anonymous");
    }

    @Test
    void twoCnsCannotPassForEitherOne() {
        TlsPrincipalMapper m = TlsPrincipalMapper.defaultMapper();
        String two = principal(m, "CN=alice,CN=admin,O=Acme");
        assertThat(two).isEqualTo("tls:CN=alice,CN=admin,O=Acme")
                .isNotEqualTo(principal(m, "CN=admin,O=Acme")).isNotEqualTo(principal(m, "CN=alice,O=Acme"));
        assertThat(principal(m, "CN=alice+CN=admin,O=Acme")).isEqualTo("tls:CN=alice+CN=admin,O=Acme");
        // A rule written for one CN does not match the two-CN subject: it keeps its full DN.
        TlsPrincipalMapper rule = TlsPrincipalMapper.parse("RULE:^CN=([^,+]+),O=Acme$/$1/");
        assertThat(principal(rule, "CN=admin,O=Acme")).isEqualTo("tls:admin");
        assertThat(principal(rule, "CN=alice,CN=admin,O=Acme")).isEqualTo("tls:CN=alice,CN=admin,O=Acme");
        assertThat(principal(rule, "CN=alice+CN=admin,O=Acme")).isEqualTo("tls:CN=alice+CN=admin,O=Acme");
    }

    @Test
    void rulesApplyInOrderWithCaseAndEscapedSlash() {
        TlsPrincipalMapper m = TlsPrincipalMapper.parse(
                "RULE:^CN=([^,]+),OU=ops,O=Acme$/ops\\/$1/L, RULE:^CN=([^,]+),O=Acme$/$1/U,DEFAULT");
        assertThat(principal(m, "CN=Bob,OU=ops,O=Acme")).isEqualTo("tls:ops/bob");
        assertThat(principal(m, "CN=Bob,O=Acme")).isEqualTo("tls:BOB");
        assertThat(principal(m, "CN=Bob,O=Other")).isEqualTo("tls:CN=Bob,O=Other");
        assertThat(m.rules()).startsWith("RULE:");
    }

    @Test
    void noMatchingRuleFallsBackToDefault() {
        TlsPrincipalMapper m = TlsPrincipalMapper.parse("RULE:^CN=([^,]+),O=Acme$/$1/");
        assertThat(principal(m, "CN=eve,O=Elsewhere")).isEqualTo("tls:CN=eve,O=Elsewhere");
        // A rule producing an empty name does not match either.
        TlsPrincipalMapper empty = TlsPrincipalMapper.parse("RULE:^CN=(x*),O=Acme$/$1/");
        assertThat(principal(empty, "CN=,O=Acme")).isEqualTo("tls:CN=,O=Acme");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " , ", "FOO", "RULE:abc", "RULE:abc/def", "RULE:(/x/", "RULE:a/$2/",
            "RULE:a/b/X", "DEFAULTX", "RULE:^(a)$/$1/LU"})
    void malformedRulesAreRefused(String rules) {
        assertThatThrownBy(() -> TlsPrincipalMapper.parse(rules)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TLS principal mapping");
    }
}
