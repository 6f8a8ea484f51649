package io.streambus.itests.camel;

import io.streambus.broker.testing.LeakCheck;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.ssl.ClientAuth;
import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.security.TlsServerConfig;
import io.streambus.broker.security.UsersFile;
import io.streambus.security.ScramMechanism;
import io.streambus.security.testing.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and SASL through endpoint options, and Camel's SSLContextParameters, against a broker that requires both. */
@ExtendWith(LeakCheck.class)
class SecurityTest {
    @TempDir
    static Path dir;
    private static EmbeddedBroker broker;
    private static TestCertificates certs;
    private static String brokers;
    private CamelContext context;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.get();
        Path users = dir.resolve("users.properties");
        UsersFile.addUser(users, "alice", "s3cret".toCharArray(), EnumSet.allOf(ScramMechanism.class), 4096);
        broker = EmbeddedBroker.builder().temporary().users(users).authRequired(true)
                .tls(TlsServerConfig.builder().keyStore(certs.serverKeyStore(), certs.password())
                        .clientAuth(ClientAuth.NONE).build()).build();
        brokers = "127.0.0.1:" + broker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @AfterEach
    void stopCamel() {
        if (context != null) {
            context.stop();
        }
    }

    private List<String> roundTrip(String topic, String security) throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        context = new DefaultCamelContext();
        context.getRegistry().bind("tls", tlsParameters());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("streambus:" + topic + "?brokers=" + brokers + "&" + security + "&partitions=0&seekTo=BEGINNING")
                        .process(e -> got.add(e.getIn().getBody(String.class)));
                from("direct:send").to("streambus:" + topic + "?brokers=" + brokers + "&" + security);
            }
        });
        context.start();
        return got;
    }

    private static SSLContextParameters tlsParameters() {
        KeyStoreParameters trust = new KeyStoreParameters();
        trust.setResource(certs.caTrustStore().toUri().toString());
        trust.setPassword(TestCertificates.PASSWORD);
        trust.setType("PKCS12");
        TrustManagersParameters tm = new TrustManagersParameters();
        tm.setKeyStore(trust);
        SSLContextParameters p = new SSLContextParameters();
        p.setTrustManagers(tm);
        return p;
    }

    @Test
    void tlsAndScramThroughOptions() throws Exception {
        String security = "sslTruststoreLocation=" + certs.caTrustStore() + "&sslTruststorePassword="
                + TestCertificates.PASSWORD + "&saslMechanism=SCRAM-SHA-512&saslUsername=alice"
                + "&saslPassword=RAW(s3cret)";
        List<String> got = roundTrip("secure-options", security);
        context.createProducerTemplate().sendBody("direct:send", "over TLS");
        await().atMost(Duration.ofSeconds(15)).until(() -> got.size() == 1);
        assertThat(got).containsExactly("over TLS");
    }

    @Test
    void tlsThroughCamelSslContextParameters() throws Exception {
        List<String> got = roundTrip("secure-params", "sslContextParameters=#tls&saslMechanism=SCRAM-SHA-256"
                + "&saslUsername=alice&saslPassword=s3cret");
        context.createProducerTemplate().sendBody("direct:send", "via parameters");
        await().atMost(Duration.ofSeconds(15)).until(() -> got.size() == 1);
        assertThat(got).containsExactly("via parameters");
    }

    @Test
    void wrongPasswordFailsTheExchangeWithAnAuthenticationError() throws Exception {
        context = new DefaultCamelContext();
        context.getRegistry().bind("tls", tlsParameters());
        context.start();
        Exchange e = context.createProducerTemplate().request("streambus:secure-wrong?brokers=" + brokers
                + "&sslContextParameters=#tls&saslMechanism=SCRAM-SHA-256&saslUsername=alice&saslPassword=wrong"
                + "&deliveryTimeoutMs=5000&maxBlockMs=5000", x -> x.getIn().setBody("x"));
        assertThat(e.getException()).isNotNull();
        Throwable t = e.getException();
        StringBuilder chain = new StringBuilder();
        while (t != null) {
            chain.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(" / ");
            t = t.getCause();
        }
        assertThat(chain.toString()).containsIgnoringCase("authentic");
    }
}
