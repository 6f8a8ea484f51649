package io.streambus.camel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;

/**
 * The documentation of the options is complete: every component and endpoint option of the generated
 * {@code streambus.json} has a description there and is named in the option tables of the module's README. Reads
 * the README from the module directory (Surefire's working directory).
 */
class OptionDocsTest {
    private static final String JSON = "META-INF/io/streambus/camel/streambus.json";
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    /** {@code sslTruststoreLocation/Password/Type}: a name whose last word is replaced by each alternative. */
    private static final Pattern LAST_WORD = Pattern.compile("(.*?)[A-Z][a-z]+$");

    @Test
    void everyOptionHasADescriptionAndARowInTheReadmeTables() throws Exception {
        JsonObject json;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(JSON)) {
            assertThat(in).as(JSON).isNotNull();
            json = (JsonObject) Jsoner.deserialize(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Set<String> options = new TreeSet<>();
        List<String> undescribed = new ArrayList<>();
        for (String kind : List.of("componentProperties", "properties")) {
            JsonObject props = (JsonObject) json.get(kind);
            for (Map.Entry<String, Object> e : props.entrySet()) {
                options.add(e.getKey());
                Object d = ((JsonObject) e.getValue()).get("description");
                if (d == null || d.toString().isBlank()) {
                    undescribed.add(kind + "." + e.getKey());
                }
            }
        }
        assertThat(options).as("options in " + JSON).contains("topic", "isolationLevel", "transacted",
                "transactionalId", "enableIdempotence", "shareGroup", "batching");
        assertThat(undescribed).as("options without a description").isEmpty();

        Set<String> inTables = namesInOptionTables(Files.readAllLines(Path.of("README.md")));
        Set<String> missing = new TreeSet<>(options);
        missing.removeAll(inTables);
        assertThat(missing).as("options missing from the README tables").isEmpty();
    }

    /** The option names written in code spans on table rows, with {@code a/B/C} shorthands expanded. */
    private static Set<String> namesInOptionTables(List<String> readme) {
        Set<String> names = new HashSet<>();
        for (String line : readme) {
            if (!line.startsWith("|")) {
                continue;
            }
            Matcher m = CODE.matcher(line);
            while (m.find()) {
                String[] parts = m.group(1).split("[.=]")[0].split("/");
                names.add(parts[0]);
                Matcher w = LAST_WORD.matcher(parts[0]);
                if (parts.length > 1 && w.matches()) {
                    for (int i = 1; i < parts.length; i++) {
                        names.add(w.group(1) + parts[i]);
                    }
                }
            }
        }
        return names;
    }
}
