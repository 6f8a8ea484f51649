package io.streambus.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.handler.ssl.ClientAuth;
import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.security.Authenticator;
import io.streambus.broker.security.CredentialStore;
import io.streambus.broker.security.PrivateFiles;
import io.streambus.broker.security.TlsServerConfig;
import io.streambus.broker.security.UsersFile;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.protocol.core.CreateTopicRequest;
import io.streambus.protocol.core.CreateTopicResponse;
import io.streambus.protocol.core.ProduceResponse;
import io.streambus.protocol.group.OffsetCommitRequest;
import io.streambus.protocol.group.OffsetCommitResponse;
import io.streambus.protocol.PartitionOffset;
import io.streambus.protocol.TopicPartitions;
import io.streambus.security.ScramMechanism;
import io.streambus.security.testing.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Files the broker writes are private (700/600), and the security warnings it logs once at start. */
@ExtendWith(LeakCheck.class)
class PrivateDataFilesTest {
    @TempDir
    Path dir;

    @Test
    void dataDirectoryAndEveryFileTheBrokerWritesArePrivate() throws IOException {
        assumeTrue(PrivateFiles.isPosix(dir), "POSIX permissions");
        Path data = dir.resolve("var/streambus");
        EmbeddedBroker b = EmbeddedBroker.builder().dataDir(data).build();
        try {
            int port = b.start();
            try (TestClient c = TestClient.connect(port)) {
                assertThat(c.send(TestClient.produce("orders", 0, "a", "b")).body(ProduceResponse.class).baseOffset())
                        .isZero();
                assertThat(c.send(new CreateTopicRequest("payments", 2, 1)).body(CreateTopicResponse.class)
                        .created()).isTrue();
                c.send(new OffsetCommitRequest("standalone", -1, "", TopicPartitions.of("orders",
                        List.of(new PartitionOffset(0, 2, ""))))).body(OffsetCommitResponse.class);
            }
        } finally {
            b.close(); // writes clean-shutdown markers too
        }
        List<Path> files = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> all = Files.walk(dir.resolve("var"))) {
            all.filter(p -> !p.equals(dir.resolve("var"))).forEach(p -> (Files.isDirectory(p) ? dirs : files).add(p));
        }
        assertThat(files).as("files written").hasSizeGreaterThan(4);
        for (Path d : dirs) {
            assertThat(mode(d)).as(d.toString()).isEqualTo("rwx------");
        }
        for (Path f : files) {
            assertThat(mode(f)).as(f.toString()).isEqualTo("rw-------");
        }
    }

    @Test
    void usersFileIsWrittenPrivateAndAnExposedOneIsReported() throws IOException {
        assumeTrue(PrivateFiles.isPosix(dir), "POSIX permissions");
        Path users = dir.resolve("conf/users.properties");
        UsersFile.addUser(users, "alice", "pw".toCharArray(), EnumSet.of(ScramMechanism.SCRAM_SHA_256), 4096);
        assertThat(mode(users)).isEqualTo("rw-------");
        assertThat(mode(users.getParent())).isEqualTo("rwx------");
        BrokerConfig scramOnly = BrokerConfig.builder().dataDir(dir).usersFile(users)
                .saslMechanisms(List.of("SCRAM-SHA-256")).build();
        Authenticator auth = Authenticator.builder(CredentialStore.load(users)).mechanisms("SCRAM-SHA-256").build();
        assertThat(BrokerRuntime.Security.startWarnings(scramOnly, auth)).isEmpty();

        Files.setPosixFilePermissions(users, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(BrokerRuntime.Security.startWarnings(scramOnly, auth)).singleElement().asString()
                .contains(users.toString()).contains("rw-r--r--").contains("chmod 600");
    }

    @Test
    void plainOnAPlaintextListenerIsWarnedAbout() throws IOException {
        CredentialStore store = CredentialStore.builder()
                .addUser("alice", "pw".toCharArray(), EnumSet.of(ScramMechanism.SCRAM_SHA_256), 4096).build();
        Authenticator all = Authenticator.builder(store).build();
        Authenticator scram = Authenticator.builder(store).mechanisms("SCRAM-SHA-512").build();
        BrokerConfig plain = BrokerConfig.builder().dataDir(dir).credentials(store).build();
        assertThat(BrokerRuntime.Security.startWarnings(plain, all)).singleElement().asString()
                .contains("PLAIN").contains("plaintext");
        assertThat(BrokerRuntime.Security.startWarnings(plain, scram)).isEmpty();
        assertThat(BrokerRuntime.Security.startWarnings(plain, null)).isEmpty();
        TestCertificates certs = TestCertificates.get();
        BrokerConfig tls = BrokerConfig.builder().dataDir(dir).credentials(store).tls(TlsServerConfig.builder()
                .keyStore(certs.serverKeyStore(), certs.password()).clientAuth(ClientAuth.NONE).build()).build();
        assertThat(BrokerRuntime.Security.startWarnings(tls, all)).isEmpty();
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
