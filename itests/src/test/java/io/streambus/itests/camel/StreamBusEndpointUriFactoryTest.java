package io.streambus.itests.camel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.EndpointUriFactory;
import org.apache.camel.test.junit5.EndpointUriFactoryTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The generated URI factory: Camel's own {@link EndpointUriFactoryTestSupport} check (a route is built from the URI
 * the factory makes and started against a real broker), plus the details tooling and {@code toD} rely on.
 */
class StreamBusEndpointUriFactoryTest extends EndpointUriFactoryTestSupport {
    private static BrokerSupport sb;

    @BeforeAll
    static void broker() throws Exception {
        sb = new BrokerSupport();
    }

    @AfterAll
    static void stopBroker() {
        sb.close();
    }

    @Override
    protected String scheme() {
        return "streambus";
    }

    @Override
    protected Map<String, Object> pathParameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("topic", "uri-factory");
        m.put("brokers", sb.brokers);
        m.put("partitions", "0");
        return m;
    }

    @Nested
    class Details {
        private final CamelContext context = new DefaultCamelContext();

        private EndpointUriFactory factory() {
            return context.getCamelContextExtension().getEndpointUriFactory("streambus");
        }

        @Test
        void buildsUrisFromPathAndQueryOptions() throws Exception {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("topic", "orders");
            p.put("brokers", "h1:9092,h2:9092");
            p.put("groupId", "g");
            p.put("seekTo", "BEGINNING");
            p.put("maxPollRecords", 10);
            String uri = factory().buildUri("streambus", p, false);
            assertThat(uri).startsWith("streambus:orders?")
                    .contains("brokers=h1:9092,h2:9092").contains("groupId=g").contains("seekTo=BEGINNING")
                    .contains("maxPollRecords=10");
            assertThat(context.getEndpoint(uri)).isNotNull();
        }

        @Test
        void knowsEveryOptionSecretsAndPrefixes() {
            EndpointUriFactory f = factory();
            assertThat(f.isEnabled("streambus")).isTrue();
            assertThat(f.propertyNames()).contains("topic", "brokers", "groupId", "partitions", "seekTo",
                    "pollOnError", "breakOnFirstError", "allowManualCommit", "lingerMs", "compressionCodec",
                    "sessionTimeoutMs", "offsetRepository", "additionalProperties");
            assertThat(f.secretPropertyNames()).containsExactlyInAnyOrder("saslUsername", "saslPassword",
                    "sslTruststorePassword", "sslKeystorePassword", "sslKeyPassword");
            assertThat(f.multiValuePrefixes()).containsEntry("additionalProperties", "additionalProperties.");
            assertThat(f.isLenientProperties()).isFalse();
        }

        @Test
        void secretsAreMaskedInLoggedUris() throws Exception {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("topic", "t");
            p.put("saslMechanism", "SCRAM-SHA-256");
            p.put("saslUsername", "u");
            p.put("saslPassword", "s3cret");
            String uri = factory().buildUri("streambus", p, false);
            String sanitized = org.apache.camel.util.URISupport.sanitizeUri(uri);
            assertThat(sanitized).doesNotContain("s3cret");
        }
    }
}
