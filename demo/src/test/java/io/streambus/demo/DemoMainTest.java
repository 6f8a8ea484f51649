package io.streambus.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.broker.testing.LeakCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LeakCheck.class)
class DemoMainTest {

    private static String run(int expectedExit, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = DemoMain.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), args);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(out).isEqualTo(expectedExit);
        return out;
    }

    @Test
    void explicitPartitionsRunDeliversEverythingAndExitsZero(@TempDir Path dir) {
        String out = run(0, "--messages", "5000", "--batch", "500", "--partitions", "0,1,2", "--data-dir",
                dir.toString());
        assertThat(out).contains("Embedded StreamBus broker on 127.0.0.1:")
                .contains("[camel] done: sent 5,000, received 5,000 of 5,000")
                .contains("All messages received.");
        // a second run on the same data directory counts only its own orders
        String again = run(0, "--messages", "300", "--batch", "100", "--partitions", "0,1,2", "--data-dir",
                dir.toString());
        assertThat(again).contains("received 300 of 300").doesNotContain("Created topic");
    }

    @Test
    void defaultRunConsumesAsAGroup() {
        String out = run(0, "--messages", "5000", "--batch", "500");
        assertThat(out).contains("groupId=demo").contains("[camel] done: sent 5,000, received 5,000 of 5,000");
    }

    @Test
    void optionsAreCheckedAndExplained() {
        assertThat(run(0, "--help")).contains("--messages N");
        assertThat(run(2, "--messages", "x")).contains("--messages must be a number");
        assertThat(run(2, "--bogus")).contains("unknown option --bogus");
        assertThatThrownBy(() -> DemoOptions.parse("--brokers", "h:1", "--data-dir", "/tmp/x"))
                .hasMessageContaining("--data-dir");
        DemoOptions o = DemoOptions.parse();
        assertThat(o.messages()).isEqualTo(100_000);
        assertThat(o.brokers()).isNull();
        assertThat(o.topic()).isEqualTo("orders");
    }
}
