package io.streambus.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON writer: RFC 8259 escaping and values, read back by the test parser. */
class JsonTest {

    @Test
    void escapesWhatRfc8259Requires() {
        assertThat(Json.write("a\"b\\c/d")).isEqualTo("\"a\\\"b\\\\c/d\"");
        assertThat(Json.write("\n\r\t\b\f")).isEqualTo("\"\\n\\r\\t\\b\\f\"");
        assertThat(Json.write("\u0000\u001f\u0001")).isEqualTo("\"\\u0000\\u001f\\u0001\"");
        assertThat(Json.write("\u007f é 😀")).isEqualTo("\"\u007f é 😀\"");
        assertThat(Json.write("x\ud800y")).isEqualTo("\"x\\ud800y\"");
        assertThat(Json.write("\udc00")).isEqualTo("\"\\udc00\"");
    }

    @Test
    void writesEveryValueTypeAndReadsBack() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "tab\there \"q\" \u0002");
        m.put("i", 42);
        m.put("l", -9_007_199_254_740_993L);
        m.put("d", 1.5);
        m.put("t", true);
        m.put("f", false);
        m.put("n", null);
        m.put("list", Arrays.asList(1, "two", null, List.of(), Map.of()));
        m.put("key \"quoted\"", Map.of("nested", List.of(Map.of("k", "v"))));
        String text = Json.write(m);
        assertThat(text).startsWith("{\"s\":").doesNotContain("\n");
        Map<String, Object> back = JsonParser.object(text);
        assertThat(back).containsEntry("s", "tab\there \"q\" \u0002").containsEntry("i", 42L)
                .containsEntry("l", -9_007_199_254_740_993L).containsEntry("t", true).containsEntry("f", false)
                .containsEntry("n", null).containsEntry("key \"quoted\"", Map.of("nested", List.of(Map.of("k", "v"))));
        assertThat(back.get("d").toString()).isEqualTo("1.5");
        assertThat(Cli.list(back.get("list"))).containsExactly(1L, "two", null, List.of(), Map.of());
    }

    @Test
    void refusesWhatJsonCannotHold() {
        assertThatThrownBy(() -> Json.write(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.write(Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.write(new Object())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theTestParserIsStrict() {
        assertThatThrownBy(() -> JsonParser.parse("{\"a\":1,}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonParser.parse("\"raw\ttab\"")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonParser.parse("[1] x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonParser.parse("01")).isInstanceOf(IllegalArgumentException.class);
    }
}
