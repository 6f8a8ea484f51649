package io.streambus.broker.group;

import io.streambus.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A JVM committing offsets is killed with SIGKILL; every acknowledged offset must be there afterwards. */
class OffsetStoreKillTest {

    @TempDir
    Path dataDir;

    @Test
    void acknowledgedOffsetsSurviveKillMinus9() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                OffsetStoreCrashChild.class.getName(), dataDir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        Map<Integer, Long> acked = new HashMap<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line = in.readLine();
            assertThat(line).isEqualTo("READY");
            int count = 0;
            while (count < 300 && (line = in.readLine()) != null) {
                String[] parts = line.split(" ");
                acked.put(Integer.parseInt(parts[1]), Long.parseLong(parts[2]));
                count++;
            }
            assertThat(count).as("acknowledgements before the kill").isEqualTo(300);
            // SIGKILL on Linux: no shutdown hook, no close(). It also closes our end of the pipe, so acks still
            // in flight are not seen; the ones seen are enough.
            child.destroyForcibly();
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        try (OffsetStore store = OffsetStore.open(dataDir)) {
            for (Map.Entry<Integer, Long> e : acked.entrySet()) {
                CommittedOffset stored = store.offset("crash", new TopicPartition("t", e.getKey()));
                assertThat(stored).as("partition %d", e.getKey()).isNotNull();
                assertThat(stored.offset()).as("partition %d", e.getKey()).isGreaterThanOrEqualTo(e.getValue());
            }
        }
    }
}
