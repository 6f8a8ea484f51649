package io.streambus.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.log.FlushPolicy;
import io.streambus.broker.testing.ChildBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.broker.testing.TestClient.Response;
import io.streambus.protocol.core.CreateTopicRequest;
import io.streambus.protocol.core.CreateTopicResponse;
import io.streambus.protocol.core.FetchRequest;
import io.streambus.protocol.group.OffsetCommitRequest;
import io.streambus.protocol.group.OffsetCommitResponse;
import io.streambus.protocol.group.OffsetFetchRequest;
import io.streambus.protocol.group.OffsetFetchResponse;
import io.streambus.protocol.PartitionOffset;
import io.streambus.protocol.PartitionOffsetResult;
import io.streambus.protocol.PartitionResult;
import io.streambus.protocol.core.ProduceResponse;
import io.streambus.protocol.TopicPartitions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A broker in a child JVM (the real CLI) is killed with SIGKILL while a producer is running; after a restart on the
 * same data directory every acknowledged message is there, in order. With {@code every-write} this is what the issue
 * asks for; with {@code os} it holds too, because an append reaches the page cache before it is acknowledged. The
 * same holds for committed offsets. SIGTERM stops cleanly.
 */
@EnabledOnOs(OS.LINUX)
@ExtendWith(LeakCheck.class)
class KillNineTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"every-write", "os"})
    void acknowledgedMessagesSurviveKillNine(String flush) throws Exception {
        Path data = dir.resolve("data");
        List<String> acked = new ArrayList<>();
        try (ChildBroker child = ChildBroker.start(data, "--flush", flush)) {
            try (TestClient c = TestClient.connect(child.port())) {
                // Pipeline a few requests at a time so the kill lands while work is in flight.
                int sent = 0;
                while (acked.size() < 300) {
                    for (int k = 0; k < 3; k++) {
                        c.sendAsync(TestClient.produce("k9", 0, "m" + sent++));
                    }
                    for (int k = 0; k < 3; k++) {
                        Response r = c.receive();
                        assertThat(r.body(ProduceResponse.class).baseOffset()).isEqualTo(acked.size());
                        acked.add("m" + acked.size());
                    }
                }
                for (int k = 0; k < 20; k++) {
                    c.sendAsync(TestClient.produce("k9", 0, "m" + sent++));
                }
                assertThat(child.kill()).isEqualTo(137); // 128 + SIGKILL
            }
        }
        try (EmbeddedBroker broker = EmbeddedBroker.builder().dataDir(data).flushPolicy(FlushPolicy.parse(flush)).build()) {
            int port = broker.start();
            try (TestClient c = TestClient.connect(port)) {
                Response f = c.send(new FetchRequest("k9", 0, 0, 0xFFFF_FFFFL));
                assertThat(f.fetched().size()).isGreaterThanOrEqualTo(acked.size());
                for (int i = 0; i < f.fetched().size(); i++) {
                    assertThat(f.fetched().get(i).offset()).isEqualTo(i);
                    assertThat(f.fetched().get(i).valueString()).isEqualTo("m" + i);
                }
            }
        }
    }

    @Test
    void committedOffsetsSurviveKillNine() throws Exception {
        Path data = dir.resolve("data");
        try (ChildBroker child = ChildBroker.start(data)) {
            try (TestClient c = TestClient.connect(child.port())) {
                c.send(new CreateTopicRequest("k9o", 4, 1)).body(CreateTopicResponse.class);
                for (int p = 0; p < 4; p++) {
                    OffsetCommitResponse r = c.send(new OffsetCommitRequest("k9-group", -1, "", TopicPartitions.of("k9o",
                            List.of(new PartitionOffset(p, 100 + p, "meta-" + p))))).body(OffsetCommitResponse.class);
                    assertThat(r.results().asMap().get("k9o")).containsExactly(new PartitionResult(p, 0));
                }
            }
            assertThat(child.kill()).isEqualTo(137);
        }
        try (EmbeddedBroker broker = EmbeddedBroker.builder().dataDir(data).build()) {
            int port = broker.start();
            try (TestClient c = TestClient.connect(port)) {
                OffsetFetchResponse f = c.send(new OffsetFetchRequest("k9-group", TopicPartitions.of("k9o",
                        List.of(0, 1, 2, 3)))).body(OffsetFetchResponse.class);
                assertThat(f.offsets().asMap().get("k9o")).containsExactly(
                        new PartitionOffsetResult(0, 100, "meta-0", 0), new PartitionOffsetResult(1, 101, "meta-1", 0),
                        new PartitionOffsetResult(2, 102, "meta-2", 0), new PartitionOffsetResult(3, 103, "meta-3", 0));
            }
        }
    }

    @Test
    void sigtermFlushesAndStopsCleanly() throws Exception {
        Path data = dir.resolve("data");
        try (ChildBroker child = ChildBroker.start(data, "--flush", "interval:60000")) {
            try (TestClient c = TestClient.connect(child.port())) {
                for (int i = 0; i < 50; i++) {
                    c.send(TestClient.produce("term", 0, "t" + i)).body(ProduceResponse.class);
                }
            }
            assertThat(child.terminate()).isEqualTo(143); // 128 + SIGTERM, after the shutdown hook ran
            assertThat(child.log()).contains("StreamBus broker started on").contains("stopped");
        }
        // A clean close leaves the clean-shutdown marker: everything was forced to disk.
        assertThat(Files.exists(data.resolve("topics/term/partition-0/.clean-shutdown"))).isTrue();
        try (EmbeddedBroker broker = EmbeddedBroker.builder().dataDir(data).build()) {
            int port = broker.start();
            try (TestClient c = TestClient.connect(port)) {
                assertThat(c.send(new FetchRequest("term", 0, 0, 0xFFFF_FFFFL)).fetched()).hasSize(50);
            }
        }
    }
}
