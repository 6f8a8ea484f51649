package io.streambus.broker.security;

import static io.streambus.broker.security.ScramServerTest.assertCode;
import static io.streambus.security.testing.SaslVectors.requestAuthBytes;
import static io.streambus.security.testing.SaslVectors.responseAuthBytes;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.security.PlainClient;
import io.streambus.security.ScramMechanism;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PlainServerTest {
    private static Authenticator auth;

    @BeforeAll
    static void users() {
        CredentialStore store = CredentialStore.builder()
                .addUser("alice", "alice-secret".toCharArray(), EnumSet.allOf(ScramMechanism.class), 4096)
                .addUser("bob", "bob-pw".toCharArray(), Set.of(ScramMechanism.SCRAM_SHA_512), 4096)
                .addUser("dora", "dora-pw".toCharArray(), Set.of(ScramMechanism.SCRAM_SHA_256), 4096)
                .disabled("dora", true)
                .build();
        auth = Authenticator.builder(store).build();
    }

    @Test
    void goldenVectorAuthenticates() throws Exception {
        SaslServerSession s = auth.newServer("PLAIN");
        assertThat(s.evaluate(requestAuthBytes("ext-saslauthenticate-request-plain.hex")))
                .isEqualTo(responseAuthBytes("ext-saslauthenticate-response-plain.hex")).isEmpty();
        assertThat(s.complete()).isTrue();
        assertThat(s.principal()).isEqualTo("alice");
        assertCode(() -> s.evaluate(requestAuthBytes("ext-saslauthenticate-request-plain.hex")), 45);
    }

    @Test
    void verifiesAgainstWhicheverScramCredentialExists() throws Exception {
        assertThat(run(PlainClient.message("bob", "bob-pw".toCharArray()))).isEmpty();
        assertThat(run("bob\0bob\0bob-pw")).isEmpty(); // authzid equal to authcid
    }

    @Test
    void badCredentialsGet42AndDisabledGets43OnlyWithTheRightPassword() {
        assertCode(() -> run("\0alice\0wrong"), 42);
        assertCode(() -> run("\0nobody\0whatever"), 42);
        assertCode(() -> run("\0dora\0dora-pw"), 43);
        assertCode(() -> run("\0dora\0wrong"), 42);
    }

    @Test
    void malformedMessagesGet40() {
        assertCode(() -> run("alice\0alice-secret"), 40);              // one NUL
        assertCode(() -> run("\0alice\0alice-secret\0"), 40);          // three NULs
        assertCode(() -> run("\0\0alice-secret"), 40);                 // empty authcid
        assertCode(() -> run("\0alice\0"), 40);                        // empty password
        assertCode(() -> run("mallory\0alice\0alice-secret"), 40);     // authzid differs
        assertCode(() -> run(new byte[] {0, 'a', 0, (byte) 0xC3}), 40); // not UTF-8
        assertCode(() -> run(new byte[0]), 40);
    }

    private static byte[] run(String message) throws Exception {
        return run(message.getBytes(UTF_8));
    }

    private static byte[] run(byte[] message) throws Exception {
        SaslServerSession s = auth.newServer("PLAIN");
        byte[] out = s.evaluate(message);
        assertThat(s.complete()).isTrue();
        return out;
    }
}
