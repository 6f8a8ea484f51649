package io.streambus.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.ClientAuth;
import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.security.TlsServerConfig;
import io.streambus.broker.security.UsersFile;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.broker.testing.TestClient.Response;
import io.streambus.protocol.core.CreateTopicRequest;
import io.streambus.protocol.core.CreateTopicResponse;
import io.streambus.protocol.core.DeleteTopicRequest;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.core.FetchRequest;
import io.streambus.protocol.core.GetOffsetRequest;
import io.streambus.protocol.core.HealthCheckRequest;
import io.streambus.protocol.core.ListTopicsRequest;
import io.streambus.protocol.core.ListTopicsResponse;
import io.streambus.protocol.core.ProduceResponse;
import io.streambus.protocol.core.TopicInfo;
import io.streambus.security.ScramMechanism;
import io.streambus.security.testing.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.EnumSet;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** TLS and mTLS listeners (principal from the client certificate) and ACL denials with code 41, over real sockets. */
@ExtendWith(LeakCheck.class)
class TlsAndAclTest {
    /** The default principal of the test client certificate: tls: and its full RFC 2253 subject. */
    static final String CLIENT_PRINCIPAL = "tls:CN=" + TestCertificates.CLIENT_CN + ",O=StreamBus";
    private static TestCertificates certs;
    @TempDir
    static Path dir;
    private static Path acl;
    private static Path users;

    @BeforeAll
    static void setUp() throws IOException {
        certs = TestCertificates.get();
        acl = dir.resolve("acl.txt");
        Files.writeString(acl, String.join("\n",
                "# test ACLs",
                "allow " + CLIENT_PRINCIPAL + " produce,fetch topic:cert-*",
                // A bare CN is a SASL-namespace name: it must not grant anything to the certificate.
                "allow " + TestCertificates.CLIENT_CN + " produce,fetch topic:bare-*",
                "allow tls:STREAMBUS-CLIENT produce,fetch topic:mapped-*",
                "allow alice produce,fetch topic:orders",
                "allow alice describe topic:orders",
                "allow admin * topic:*",
                "allow anonymous fetch topic:public",
                ""));
        users = dir.resolve("users.properties");
        UsersFile.addUser(users, "alice", "pw".toCharArray(), EnumSet.allOf(ScramMechanism.class), 4096);
        UsersFile.addUser(users, "admin", "adminpw".toCharArray(), EnumSet.allOf(ScramMechanism.class), 4096);
    }

    private static TlsServerConfig.Builder serverTls(ClientAuth auth) {
        return TlsServerConfig.builder().keyStore(certs.serverKeyStore(), certs.password())
                .trustStore(certs.caTrustStore(), certs.password()).clientAuth(auth)
                .handshakeTimeout(Duration.ofSeconds(5));
    }

    @Test
    void tlsWithoutClientCertificates() throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.builder().temporary().tls(serverTls(ClientAuth.NONE).build()).build()) {
            int port = b.start();
            try (TestClient c = TestClient.wrap(connect(port, certs.caTrustStore(), null))) {
                assertThat(c.send(TestClient.produce("tls", 0, "a", "b")).body(ProduceResponse.class).baseOffset()).isZero();
                assertThat(c.send(new FetchRequest("tls", 0, 0, 1024)).fetched()).hasSize(2);
            }
            // A client that does not trust the broker's CA gives up in the handshake.
            assertThatThrownBy(() -> handshake(port, certs.otherCaTrustStore(), null))
                    .isInstanceOf(javax.net.ssl.SSLException.class);
            // Plain TCP on the TLS port: the broker closes the connection.
            try (TestClient plain = TestClient.connect(port)) {
                plain.writeRaw(io.streambus.protocol.Vectors.bytes("healthcheck-request-1"));
                assertThat(plain.closedByPeer(Duration.ofSeconds(5))).isTrue();
            }
            try (TestClient c = TestClient.wrap(connect(port, certs.caTrustStore(), null))) {
                assertThat(c.send(new HealthCheckRequest()).isError()).isFalse();
            }
        }
    }

    @Test
    void mutualTlsTakesThePrincipalFromTheCertificate() throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.builder().temporary().tls(serverTls(ClientAuth.REQUIRE).build())
                .acl(acl).build()) {
            int port = b.start();
            try (TestClient c = TestClient.wrap(connect(port, certs.caTrustStore(), certs.clientKeyStore()))) {
                assertThat(c.send(TestClient.produce("cert-orders", 0, "x")).body(ProduceResponse.class).baseOffset())
                        .isZero();
                Response denied = c.send(TestClient.produce("orders", 0, "x"));
                assertThat(denied.errorCode()).isEqualTo(ErrorCode.AUTHORIZATION_FAILED);
                assertThat(denied.errorMessage()).isEqualTo("Access denied: principal '" + CLIENT_PRINCIPAL
                        + "' is not authorized to perform 'TOPIC_WRITE' on resource 'orders'");
            }
            // No client certificate, or one from another CA: refused in the handshake.
            assertThat(handshakeRefused(port, certs.caTrustStore(), null)).isTrue();
            assertThat(handshakeRefused(port, certs.caTrustStore(), certs.otherClientKeyStore())).isTrue();
            try (TestClient c = TestClient.wrap(connect(port, certs.caTrustStore(), certs.clientKeyStore()))) {
                assertThat(c.send(new HealthCheckRequest()).isError()).isFalse();
            }
        }
    }

    @Test
    void certificatePrincipalIsTheFullDnAndNotTheBareCn() throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.builder().temporary().tls(serverTls(ClientAuth.REQUIRE).build())
                .acl(acl).build()) {
            int port = b.start();
            try (TestClient c = TestClient.wrap(connect(port, certs.caTrustStore(), certs.clientKeyStore()))) {
                Response denied = c.send(TestClient.produce("bare-topic", 0, "x"));
                assertThat(denied.errorCode()).isEqualTo(ErrorCode.AUTHORIZATION_FAILED);
                assertThat(denied.errorMessage()).contains("principal '" + CLIENT_PRINCIPAL + "'");
                assertThat(c.send(TestClient.produce("mapped-topic", 0, "x")).errorCode())
                        .isEqualTo(ErrorCode.AUTHORIZATION_FAILED);
            }
        }
    }

    @Test
    void mappingRulesNameThePrincipalTheAclsSee() throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.builder().temporary().tls(serverTls(ClientAuth.REQUIRE).build())
                .tlsPrincipalMapping("RULE:^CN=([^,]+),O=StreamBus$/$1/U, DEFAULT").acl(acl).build()) {
            int port = b.start();
            try (TestClient c = TestClient.wrap(connect(port, certs.caTrustStore(), certs.clientKeyStore()))) {
                assertThat(c.send(TestClient.produce("mapped-topic", 0, "x")).body(ProduceResponse.class).baseOffset())
                        .isZero();
                Response denied = c.send(TestClient.produce("cert-orders", 0, "x"));
                assertThat(denied.errorCode()).isEqualTo(ErrorCode.AUTHORIZATION_FAILED);
                assertThat(denied.errorMessage()).contains("principal 'tls:STREAMBUS-CLIENT'");
            }
        }
        // A rule the DN does not match falls back to DEFAULT: the full DN.
        try (EmbeddedBroker b = EmbeddedBroker.builder().temporary().tls(serverTls(ClientAuth.REQUIRE).build())
                .tlsPrincipalMapping("RULE:^CN=([^,]+),O=Acme$/$1/").acl(acl).build()) {
            int port = b.start();
            try (TestClient c = TestClient.wrap(connect(port, certs.caTrustStore(), certs.clientKeyStore()))) {
                assertThat(c.send(TestClient.produce("cert-x", 0, "x")).isError()).isFalse();
            }
        }
    }

    @Test
    void optionalClientCertificates() throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.builder().temporary().tls(serverTls(ClientAuth.OPTIONAL).build())
                .acl(acl).build()) {
            int port = b.start();
            try (TestClient withCert = TestClient.wrap(connect(port, certs.caTrustStore(), certs.clientKeyStore()));
                    TestClient without = TestClient.wrap(connect(port, certs.caTrustStore(), null))) {
                assertThat(withCert.send(TestClient.produce("cert-a", 0, "x")).isError()).isFalse();
                Response r = without.send(TestClient.produce("cert-a", 0, "x"));
                assertThat(r.errorCode()).isEqualTo(ErrorCode.AUTHORIZATION_FAILED);
                assertThat(r.errorMessage()).contains("principal 'anonymous'");
            }
        }
    }

    @Test
    void aclDenialsAreCode41AndDeniedRequestsChangeNothing() throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.builder().temporary().users(users).acl(acl).build()) {
            int port = b.start();
            try (TestClient anon = TestClient.connect(port); TestClient alice = TestClient.connect(port);
                    TestClient admin = TestClient.connect(port)) {
                SaslTest.authenticate(alice, SaslTest.client("SCRAM-SHA-256", "alice", "pw"));
                SaslTest.authenticate(admin, SaslTest.client("PLAIN", "admin", "adminpw"));

                Response denied = anon.send(TestClient.produce("orders", 0, "x"));
                assertThat(denied.errorCode()).isEqualTo(ErrorCode.AUTHORIZATION_FAILED);
                assertThat(denied.errorMessage()).isEqualTo("Access denied: principal 'anonymous' is not authorized"
                        + " to perform 'TOPIC_WRITE' on resource 'orders'");
                // The denied Produce did not auto-create the topic.
                assertThat(admin.send(new ListTopicsRequest()).body(ListTopicsResponse.class).topics()).isEmpty();

                assertThat(alice.send(TestClient.produce("orders", 0, "x")).body(ProduceResponse.class).baseOffset())
                        .isZero();
                assertThat(alice.send(new FetchRequest("orders", 0, 0, 100)).fetched()).hasSize(1);
                assertThat(alice.send(new GetOffsetRequest("orders", 0)).isError()).isFalse();
                assertThat(alice.send(TestClient.produce("payments", 0, "x")).errorCode())
                        .isEqualTo(ErrorCode.AUTHORIZATION_FAILED);
                assertThat(alice.send(new CreateTopicRequest("mine", 1, 1)).errorCode())
                        .isEqualTo(ErrorCode.AUTHORIZATION_FAILED);
                assertThat(alice.send(new DeleteTopicRequest("orders")).errorCode())
                        .isEqualTo(ErrorCode.AUTHORIZATION_FAILED);
                assertThat(anon.send(new FetchRequest("orders", 0, 0, 100)).errorCode())
                        .isEqualTo(ErrorCode.AUTHORIZATION_FAILED);
                assertThat(anon.send(new FetchRequest("public", 0, 0, 100)).isError()).isFalse();
                // HealthCheck needs no permission.
                assertThat(anon.send(new HealthCheckRequest()).isError()).isFalse();

                assertThat(admin.send(new CreateTopicRequest("payments", 2, 1)).body(CreateTopicResponse.class).created())
                        .isTrue();
                // ListTopics is filtered per topic: alice sees only what she may describe.
                assertThat(alice.send(new ListTopicsRequest()).body(ListTopicsResponse.class).topics())
                        .containsExactly(new TopicInfo("orders", 1));
                assertThat(admin.send(new ListTopicsRequest()).body(ListTopicsResponse.class).topics())
                        .extracting(TopicInfo::name).contains("orders", "payments", "public");
                assertThat(anon.send(new ListTopicsRequest()).body(ListTopicsResponse.class).topics())
                        .containsExactly(new TopicInfo("public", 1));
            }
        }
    }

    private static SSLSocket connect(int port, Path trustStore, Path keyStore) throws Exception {
        SSLSocket s = handshake(port, trustStore, keyStore);
        s.setSoTimeout(10_000);
        return s;
    }

    private static SSLSocket handshake(int port, Path trustStore, Path keyStore) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(trustStore));
        KeyManagerFactory kmf = null;
        if (keyStore != null) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(keyStore), certs.password());
        }
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        try {
            s.startHandshake();
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /**
     * True if the broker refuses the client during the handshake. With TLS 1.3 the client may finish its side first
     * and only see the refusal (an alert or a close) on its first read.
     */
    private static boolean handshakeRefused(int port, Path trustStore, Path keyStore) throws Exception {
        SSLSocket s;
        try {
            s = handshake(port, trustStore, keyStore);
        } catch (IOException e) {
            return true;
        }
        try (TestClient c = TestClient.wrap(s)) {
            try {
                c.send(new HealthCheckRequest());
                return false;
            } catch (IOException e) {
                return true;
            }
        }
    }

    private static KeyStore load(Path p) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p)) {
            ks.load(in, certs.password());
        }
        return ks;
    }
}
