package io.streambus.broker.security;

import static io.streambus.broker.security.ScramServerTest.assertCode;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.security.PlainClient;
import io.streambus.security.ScramClient;
import io.streambus.security.ScramMechanism;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersFileTest {
    @TempDir
    Path dir;

    @Test
    void addLoadRemoveWithoutClearTextPasswords() throws Exception {
        Path file = dir.resolve("users.properties");
        String pw = "Correct-Horse-Battery";
        assertThat(UsersFile.addUser(file, "alice", pw.toCharArray(), EnumSet.allOf(ScramMechanism.class), 4096))
                .isTrue();
        assertThat(UsersFile.addUser(file, "bob", "bob-pw".toCharArray(), Set.of(ScramMechanism.SCRAM_SHA_512),
                8192)).isTrue();

        String content = Files.readString(file, UTF_8);
        assertThat(content).doesNotContain(pw, "bob-pw",
                Base64.getEncoder().encodeToString(pw.getBytes(UTF_8)), HexFormat.of().formatHex(pw.getBytes(UTF_8)));
        assertThat(content).contains("user.alice.scram-sha-256=", "user.alice.scram-sha-512=",
                "user.bob.scram-sha-512=", "broker.secret=").doesNotContain("user.bob.scram-sha-256");
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }

        CredentialStore store = CredentialStore.load(file);
        assertThat(store.users()).containsExactly("alice", "bob");
        assertThat(store.credential("bob", ScramMechanism.SCRAM_SHA_512).orElseThrow().iterations()).isEqualTo(8192);
        Authenticator auth = Authenticator.builder(store).build();
        assertThat(auth.newServer("PLAIN").evaluate(PlainClient.message("alice", pw.toCharArray()))).isEmpty();
        assertCode(() -> auth.newServer("PLAIN").evaluate(PlainClient.message("alice", "nope".toCharArray())), 42);

        // Password change keeps the user, replaces credentials.
        assertThat(UsersFile.addUser(file, "alice", "new-pw".toCharArray(), Set.of(ScramMechanism.SCRAM_SHA_256),
                4096)).isFalse();
        CredentialStore changed = CredentialStore.load(file);
        assertThat(changed.mechanisms("alice")).containsExactly(ScramMechanism.SCRAM_SHA_256);
        assertThat(changed.credential("alice", ScramMechanism.SCRAM_SHA_256).orElseThrow()
                .verifyPassword("new-pw".toCharArray())).isTrue();

        assertThat(UsersFile.removeUser(file, "alice")).isTrue();
        assertThat(UsersFile.removeUser(file, "alice")).isFalse();
        assertThat(CredentialStore.load(file).users()).containsExactly("bob");
    }

    @Test
    void secretSurvivesEditsSoFakeSaltsAreStable() throws Exception {
        Path file = dir.resolve("users.properties");
        UsersFile.addUser(file, "alice", "pw".toCharArray(), EnumSet.allOf(ScramMechanism.class), 4096);
        byte[] salt1 = fakeSalt(CredentialStore.load(file));
        UsersFile.addUser(file, "carol", "pw".toCharArray(), EnumSet.allOf(ScramMechanism.class), 4096);
        assertThat(fakeSalt(CredentialStore.load(file))).isEqualTo(salt1);
        assertThat(fakeSalt(CredentialStore.builder().build())).isNotEqualTo(salt1);
    }

    @Test
    void disabledFlagRoundTripsAndScramReports43() throws Exception {
        Path file = dir.resolve("users.properties");
        UsersFile.addUser(file, "dora", "dora-pw".toCharArray(), EnumSet.allOf(ScramMechanism.class), 4096);
        assertThat(UsersFile.setDisabled(file, "dora", true)).isTrue();
        assertThat(UsersFile.setDisabled(file, "nobody", true)).isFalse();
        assertThat(Files.readString(file)).contains("user.dora.disabled=true");
        CredentialStore store = CredentialStore.load(file);
        assertThat(store.isDisabled("dora")).isTrue();
        SaslServerSession s = Authenticator.builder(store).build().newServer("SCRAM-SHA-512");
        ScramClient c = new ScramClient(ScramMechanism.SCRAM_SHA_512, "dora", "dora-pw".toCharArray());
        byte[] fin = c.evaluate(s.evaluate(c.initialMessage()));
        assertCode(() -> s.evaluate(fin), 43);
        UsersFile.setDisabled(file, "dora", false);
        assertThat(CredentialStore.load(file).isDisabled("dora")).isFalse();
    }

    @Test
    void oddUserNamesRoundTrip() throws Exception {
        Path file = dir.resolve("users.properties");
        String name = "Jane Doe=x:y#z.é%";
        UsersFile.addUser(file, name, "pw".toCharArray(), Set.of(ScramMechanism.SCRAM_SHA_256), 4096);
        assertThat(CredentialStore.load(file).users()).containsExactly(name);
        assertThat(UsersFile.escape(name)).doesNotContain(" ", "=", ":", "#");
        assertThatThrownBy(() -> UsersFile.addUser(file, "tab\tname", "pw".toCharArray(),
                Set.of(ScramMechanism.SCRAM_SHA_256), 4096)).hasMessageContaining("control character");
        assertThatThrownBy(() -> UsersFile.addUser(file, "u", "pw".toCharArray(),
                Set.of(ScramMechanism.SCRAM_SHA_256), 4095)).hasMessageContaining("iterations");
    }

    @Test
    void malformedFilesNameTheLine() throws Exception {
        assertLoadFails("broker.secret=" + "A".repeat(44) + "\nuser.alice.scram-sha-256=abc\n", 2, "credential");
        assertLoadFails("# ok\nuser.alice.plain=xyz\n", 2, "unknown attribute 'plain'");
        assertLoadFails("nonsense\n", 1, "key=value");
        assertLoadFails("other.key=1\n", 1, "unknown key");
        assertLoadFails("user.bob.disabled=true\n", 1, "no credentials");
        assertLoadFails("user.bob.disabled=yes\n", 1, "true or false");
        Path file = dir.resolve("dup.properties");
        UsersFile.addUser(file, "alice", "pw".toCharArray(), Set.of(ScramMechanism.SCRAM_SHA_256), 4096);
        String line = Files.readAllLines(file).stream().filter(l -> l.startsWith("user.alice")).findFirst()
                .orElseThrow();
        Files.writeString(file, Files.readString(file) + line + "\n");
        assertThatThrownBy(() -> CredentialStore.load(file)).isInstanceOf(UsersFileException.class)
                .hasMessageContaining("duplicate key");
    }

    @Test
    void usersToolAddsListsDisablesAndRemoves() throws Exception {
        Path file = dir.resolve("users.properties");
        assertThat(tool("s3cret-from-stdin\n", "add", file.toString(), "alice")).startsWith("0:added user 'alice'");
        assertThat(tool("pw2\n", "add", file.toString(), "bob", "--mechanisms", "SCRAM-SHA-512", "--iterations",
                "5000")).startsWith("0:added user 'bob' (SCRAM-SHA-512, 5000 iterations)");
        assertThat(Files.readString(file)).doesNotContain("s3cret-from-stdin");
        assertThat(CredentialStore.load(file).credential("alice", ScramMechanism.SCRAM_SHA_256).orElseThrow()
                .verifyPassword("s3cret-from-stdin".toCharArray())).isTrue();
        assertThat(tool("", "disable", file.toString(), "bob")).startsWith("0:disabled user 'bob'");
        assertThat(tool("", "list", file.toString()))
                .isEqualTo("0:alice\tSCRAM-SHA-256,SCRAM-SHA-512\nbob\tSCRAM-SHA-512\tdisabled\n");
        assertThat(tool("", "remove", file.toString(), "alice")).startsWith("0:removed");
        assertThat(tool("", "remove", file.toString(), "alice")).startsWith("1:");
        assertThat(tool("", "add", file.toString(), "carol")).startsWith("1:").contains("no password");
        assertThat(tool("x\n", "add", file.toString(), "carol", "--mechanisms", "MD5")).startsWith("1:")
                .contains("unknown SCRAM mechanism 'MD5'");
        assertThat(tool("", "frobnicate", file.toString())).startsWith("2:");
        assertThat(tool("", "list")).startsWith("2:");
        assertThat(tool("", "list", dir.resolve("missing").toString())).startsWith("1:").contains("not found");
    }

    private static byte[] fakeSalt(CredentialStore store) {
        return store.fakeCredential(ScramMechanism.SCRAM_SHA_256, "ghost").salt();
    }

    private void assertLoadFails(String content, int line, String messagePart) throws Exception {
        Path file = Files.writeString(dir.resolve("bad-" + line + "-" + Math.abs(content.hashCode())), content);
        assertThatThrownBy(() -> CredentialStore.load(file)).isInstanceOfSatisfying(UsersFileException.class,
                e -> assertThat(e.line()).isEqualTo(line)).hasMessageContaining(messagePart);
    }

    /** Runs the tool; returns "exitcode:" + stdout (+ stderr on failure). */
    private static String tool(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = UsersTool.run(args, new ByteArrayInputStream(stdin.getBytes(UTF_8)), new PrintStream(out, true),
                new PrintStream(err, true), null);
        return code + ":" + out.toString(UTF_8) + err.toString(UTF_8);
    }
}
