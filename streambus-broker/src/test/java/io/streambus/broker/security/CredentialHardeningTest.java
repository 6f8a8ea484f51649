package io.streambus.broker.security;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.security.SaslAuthenticationException;
import io.streambus.security.ScramMechanism;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * User enumeration by timing and PLAIN's cost: unknown users get a fake credential with the mechanism and iteration
 * count real users have, and stored iteration counts are bounded.
 */
class CredentialHardeningTest {
    @TempDir
    Path dir;

    /** Users with SCRAM-SHA-512 credentials only, at 8192 iterations (not the 4096 fallback). */
    private static CredentialStore sha512Store() {
        return CredentialStore.builder()
                .addUser("alice", "pw".toCharArray(), EnumSet.of(ScramMechanism.SCRAM_SHA_512), 8192)
                .addUser("bob", "pw".toCharArray(), EnumSet.of(ScramMechanism.SCRAM_SHA_512), 8192)
                .build();
    }

    private static String serverFirst(CredentialStore store, ScramMechanism m, String user)
            throws SaslAuthenticationException {
        ScramServer s = new ScramServer(m, store, () -> "servernonce");
        return new String(s.evaluate(("n,,n=" + user + ",r=clientnonce").getBytes(UTF_8)), UTF_8);
    }

    private static String iterations(String serverFirst) {
        return serverFirst.substring(serverFirst.indexOf(",i=") + 3);
    }

    @Test
    void unknownUserLooksLikeARealUserInTheFirstScramMessage() throws Exception {
        CredentialStore store = sha512Store();
        String real = serverFirst(store, ScramMechanism.SCRAM_SHA_512, "alice");
        String unknown = serverFirst(store, ScramMechanism.SCRAM_SHA_512, "mallory");
        assertThat(iterations(unknown)).isEqualTo(iterations(real)).isEqualTo("8192");
        // Asked for a mechanism no real user has, the fake still shows the store's iteration count, not 4096.
        assertThat(iterations(serverFirst(store, ScramMechanism.SCRAM_SHA_256, "mallory"))).isEqualTo("8192");
        assertThat(iterations(serverFirst(store, ScramMechanism.SCRAM_SHA_256, "alice"))).isEqualTo("8192");
        // Same salt length as the real credentials.
        String salt = unknown.substring(unknown.indexOf(",s=") + 3, unknown.indexOf(",i="));
        String realSalt = real.substring(real.indexOf(",s=") + 3, real.indexOf(",i="));
        assertThat(salt).hasSameSizeAs(realSalt);
    }

    @Test
    void plainChecksAnUnknownUserWithTheRealUsersMechanismAndIterations() {
        CredentialStore store = sha512Store();
        CredentialStore.PlainCheck real = store.plainCredential("alice");
        CredentialStore.PlainCheck fake = store.plainCredential("mallory");
        assertThat(real.real()).isTrue();
        assertThat(fake.real()).isFalse();
        assertThat(fake.credential().mechanism()).isEqualTo(real.credential().mechanism())
                .isEqualTo(ScramMechanism.SCRAM_SHA_512);
        assertThat(fake.credential().iterations()).isEqualTo(real.credential().iterations()).isEqualTo(8192);
        // Deterministic per user name, so repeated probes see the same thing.
        assertThat(store.plainCredential("mallory").credential()).isEqualTo(fake.credential());
        // Both mechanisms: PLAIN checks SCRAM-SHA-256 first, for real and fake users alike.
        CredentialStore both = CredentialStore.builder()
                .addUser("carol", "pw".toCharArray(), EnumSet.allOf(ScramMechanism.class), 4096).build();
        assertThat(both.plainCredential("carol").credential().mechanism()).isEqualTo(ScramMechanism.SCRAM_SHA_256);
        assertThat(both.plainCredential("nobody").credential().mechanism()).isEqualTo(ScramMechanism.SCRAM_SHA_256);
    }

    @Test
    void iterationCountsAboveTheBoundAreRefused() throws IOException {
        assertThatThrownBy(() -> CredentialStore.builder().addUser("a", "pw".toCharArray(),
                Set.of(ScramMechanism.SCRAM_SHA_256), ScramCredential.MAX_ITERATIONS + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16384");
        // A users file edited by hand (or by an older tool) with a huge count: the load fails naming the line.
        Path file = dir.resolve("users.properties");
        UsersFile.addUser(file, "alice", "pw".toCharArray(), Set.of(ScramMechanism.SCRAM_SHA_256), 4096);
        String text = Files.readString(file).replaceFirst(":4096:", ":1000000:");
        Files.writeString(file, text);
        assertThatThrownBy(() -> CredentialStore.load(file)).isInstanceOf(UsersFileException.class)
                .hasMessageContaining("line").hasMessageContaining("between 4096 and 16384, got 1000000");
        // The tool applies the same bound, before asking for a password.
        Path other = dir.resolve("other.properties");
        assertThat(tool("pw\n", "add", other.toString(), "bob", "--iterations", "16385"))
                .startsWith("2:").contains("between 4096 and 16384");
        assertThat(Files.exists(other)).isFalse();
        assertThat(tool("pw\n", "add", other.toString(), "bob", "--iterations", "16384")).startsWith("0:added");
    }

    private static String tool(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = UsersTool.run(args, new ByteArrayInputStream(stdin.getBytes(UTF_8)), new PrintStream(out, true),
                new PrintStream(err, true), null);
        return code + ":" + out.toString(UTF_8) + err.toString(UTF_8);
    }
}
