package io.streambus.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ClientConfigTest {

    private static Map<String, Object> base() {
        Map<String, Object> m = new HashMap<>();
        m.put(ClientConfig.BOOTSTRAP_SERVERS, "127.0.0.1:9092, localhost:9093");
        return m;
    }

    @Test
    void defaultsApplyAndTypedValuesParse() {
        Map<String, Object> m = base();
        m.put("linger.ms", "7");
        m.put("buffer.memory", 2048L);
        m.put("ssl.enabled", "TRUE");
        m.put("compression.type", "LZ4");
        ClientConfig c = ClientConfig.of(m);
        assertThat(c.getList(ClientConfig.BOOTSTRAP_SERVERS)).containsExactly("127.0.0.1:9092", "localhost:9093");
        assertThat(c.getInt(ClientConfig.MAX_IN_FLIGHT)).isEqualTo(5);
        assertThat(c.getInt(ClientConfig.CONNECTIONS_MAX_IDLE_MS)).isEqualTo(20_000);
        assertThat(c.getLong(ClientConfig.CAPABILITY_CACHE_MS)).isEqualTo(300_000L);
        assertThat(c.getInt(ClientConfig.FETCH_MAX_BYTES)).isEqualTo(1_048_576);
        assertThat(c.getInt(ClientConfig.LINGER_MS)).isEqualTo(7);
        assertThat(c.getLong(ClientConfig.BUFFER_MEMORY)).isEqualTo(2048L);
        assertThat(c.getBoolean(ClientConfig.SSL_ENABLED)).isTrue();
        assertThat(c.getString(ClientConfig.COMPRESSION_TYPE)).isEqualTo("lz4");
        assertThat(c.isSet(ClientConfig.LINGER_MS)).isTrue();
        assertThat(c.isSet(ClientConfig.BATCH_SIZE)).isFalse();
    }

    @Test
    void propertiesAreAccepted() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", "[::1]:9092");
        p.setProperty("retries", "3");
        ClientConfig c = ClientConfig.of(p);
        assertThat(c.getInt(ClientConfig.RETRIES)).isEqualTo(3);
        assertThat(ClientConfig.parseHostPort("[::1]:9092")).isEqualTo(Map.entry("::1", 9092));
    }

    @Test
    void unknownKeyIsRejectedByName() {
        Map<String, Object> m = base();
        m.put("linger.msec", "5");
        assertThatThrownBy(() -> ClientConfig.of(m)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("linger.msec").satisfies(e ->
                        assertThat(((ConfigException) e).key()).isEqualTo("linger.msec"));
    }

    @Test
    void invalidValuesNameKeyAndValue() {
        assertBad("max.in.flight.requests.per.connection", "many", "not an integer");
        assertBad("connections.max.idle.ms", "30000", "between");
        assertBad("compression.type", "brotli", "one of");
        assertBad("auto.offset.reset", "smallest", "one of");
        assertBad("ssl.enabled", "yes", "true or false");
        assertBad("batch.size", 0, "between");
        assertBad("linger.ms", 1.5, "not an integer");
        assertBad("bootstrap.servers", "localhost", "host:port");
        assertBad("bootstrap.servers", "localhost:x", "port");
        assertBad("bootstrap.servers", "", "at least one");
        assertBad("retry.backoff.max.ms", "10", "retry.backoff.ms");
        assertBad("partition.assignment.strategy", "range,cooperative-sticky", "range, roundrobin or sticky");
        assertBad("heartbeat.interval.ms", 5000, "third of session.timeout.ms");
    }

    @Test
    void passwordsAreNotEchoed() {
        Map<String, Object> m = base();
        m.put("sasl.mechanism", "PLAIN");
        m.put("sasl.password", "s3cret");
        assertThatThrownBy(() -> ClientConfig.of(m)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sasl.username");
        m.put("sasl.username", "alice");
        ClientConfig c = ClientConfig.of(m);
        assertThat(c.toString()).doesNotContain("s3cret").contains("sasl.password=<hidden>");
        Map<String, Object> noMech = base();
        noMech.put("sasl.username", "alice");
        assertThatThrownBy(() -> ClientConfig.of(noMech)).hasMessageContaining("sasl.mechanism");
    }

    @Test
    void overridesAreScoped() {
        ClientConfig c = ClientConfig.of(base());
        ClientConfig p = c.withOverrides(Map.of("linger.ms", 20, "compression.type", "zstd"),
                ClientConfig.Scope.PRODUCER);
        assertThat(p.getInt(ClientConfig.LINGER_MS)).isEqualTo(20);
        assertThat(c.getInt(ClientConfig.LINGER_MS)).isZero();
        assertThatThrownBy(() -> c.withOverrides(Map.of("request.timeout.ms", 5), ClientConfig.Scope.PRODUCER))
                .isInstanceOf(ConfigException.class).hasMessageContaining("request.timeout.ms")
                .hasMessageContaining("StreamBusClient");
        assertThatThrownBy(() -> c.withOverrides(Map.of("fetch.max.bytes", 5), ClientConfig.Scope.PRODUCER))
                .isInstanceOf(ConfigException.class);
        assertThat(c.withOverrides(Map.of("max.poll.records", "9"), ClientConfig.Scope.CONSUMER)
                .getInt(ClientConfig.MAX_POLL_RECORDS)).isEqualTo(9);
    }

    @Test
    @SuppressWarnings("unchecked")
    void interceptorListAcceptsNamesClassesAndInstances() {
        Map<String, Object> m = base();
        m.put("interceptor.classes", List.of("a.B", String.class, "  "));
        assertThat((List<Object>) ClientConfig.of(m).get(ClientConfig.INTERCEPTOR_CLASSES))
                .containsExactly("a.B", String.class);
    }

    /** The Javadoc table of ClientConfig lists every key with its real default. */
    @Test
    void javadocTableMatchesDefinitions() throws IOException {
        Path src = Path.of("src/main/java/io/streambus/client/ClientConfig.java");
        String text = Files.readString(src, StandardCharsets.UTF_8);
        Matcher row = Pattern.compile("<tr><td>([a-z.]+)</td><td>([a-z]+)</td><td>([^<]*)</td>").matcher(text);
        Map<String, String[]> rows = new HashMap<>();
        while (row.find()) {
            rows.put(row.group(1), new String[] {row.group(2), row.group(3)});
        }
        assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(ClientConfig.keys());
        for (String key : ClientConfig.keys()) {
            String[] r = rows.get(key);
            assertThat(r[0]).as(key).isEqualTo(ClientConfig.scopeOf(key).name().toLowerCase());
            Object d = ClientConfig.defaultOf(key);
            if (d instanceof Number || d instanceof Boolean || (d instanceof String s && !s.isEmpty()
                    && !key.equals(ClientConfig.CLIENT_ID))) {
                assertThat(r[1]).as(key).isEqualTo(String.valueOf(d));
            }
            if (d instanceof List<?> l && !l.isEmpty()) {
                assertThat(r[1]).as(key).isEqualTo(String.join(",", l.stream().map(String::valueOf).toList()));
            }
        }
    }

    private static void assertBad(String key, Object value, String problem) {
        Map<String, Object> m = base();
        m.put(key, value);
        assertThatThrownBy(() -> ClientConfig.of(m)).as(key).isInstanceOf(ConfigException.class)
                .hasMessageContaining(key).hasMessageContaining(problem);
    }
}
