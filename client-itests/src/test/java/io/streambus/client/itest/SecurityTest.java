package io.streambus.client.itest;

import io.streambus.broker.testing.LeakCheck;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.ClientAuth;
import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.security.TlsServerConfig;
import io.streambus.broker.security.UsersFile;
import io.streambus.client.AuthenticationException;
import io.streambus.client.AuthorizationException;
import io.streambus.client.StreamBusClient;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.security.SaslConfig;
import io.streambus.client.security.TlsConfig;
import io.streambus.client.serialization.Serdes;
import io.streambus.protocol.ErrorCode;
import io.streambus.security.ScramMechanism;
import io.streambus.security.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TLS first, then the ApiVersions probe, then SASL (B.4, B.5), against the embedded broker's security. */
@ExtendWith(LeakCheck.class)
class SecurityTest {
    @TempDir
    static Path dir;
    static Path users;
    static TestCertificates certs;

    @BeforeAll
    static void setUp() throws Exception {
        certs = TestCertificates.get();
        users = dir.resolve("users.properties");
        UsersFile.addUser(users, "alice", "s3cret".toCharArray(), EnumSet.allOf(ScramMechanism.class), 4096);
    }

    private static Throwable failureOf(CompletableFuture<?> f) throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    private static StreamBusClient client(EmbeddedBroker b, SaslConfig sasl, TlsConfig tls) {
        StreamBusClient.Builder builder = StreamBusClient.builder().bootstrap(b.address())
                .property("api.timeout.ms", 5000).property("retry.backoff.ms", 20);
        if (sasl != null) {
            builder.sasl(sasl);
        }
        if (tls != null) {
            builder.tls(tls);
        }
        return builder.build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"})
    void everyMechanismAuthenticates(String mechanism, @TempDir Path data) throws Exception {
        try (EmbeddedBroker b = Brokers.start(EmbeddedBroker.builder().port(0).dataDir(data).users(users)
                .authRequired(true));
             StreamBusClient c = StreamBusClient.builder().bootstrap(b.address()).properties(Map.of(
                     "sasl.mechanism", mechanism, "sasl.username", "alice", "sasl.password", "s3cret")).build()) {
            assertThat(c.capabilities().has(io.streambus.client.admin.BrokerCapabilities.AUTH_REQUIRED)).isTrue();
            Producer<String, String> p = c.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer());
            assertThat(p.sendAndWait(new ProducerRecord<>("sec", 0, "k", "v")).offset()).isZero();
        }
    }

    @Test
    void badCredentialsAndMissingCredentialsFailWithoutRetrying(@TempDir Path data) throws Exception {
        try (EmbeddedBroker b = Brokers.start(EmbeddedBroker.builder().port(0).dataDir(data).users(users)
                .authRequired(true).saslMechanisms("SCRAM-SHA-512"))) {
            try (StreamBusClient c = client(b, SaslConfig.scramSha512("alice", "wrong"), null)) {
                long t0 = System.nanoTime();
                assertThat(failureOf(c.admin().listTopics())).isInstanceOf(AuthenticationException.class)
                        .hasMessageContaining("code " + ErrorCode.INVALID_CREDENTIALS)
                        .hasMessageContaining("wrong user name or password");
                assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(3));
            }
            try (StreamBusClient c = client(b, SaslConfig.scramSha512("mallory", "x"), null)) {
                assertThat(failureOf(c.admin().listTopics())).isInstanceOf(AuthenticationException.class)
                        .hasMessageContaining("code " + ErrorCode.INVALID_CREDENTIALS);
            }
            try (StreamBusClient c = client(b, SaslConfig.scramSha256("alice", "s3cret"), null)) {
                assertThat(failureOf(c.admin().listTopics())).isInstanceOf(AuthenticationException.class)
                        .hasMessageContaining("code " + ErrorCode.UNSUPPORTED_SASL_MECHANISM);
            }
            try (StreamBusClient c = client(b, null, null)) {
                assertThat(failureOf(c.admin().listTopics())).isInstanceOf(AuthenticationException.class)
                        .hasMessageContaining("AUTH_REQUIRED");
            }
        }
    }

    @Test
    void tlsThenSaslAndMutualTls(@TempDir Path data) throws Exception {
        TlsServerConfig serverTls = TlsServerConfig.builder().keyStore(certs.serverKeyStore(), certs.password())
                .trustStore(certs.caTrustStore(), certs.password()).clientAuth(ClientAuth.REQUIRE)
                .handshakeTimeout(Duration.ofSeconds(5)).build();
        try (EmbeddedBroker b = Brokers.start(EmbeddedBroker.builder().port(0).dataDir(data).users(users)
                .tls(serverTls))) {
            TlsConfig mtls = TlsConfig.builder().trustStore(certs.caTrustStore(), certs.password())
                    .keyStore(certs.clientKeyStore(), certs.password()).build();
            try (StreamBusClient c = client(b, SaslConfig.plain("alice", "s3cret"), mtls)) {
                assertThat(c.admin().health().get()).isEqualTo("healthy");
            }
            // the same through ssl.* keys, without SASL
            try (StreamBusClient c = StreamBusClient.builder().bootstrap(b.address()).properties(Map.of(
                    "ssl.truststore.location", certs.caTrustStore().toString(),
                    "ssl.truststore.password", new String(certs.password()),
                    "ssl.keystore.location", certs.clientKeyStore().toString(),
                    "ssl.keystore.password", new String(certs.password()))).build()) {
                assertThat(c.admin().health().get()).isEqualTo("healthy");
            }
            // a client that does not trust the broker's CA, and one without a client certificate
            TlsConfig wrongCa = TlsConfig.builder().trustStore(certs.otherCaTrustStore(), certs.password())
                    .keyStore(certs.clientKeyStore(), certs.password()).build();
            try (StreamBusClient c = client(b, null, wrongCa)) {
                assertThat(failureOf(c.admin().health())).isInstanceOf(AuthenticationException.class)
                        .hasMessageContaining("TLS handshake");
            }
            TlsConfig noCert = TlsConfig.builder().trustStore(certs.caTrustStore(), certs.password()).build();
            try (StreamBusClient c = client(b, null, noCert)) {
                long t0 = System.nanoTime();
                assertThat(failureOf(c.admin().health())).isInstanceOf(AuthenticationException.class)
                        .hasMessageContaining("TLS");
                assertThat(System.nanoTime() - t0).as("not retried").isLessThan(TimeUnit.SECONDS.toNanos(3));
            }
        }
    }

    @Test
    void aclDenialIsAnAuthorizationException(@TempDir Path data) throws Exception {
        Path acl = dir.resolve("acl.txt");
        Files.writeString(acl, "allow alice produce,fetch,describe,create topic:allowed\n");
        try (EmbeddedBroker b = Brokers.start(EmbeddedBroker.builder().port(0).dataDir(data).users(users).acl(acl));
             StreamBusClient c = client(b, SaslConfig.scramSha256("alice", "s3cret"), null)) {
            Producer<String, String> p = c.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer());
            assertThat(p.sendAndWait(new ProducerRecord<>("allowed", 0, "k", "v")).offset()).isZero();
            Throwable denied = failureOf(p.send(new ProducerRecord<>("secret", 0, "k", "v")));
            assertThat(denied).isInstanceOf(AuthorizationException.class).hasMessageContaining("alice")
                    .hasMessageContaining("secret");
            assertThat(((AuthorizationException) denied).code()).isEqualTo(ErrorCode.AUTHORIZATION_FAILED);
        }
    }
}
