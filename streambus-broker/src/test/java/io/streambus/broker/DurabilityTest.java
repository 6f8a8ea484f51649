package io.streambus.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.broker.log.FlushPolicy;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.broker.testing.TestClient.Fetched;
import io.streambus.broker.testing.TestClient.Response;
import io.streambus.protocol.core.CreateTopicRequest;
import io.streambus.protocol.core.CreateTopicResponse;
import io.streambus.protocol.core.FetchRequest;
import io.streambus.protocol.core.ListTopicsRequest;
import io.streambus.protocol.core.ListTopicsResponse;
import io.streambus.protocol.core.ProduceResponse;
import io.streambus.protocol.core.TopicInfo;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Restarts keep every acknowledged message; a torn tail is cut back to the last complete record. */
@ExtendWith(LeakCheck.class)
class DurabilityTest {
    @TempDir
    Path dir;

    @Test
    void restartOnSameDirectoryAndPortKeepsEverythingAcknowledged() throws IOException {
        EmbeddedBroker broker = EmbeddedBroker.builder().dataDir(dir).flushPolicy(FlushPolicy.OS).build();
        int port = broker.start();
        try (TestClient c = TestClient.connect(port)) {
            c.send(new CreateTopicRequest("three", 3, 1)).body(CreateTopicResponse.class);
            for (int i = 0; i < 30; i++) {
                c.send(TestClient.produce("three", i % 3, "v" + i)).body(ProduceResponse.class);
            }
            c.send(TestClient.produce("auto", 0, "a", "b")).body(ProduceResponse.class);
        }
        broker.stop();
        assertThat(broker.isRunning()).isFalse();
        assertThat(broker.start()).isEqualTo(port);
        try (TestClient c = TestClient.connect(port)) {
            assertThat(c.send(new ListTopicsRequest()).body(ListTopicsResponse.class).topics())
                    .contains(new TopicInfo("three", 3), new TopicInfo("auto", 1));
            for (int p = 0; p < 3; p++) {
                Response f = c.send(new FetchRequest("three", p, 0, 1 << 20));
                assertThat(f.fetched()).extracting(Fetched::offset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
                for (int k = 0; k < 10; k++) {
                    assertThat(f.fetched().get(k).valueString()).isEqualTo("v" + (k * 3 + p));
                }
            }
            // Offsets continue after the restart.
            assertThat(c.send(TestClient.produce("auto", 0, "c")).body(ProduceResponse.class).baseOffset()).isEqualTo(2);
        }
        broker.close();
        assertThat(Files.exists(dir)).isTrue(); // a given data directory is never deleted
        assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void secondBrokerOnTheSameDirectoryFailsToStart() throws IOException {
        try (EmbeddedBroker first = EmbeddedBroker.builder().dataDir(dir).build()) {
            first.start();
            EmbeddedBroker second = EmbeddedBroker.builder().dataDir(dir).build();
            assertThatThrownBy(second::start).isInstanceOf(IOException.class).hasMessageContaining("in use");
            assertThat(second.isRunning()).isFalse();
            second.close();
        }
    }

    @Test
    void portInUseFailsCleanlyAndReleasesTheDirectory() throws IOException {
        try (EmbeddedBroker first = EmbeddedBroker.builder().temporary().build()) {
            int port = first.start();
            EmbeddedBroker second = EmbeddedBroker.builder().dataDir(dir).port(port).build();
            assertThatThrownBy(second::start).isInstanceOf(IOException.class).hasMessageContaining(":" + port);
            // The data directory is not left locked.
            try (EmbeddedBroker third = EmbeddedBroker.builder().dataDir(dir).build()) {
                third.start();
            }
        }
    }

    @Test
    void truncatedLastSegmentKeepsEveryCompleteRecord() throws IOException {
        EmbeddedBroker broker = EmbeddedBroker.builder().dataDir(dir).build();
        int port = broker.start();
        Path partitionDir = dir.resolve("topics").resolve("torn").resolve("partition-0");
        List<Long> batchEnds = new ArrayList<>();
        int produced = 40;
        try (TestClient c = TestClient.connect(port)) {
            for (int i = 0; i < produced; i++) {
                c.send(TestClient.produce("torn", 0, "value-" + i + "-" + "x".repeat(i))).body(ProduceResponse.class);
                batchEnds.add(Files.size(lastSegment(partitionDir)));
            }
        }
        broker.stop();
        Path segment = lastSegment(partitionDir);
        byte[] original = Files.readAllBytes(segment);
        assertThat((long) original.length).isEqualTo(batchEnds.get(produced - 1));

        Random random = new Random(7);
        TreeSet<Long> cuts = new TreeSet<>(List.of(0L, 1L, batchEnds.get(0), batchEnds.get(0) + 1,
                batchEnds.get(20) - 1, batchEnds.get(20), (long) original.length - 1));
        while (cuts.size() < 15) {
            cuts.add((long) random.nextInt(original.length));
        }
        for (long cut : cuts) {
            Files.write(segment, original);
            try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
                f.setLength(cut);
            }
            // A crash leaves no clean-shutdown marker; without it and without a recovery checkpoint (the image is
            // rewritten under the one the last run wrote) the last segment is scanned completely.
            Files.deleteIfExists(partitionDir.resolve(".clean-shutdown"));
            Files.deleteIfExists(dir.resolve("recovery-point-offset-checkpoint"));
            long complete = batchEnds.stream().filter(end -> end <= cut).count();
            assertRecovered(broker, port, (int) complete, "cut at " + cut);
        }

        // Garbage after the last record (a torn write of random bytes) is cut as well.
        byte[] garbage = new byte[100];
        random.nextBytes(garbage);
        Files.write(segment, original);
        Files.write(segment, garbage, java.nio.file.StandardOpenOption.APPEND);
        Files.deleteIfExists(partitionDir.resolve(".clean-shutdown"));
        Files.deleteIfExists(dir.resolve("recovery-point-offset-checkpoint"));
        assertRecovered(broker, port, produced, "garbage tail");
        broker.close();
    }

    private static void assertRecovered(EmbeddedBroker broker, int port, int complete, String what) throws IOException {
        broker.start();
        try (TestClient c = TestClient.connect(port)) {
            Response f = c.send(new FetchRequest("torn", 0, 0, 0xFFFF_FFFFL));
            assertThat(f.fetchHighWaterMark()).as(what).isEqualTo(complete);
            assertThat(f.fetched()).as(what).hasSize(complete);
            for (int i = 0; i < complete; i++) {
                assertThat(f.fetched().get(i).offset()).isEqualTo(i);
                assertThat(f.fetched().get(i).valueString()).isEqualTo("value-" + i + "-" + "x".repeat(i));
            }
            // New appends continue right after the last complete record.
            assertThat(c.send(TestClient.produce("torn", 0, "after")).body(ProduceResponse.class).baseOffset())
                    .as(what).isEqualTo(complete);
        }
        broker.stop();
    }

    private static Path lastSegment(Path partitionDir) throws IOException {
        try (Stream<Path> files = Files.list(partitionDir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".log")).max(Path::compareTo).orElseThrow();
        }
    }
}
