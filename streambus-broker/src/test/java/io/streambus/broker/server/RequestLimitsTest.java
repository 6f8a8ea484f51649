package io.streambus.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.PartitionOffset;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.core.CreateTopicRequest;
import io.streambus.protocol.core.CreateTopicResponse;
import io.streambus.protocol.core.FetchRequest;
import io.streambus.protocol.core.ListTopicsRequest;
import io.streambus.protocol.core.ListTopicsResponse;
import io.streambus.protocol.group.OffsetCommitRequest;
import io.streambus.protocol.group.OffsetFetchRequest;
import io.streambus.protocol.group.OffsetFetchResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request-size and resource limits over real sockets: partitions per OffsetCommit/OffsetFetch (a 10 MiB OffsetFetch
 * listing 2.6 million partitions), topics and partitions per topic, auto-create rights, and storage errors that do
 * not show server paths.
 */
@ExtendWith(LeakCheck.class)
class RequestLimitsTest {
    @TempDir
    Path dir;

    /** An OffsetFetch payload for group {@code g} listing partitions 0..n-1 of topic {@code t}, built raw. */
    private static byte[] offsetFetchPayload(int n) {
        ByteBuffer b = ByteBuffer.allocate(4 + 1 + 4 + 4 + 1 + 4 + 4 * n);
        b.putInt(1).put((byte) 'g').putInt(1).putInt(1).put((byte) 't').putInt(n);
        for (int i = 0; i < n; i++) {
            b.putInt(i);
        }
        return b.array();
    }

    @Test
    void anOffsetFetchListingMillionsOfPartitionsIsRefusedBeforeItIsDecoded() throws Exception {
        Path acl = dir.resolve("acl.txt");
        Files.writeString(acl, "allow anonymous describe topic:*\n"); // no group rights at all
        try (EmbeddedBroker b = EmbeddedBroker.builder().dataDir(dir.resolve("data")).acl(acl).build();
                TestClient c = TestClient.connect(b.start())) {
            byte[] huge = offsetFetchPayload(2_600_000); // just under the 10 MiB frame limit
            for (int i = 0; i < 3; i++) {
                c.sendRaw(ApiKey.OFFSET_FETCH.code(), 1, 0, huge, ApiKey.OFFSET_FETCH);
                TestClient.Response r = c.receive();
                assertThat(r.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
                assertThat(r.errorMessage()).contains("10000");
            }
        }
    }

    @Test
    void partitionsPerOffsetRequestAreCappedAtTheLimit() throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.builder().dataDir(dir.resolve("data")).maxPartitionsPerRequest(100)
                .build(); TestClient c = TestClient.connect(b.start())) {
            List<Integer> hundred = IntStream.range(0, 100).boxed().toList();
            OffsetFetchResponse ok = c.send(new OffsetFetchRequest("g", TopicPartitions.of("t", hundred)))
                    .body(OffsetFetchResponse.class);
            assertThat(ok.offsets().asMap().get("t")).hasSize(100);
            List<Integer> more = IntStream.range(0, 101).boxed().toList();
            assertThat(c.send(new OffsetFetchRequest("g", TopicPartitions.of("t", more))).errorCode())
                    .isEqualTo(ErrorCode.INVALID_REQUEST);
            List<PartitionOffset> commits = new ArrayList<>();
            for (int i = 0; i < 101; i++) {
                commits.add(new PartitionOffset(i, 1, "m"));
            }
            assertThat(c.send(new OffsetCommitRequest("g", -1, "", TopicPartitions.of("t", commits))).errorCode())
                    .isEqualTo(ErrorCode.INVALID_REQUEST);
        }
    }

    @Test
    void topicsAndPartitionsPerTopicAreCapped() throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.builder().dataDir(dir.resolve("data")).maxTopics(3)
                .maxPartitionsPerTopic(8).build(); TestClient c = TestClient.connect(b.start())) {
            TestClient.Response big = c.send(new CreateTopicRequest("wide", 10_000, 1));
            assertThat(big.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(big.errorMessage()).contains("limit of 8");
            for (String t : List.of("a", "b", "c")) {
                assertThat(c.send(new CreateTopicRequest(t, 8, 1)).body(CreateTopicResponse.class).created()).isTrue();
            }
            assertThat(c.send(new CreateTopicRequest("d", 1, 1)).errorMessage()).contains("limit of 3 topics");
            assertThat(c.send(new CreateTopicRequest("a", 8, 1)).isError()).isFalse(); // existing: as before
            // Auto-create stops at the limit too.
            assertThat(c.send(TestClient.produce("e", 0, "x")).errorCode()).isEqualTo(ErrorCode.TOPIC_NOT_FOUND);
        }
    }

    @Test
    void fetchRightsAloneDoNotCreateTopics() throws Exception {
        Path acl = dir.resolve("acl.txt");
        Files.writeString(acl, "allow anonymous fetch topic:public-*\n");
        try (EmbeddedBroker b = EmbeddedBroker.builder().dataDir(dir.resolve("data")).acl(acl).build();
                TestClient c = TestClient.connect(b.start())) {
            for (int i = 0; i < 20; i++) {
                assertThat(c.send(new FetchRequest("public-" + i, 0, 0, 100)).errorCode())
                        .isEqualTo(ErrorCode.TOPIC_NOT_FOUND);
            }
            assertThat(c.send(new ListTopicsRequest()).body(ListTopicsResponse.class).topics()).isEmpty();
        }
    }

    @Test
    void storageErrorsDoNotShowServerPaths() throws Exception {
        Path data = dir.resolve("data");
        try (EmbeddedBroker b = EmbeddedBroker.builder().dataDir(data).build();
                TestClient c = TestClient.connect(b.start())) {
            assertThat(c.send(new CreateTopicRequest("probe", 1, 1)).isError()).isFalse();
            Path topics;
            try (Stream<Path> s = Files.walk(data)) {
                topics = s.filter(p -> p.getFileName().toString().equals("probe")).findFirst().orElseThrow()
                        .getParent();
            }
            Files.writeString(topics.resolve("blocked"), "not a directory", StandardCharsets.UTF_8);
            TestClient.Response r = c.send(new CreateTopicRequest("blocked", 1, 1));
            assertThat(r.errorCode()).isEqualTo(ErrorCode.STORAGE_ERROR);
            assertThat(r.errorMessage()).doesNotContain(data.toAbsolutePath().toString()).doesNotContain("/tmp")
                    .doesNotContain(dir.toString());
        }
    }
}
