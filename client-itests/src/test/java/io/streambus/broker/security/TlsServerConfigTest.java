package io.streambus.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.streambus.client.security.TlsConfig;
import io.streambus.security.testing.TestCertificates;
import io.streambus.security.testing.TlsLoopback;
import java.nio.file.Path;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real TLS handshakes over 127.0.0.1 between {@link TlsServerConfig} and the client's {@link TlsConfig}. Lives in
 * client-itests because it uses the client, which the broker module must not import.
 */
class TlsServerConfigTest {
    private static TestCertificates certs;

    @BeforeAll
    static void pki() {
        certs = TestCertificates.get();
    }

    @Test
    void serverTlsWithTheRightCaSucceedsAndWrongCaFails() throws Exception {
        try (TlsLoopback server = start(serverConfig(ClientAuth.NONE))) {
            TlsLoopback.Outcome ok = connect(server, client(certs.caTrustStore(), null), "127.0.0.1");
            assertThat(ok.succeeded()).isTrue();
            assertThat(TlsPrincipal.fromSession(ok.serverSession())).isEmpty();

            TlsLoopback.Outcome wrongCa = connect(server, client(certs.otherCaTrustStore(), null), "127.0.0.1");
            assertThat(wrongCa.succeeded()).isFalse();
            assertThat(wrongCa.clientFailure()).isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void hostnameVerificationIsOnByDefault() throws Exception {
        try (TlsLoopback server = start(serverConfig(ClientAuth.NONE))) {
            assertThat(connect(server, client(certs.caTrustStore(), null), "localhost").succeeded()).isTrue();
            TlsLoopback.Outcome o = connect(server, client(certs.caTrustStore(), null), "wrong-name.example");
            assertThat(o.succeeded()).isFalse();
            assertThat(o.clientFailure()).hasMessageContaining("wrong-name.example");
        }
    }

    @Test
    void mutualTlsRequiresATrustedClientCertificateAndYieldsItsCn() throws Exception {
        try (TlsLoopback server = start(serverConfig(ClientAuth.REQUIRE))) {
            TlsLoopback.Outcome ok = connect(server, client(certs.caTrustStore(), certs.clientKeyStore()),
                    "127.0.0.1");
            assertThat(ok.succeeded()).isTrue();
            assertThat(TlsPrincipal.fromSession(ok.serverSession())).contains("tls:CN=" + TestCertificates.CLIENT_CN + ",O=StreamBus");

            TlsLoopback.Outcome noCert = connect(server, client(certs.caTrustStore(), null), "127.0.0.1");
            assertThat(noCert.succeeded()).isFalse();
            assertThat(noCert.serverFailure()).isInstanceOf(SSLHandshakeException.class);

            TlsLoopback.Outcome rogue = connect(server, client(certs.caTrustStore(), certs.otherClientKeyStore()),
                    "127.0.0.1");
            assertThat(rogue.succeeded()).isFalse();
            assertThat(rogue.serverFailure()).isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void optionalClientAuthAcceptsBothAndReportsThePrincipalWhenPresent() throws Exception {
        try (TlsLoopback server = start(serverConfig(ClientAuth.OPTIONAL))) {
            TlsLoopback.Outcome anonymous = connect(server, client(certs.caTrustStore(), null), "127.0.0.1");
            assertThat(anonymous.succeeded()).isTrue();
            assertThat(TlsPrincipal.fromSession(anonymous.serverSession())).isEmpty();
            TlsLoopback.Outcome withCert = connect(server, client(certs.caTrustStore(), certs.clientKeyStore()),
                    "127.0.0.1");
            assertThat(TlsPrincipal.fromSession(withCert.serverSession())).contains("tls:CN=" + TestCertificates.CLIENT_CN + ",O=StreamBus");
        }
    }

    @Test
    void configurationErrorsAreClear() {
        assertThatThrownBy(() -> TlsServerConfig.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("key store");
        assertThatThrownBy(() -> TlsServerConfig.builder().keyStore(certs.serverKeyStore(), certs.password())
                .clientAuth(ClientAuth.REQUIRE).build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("trust store");
        assertThatThrownBy(() -> TlsServerConfig.builder().keyStore(certs.serverKeyStore(), "bad".toCharArray())
                .build().newNettySslContext()).isInstanceOf(SSLException.class)
                .hasMessageContaining(certs.serverKeyStore().toString());
        String s = TlsServerConfig.builder().keyStore(certs.serverKeyStore(), "pw-hunter2".toCharArray()).build()
                .toString();
        assertThat(s).contains("server.p12").doesNotContain("pw-hunter2");
    }

    private static TlsServerConfig serverConfig(ClientAuth auth) {
        TlsServerConfig.Builder b = TlsServerConfig.builder().keyStore(certs.serverKeyStore(), certs.password())
                .clientAuth(auth);
        if (auth != ClientAuth.NONE) {
            b.trustStore(certs.caTrustStore(), certs.password());
        }
        return b.build();
    }

    private static TlsLoopback start(TlsServerConfig config) throws Exception {
        SslContext ctx = config.newNettySslContext();
        return TlsLoopback.start(ch -> config.newHandler(ctx, ch.alloc()));
    }

    private static TlsConfig client(Path trustStore, Path keyStore) {
        TlsConfig.Builder b = TlsConfig.builder().trustStore(trustStore, certs.password());
        if (keyStore != null) {
            b.keyStore(keyStore, certs.password());
        }
        return b.build();
    }

    private static TlsLoopback.Outcome connect(TlsLoopback server, TlsConfig tls, String host) throws Exception {
        SslContext ctx = tls.newNettySslContext();
        return server.connect(ch -> tls.newHandler(ctx, ch.alloc(), host, server.port()));
    }
}
