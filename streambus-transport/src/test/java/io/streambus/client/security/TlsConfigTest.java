package io.streambus.client.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.streambus.security.testing.TestCertificates;
import io.streambus.security.testing.TlsLoopback;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Client TLS against a plain Netty TLS echo server on 127.0.0.1 (server context built directly with Netty). */
class TlsConfigTest {
    private static TestCertificates certs;
    private static TlsLoopback server;

    @BeforeAll
    static void startServer() throws Exception {
        certs = TestCertificates.get();
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(certs.serverKeyStore()), certs.password());
        SslContext serverCtx = SslContextBuilder.forServer(kmf).sslProvider(SslProvider.JDK).build();
        server = TlsLoopback.start(ch -> serverCtx.newHandler(ch.alloc()));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void handshakeSucceedsWithTheRightCaAndIpSan() throws Exception {
        TlsConfig tls = TlsConfig.builder().trustStore(certs.caTrustStore(), certs.password()).build();
        assertThat(tls.hostnameVerification()).isTrue();
        SslContext ctx = tls.newNettySslContext();
        assertThat(connect(tls, ctx, "127.0.0.1").succeeded()).isTrue();
        assertThat(connect(tls, ctx, "localhost").succeeded()).isTrue();
    }

    @Test
    void handshakeFailsWithTheWrongCa() throws Exception {
        TlsConfig tls = TlsConfig.builder().trustStore(certs.otherCaTrustStore(), certs.password()).build();
        TlsLoopback.Outcome o = connect(tls, tls.newNettySslContext(), "127.0.0.1");
        assertThat(o.succeeded()).isFalse();
        assertThat(o.clientFailure()).isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("PKIX path building failed");
    }

    @Test
    void hostnameVerificationIsOnByDefault() throws Exception {
        TlsConfig tls = TlsConfig.builder().trustStore(certs.caTrustStore(), certs.password()).build();
        TlsLoopback.Outcome o = connect(tls, tls.newNettySslContext(), "broker.not-in-san.test");
        assertThat(o.succeeded()).isFalse();
        assertThat(o.clientFailure()).isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("broker.not-in-san.test");

        TlsConfig lax = TlsConfig.builder().trustStore(certs.caTrustStore(), certs.password())
                .hostnameVerification(false).build();
        assertThat(connect(lax, lax.newNettySslContext(), "broker.not-in-san.test").succeeded()).isTrue();
    }

    @Test
    void providedSslContextIsUsedWithHostnameVerification() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(certs.caTrustStore()));
        SSLContext jdk = SSLContext.getInstance("TLS");
        jdk.init(null, tmf.getTrustManagers(), null);
        TlsConfig tls = TlsConfig.builder().sslContext(jdk).build();
        SslContext ctx = tls.newNettySslContext();
        assertThat(connect(tls, ctx, "127.0.0.1").succeeded()).isTrue();
        assertThat(connect(tls, ctx, "broker.not-in-san.test").clientFailure())
                .isInstanceOf(SSLHandshakeException.class).hasMessageContaining("broker.not-in-san.test");
    }

    @Test
    void protocolsAreApplied() throws Exception {
        TlsConfig tls = TlsConfig.builder().trustStore(certs.caTrustStore(), certs.password())
                .protocols("TLSv1.2").build();
        TlsLoopback.Outcome o = connect(tls, tls.newNettySslContext(), "127.0.0.1");
        assertThat(o.succeeded()).isTrue();
        assertThat(o.serverSession().getProtocol()).isEqualTo("TLSv1.2");
    }

    @Test
    void storeProblemsAreNamed(@org.junit.jupiter.api.io.TempDir Path tmp) {
        Path missing = tmp.resolve("nope.p12");
        assertThatThrownBy(() -> TlsConfig.builder().trustStore(missing, null).build().newNettySslContext())
                .isInstanceOf(SSLException.class).hasMessageContaining(missing.toString());
        assertThatThrownBy(() -> TlsConfig.builder().trustStore(certs.caTrustStore(), "wrong".toCharArray())
                .build().newNettySslContext())
                .isInstanceOf(SSLException.class).hasMessageContaining("trust store");
        assertThatThrownBy(() -> TlsConfig.builder().keyStore(certs.clientKeyStore(), "wrong".toCharArray())
                .build().newNettySslContext())
                .isInstanceOf(SSLException.class).hasMessageContaining("key store");
    }

    @Test
    void sslContextExcludesStoresAndToStringHidesPasswords() throws Exception {
        assertThatThrownBy(() -> TlsConfig.builder().sslContext(SSLContext.getDefault())
                .trustStore(certs.caTrustStore(), certs.password()).build())
                .isInstanceOf(IllegalStateException.class);
        String s = TlsConfig.builder().trustStore(certs.caTrustStore(), "hunter2-pw".toCharArray())
                .keyStore(certs.clientKeyStore(), "hunter2-pw".toCharArray()).build().toString();
        assertThat(s).contains("ca-truststore.p12", "client.p12").doesNotContain("hunter2-pw");
    }

    private static TlsLoopback.Outcome connect(TlsConfig tls, SslContext ctx, String host) throws Exception {
        return server.connect(ch -> tls.newHandler(ctx, ch.alloc(), host, server.port()));
    }

    private static KeyStore load(Path p) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p)) {
            ks.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        return ks;
    }
}
