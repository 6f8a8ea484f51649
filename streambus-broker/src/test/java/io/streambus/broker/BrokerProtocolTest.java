package io.streambus.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.broker.testing.TestClient.Fetched;
import io.streambus.broker.testing.TestClient.Msg;
import io.streambus.broker.testing.TestClient.Response;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.core.CreateTopicRequest;
import io.streambus.protocol.core.CreateTopicResponse;
import io.streambus.protocol.core.DeleteTopicRequest;
import io.streambus.protocol.core.DeleteTopicResponse;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.core.FetchRequest;
import io.streambus.protocol.core.GetOffsetRequest;
import io.streambus.protocol.core.GetOffsetResponse;
import io.streambus.protocol.core.HealthCheckRequest;
import io.streambus.protocol.core.HealthCheckResponse;
import io.streambus.protocol.core.ListTopicsRequest;
import io.streambus.protocol.core.ListTopicsResponse;
import io.streambus.common.Header;
import io.streambus.protocol.core.ProduceRequest;
import io.streambus.protocol.core.ProduceResponse;
import io.streambus.protocol.core.TopicInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every Part A request type over a real socket, with the conforming-broker rules and the quirks of A.6 and A.8. */
@ExtendWith(LeakCheck.class)
class BrokerProtocolTest {
    private static EmbeddedBroker broker;
    private static final AtomicInteger TOPICS = new AtomicInteger();
    private TestClient client;
    private String topic;

    @BeforeAll
    static void startBroker() throws IOException {
        broker = EmbeddedBroker.builder().temporary().build();
        broker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void connect() throws IOException {
        client = TestClient.connect(broker.port());
        topic = "t" + TOPICS.incrementAndGet();
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    @Test
    void produceThenFetchKeepsOffsetsHeadersAndTimestamps() throws IOException {
        List<Msg> msgs = List.of(
                new Msg(1_700_000_000_000_000_000L, "k1".getBytes(StandardCharsets.UTF_8), "v1".getBytes(StandardCharsets.UTF_8),
                        List.of(Header.of("content-type", "text/plain"), Header.of("trace", "abc"))),
                new Msg(-5, new byte[0], new byte[0], List.of()),
                new Msg(1, "k3".getBytes(StandardCharsets.UTF_8), "v3".getBytes(StandardCharsets.UTF_8),
                        List.of(Header.of("b", "2"), Header.of("a", "1"))));
        ProduceResponse p = client.send(new ProduceRequest(topic, 0, TestClient.block(msgs))).body(ProduceResponse.class);
        assertThat(p.baseOffset()).isZero();
        assertThat(p.messageCount()).isEqualTo(3);
        assertThat(p.highWaterMark()).isEqualTo(3);

        ProduceResponse p2 = client.send(TestClient.produce(topic, 0, "v4")).body(ProduceResponse.class);
        assertThat(p2.baseOffset()).isEqualTo(3);
        assertThat(p2.highWaterMark()).isEqualTo(4);

        Response f = client.send(new FetchRequest(topic, 0, 0, 1 << 20));
        assertThat(f.isError()).isFalse();
        assertThat(f.fetchHighWaterMark()).isEqualTo(4);
        assertThat(f.fetched()).extracting(Fetched::offset).containsExactly(0L, 1L, 2L, 3L);
        Fetched first = f.fetched().get(0);
        assertThat(first.timestampNanos()).isEqualTo(1_700_000_000_000_000_000L);
        assertThat(new String(first.key(), StandardCharsets.UTF_8)).isEqualTo("k1");
        assertThat(first.valueString()).isEqualTo("v1");
        assertThat(first.headers()).containsExactly(Header.of("content-type", "text/plain"),
                Header.of("trace", "abc"));
        assertThat(f.fetched().get(1).timestampNanos()).isEqualTo(-5);
        assertThat(f.fetched().get(1).value()).isEmpty();
        // Header order is the producer's order, not sorted.
        assertThat(f.fetched().get(2).headers()).containsExactly(Header.of("b", "2"), Header.of("a", "1"));
        assertThat(f.fetched().get(3).valueString()).isEqualTo("v4");

        Response from2 = client.send(new FetchRequest(topic, 0, 2, 1 << 20));
        assertThat(from2.fetched()).extracting(Fetched::offset).containsExactly(2L, 3L);
    }

    @Test
    void produceAutoCreatesWithOnePartitionAndUnknownPartitionIsCode8() throws IOException {
        Response r = client.send(TestClient.produce(topic, 3, "x"));
        assertThat(r.errorCode()).isEqualTo(ErrorCode.TOPIC_NOT_FOUND);
        assertThat(r.errorMessage()).isEqualTo("partition 3 does not exist in topic " + topic);
        // The topic was created anyway, with one partition (A.6.1 [observed]).
        assertThat(listTopics()).contains(new TopicInfo(topic, 1));
    }

    @Test
    void fetchAutoCreatesAndReturnsNothing() throws IOException {
        Response f = client.send(new FetchRequest(topic, 0, 0, 1024));
        assertThat(f.isError()).isFalse();
        assertThat(f.fetched()).isEmpty();
        assertThat(f.fetchHighWaterMark()).isZero();
        assertThat(listTopics()).contains(new TopicInfo(topic, 1));
        Response bad = client.send(new FetchRequest(topic, 1, 0, 1024));
        assertThat(bad.errorCode()).isEqualTo(ErrorCode.TOPIC_NOT_FOUND);
        assertThat(bad.errorMessage()).isEqualTo("partition 1 does not exist in topic " + topic);
    }

    @Test
    void produceWithZeroMessagesIsCode2AndConnectionStaysUsable() throws IOException {
        byte[] t = topic.getBytes(StandardCharsets.US_ASCII);
        byte[] payload = io.netty.buffer.Unpooled.buffer().writeInt(t.length).writeBytes(t).writeInt(0).writeInt(0)
                .array();
        payload = java.util.Arrays.copyOf(payload, 4 + t.length + 8);
        client.sendRaw(ApiKey.PRODUCE.code(), 1, 0, payload, ApiKey.PRODUCE);
        Response r = client.receive();
        assertThat(r.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(client.send(new HealthCheckRequest()).isError()).isFalse();
    }

    @Test
    void fetchOutsideTheLogIsEmptyWithHighWaterMark() throws IOException {
        client.send(TestClient.produce(topic, 0, "a", "b", "c")).body(ProduceResponse.class);
        for (long offset : new long[] {-1, -100, Long.MIN_VALUE, 3, 4, Long.MAX_VALUE}) {
            Response f = client.send(new FetchRequest(topic, 0, offset, 1 << 20));
            assertThat(f.isError()).isFalse();
            assertThat(f.fetched()).as("offset %d", offset).isEmpty();
            assertThat(f.fetchHighWaterMark()).isEqualTo(3);
        }
    }

    @Test
    void fetchMaxBytesCountsKeyAndValueBeforeEachMessage() throws IOException {
        client.send(TestClient.produce(topic, 0, "aaaa", "bbbb", "cccc")).body(ProduceResponse.class);
        assertThat(client.send(new FetchRequest(topic, 0, 0, 0)).fetched()).isEmpty();
        assertThat(client.send(new FetchRequest(topic, 0, 0, 1)).fetched()).hasSize(1);
        assertThat(client.send(new FetchRequest(topic, 0, 0, 4)).fetched()).hasSize(1);
        assertThat(client.send(new FetchRequest(topic, 0, 0, 5)).fetched()).hasSize(2);
        // max bytes is a u32: 0xFFFFFFFF is a large limit, not -1.
        assertThat(client.send(new FetchRequest(topic, 0, 0, 0xFFFF_FFFFL)).fetched()).hasSize(3);
    }

    @Test
    void getOffset() throws IOException {
        Response unknown = client.send(new GetOffsetRequest(topic, 0));
        assertThat(unknown.errorCode()).isEqualTo(ErrorCode.TOPIC_NOT_FOUND);
        assertThat(unknown.errorMessage()).isEqualTo("topic " + topic + " does not exist");
        assertThat(listTopics()).extracting(TopicInfo::name).doesNotContain(topic); // no auto-create

        client.send(TestClient.produce(topic, 0, "a", "b")).body(ProduceResponse.class);
        GetOffsetResponse g = client.send(new GetOffsetRequest(topic, 0)).body(GetOffsetResponse.class);
        assertThat(g.topic()).isEqualTo(topic);
        assertThat(g.partition()).isZero();
        assertThat(g.startOffset()).isZero();
        assertThat(g.endOffset()).isEqualTo(2);
        assertThat(g.highWaterMark()).isEqualTo(2);

        Response badPartition = client.send(new GetOffsetRequest(topic, 7));
        assertThat(badPartition.errorCode()).isEqualTo(ErrorCode.TOPIC_NOT_FOUND);
        assertThat(badPartition.errorMessage()).isEqualTo("partition 7 does not exist in topic " + topic);
    }

    @Test
    void createTopicRules() throws IOException {
        CreateTopicResponse c = client.send(new CreateTopicRequest(topic, 3, 1)).body(CreateTopicResponse.class);
        assertThat(c.topic()).isEqualTo(topic);
        assertThat(c.created()).isTrue();
        // Same count again: created = 1 (A.6.4).
        assertThat(client.send(new CreateTopicRequest(topic, 3, 7)).body(CreateTopicResponse.class).created()).isTrue();
        Response other = client.send(new CreateTopicRequest(topic, 2, 1));
        assertThat(other.errorCode()).isEqualTo(ErrorCode.TOPIC_EXISTS);
        assertThat(other.errorMessage()).isEqualTo("failed to create topic: topic " + topic
                + " already exists with 3 partitions, cannot recreate with 2 partitions");
        Response zero = client.send(new CreateTopicRequest(topic + "z", 0, 1));
        assertThat(zero.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(listTopics()).contains(new TopicInfo(topic, 3)).extracting(TopicInfo::name)
                .doesNotContain(topic + "z");

        ProduceResponse p2 = client.send(TestClient.produce(topic, 2, "x")).body(ProduceResponse.class);
        assertThat(p2.baseOffset()).isZero();
    }

    @Test
    void invalidTopicNamesAreCode2EverywhereAndCreateNothing() throws IOException {
        List<String> bad = List.of("", ".", "..", "a/b", "../x", "a\\b", "sp ace", "ü", "x".repeat(250), "nul\0");
        for (String name : bad) {
            assertThat(client.send(new CreateTopicRequest(name, 1, 1)).errorCode()).as("create %s", name)
                    .isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(client.send(TestClient.produce(name, 0, "v")).errorCode()).as("produce %s", name)
                    .isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(client.send(new FetchRequest(name, 0, 0, 10)).errorCode()).as("fetch %s", name)
                    .isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(client.send(new GetOffsetRequest(name, 0)).errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(client.send(new DeleteTopicRequest(name)).errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        }
        assertThat(listTopics()).extracting(TopicInfo::name).doesNotContainAnyElementsOf(bad);
        // The longest legal name and every legal character work.
        String longest = "Az09._-".repeat(35) + "abcd";
        assertThat(longest).hasSize(249);
        assertThat(client.send(new CreateTopicRequest(longest, 1, 1)).isError()).isFalse();
        assertThat(client.send(new CreateTopicRequest("...", 1, 1)).isError()).isFalse();
    }

    @Test
    void deleteTopicThenProduceRecreatesIt() throws IOException {
        Response unknown = client.send(new DeleteTopicRequest(topic));
        assertThat(unknown.errorCode()).isEqualTo(ErrorCode.TOPIC_NOT_FOUND);
        assertThat(unknown.errorMessage()).isEqualTo("failed to delete topic: topic " + topic + " does not exist");

        client.send(new CreateTopicRequest(topic, 2, 1)).body(CreateTopicResponse.class);
        client.send(TestClient.produce(topic, 1, "a", "b")).body(ProduceResponse.class);
        DeleteTopicResponse d = client.send(new DeleteTopicRequest(topic)).body(DeleteTopicResponse.class);
        assertThat(d.topic()).isEqualTo(topic);
        assertThat(d.deleted()).isTrue();
        assertThat(listTopics()).extracting(TopicInfo::name).doesNotContain(topic);

        ProduceResponse again = client.send(TestClient.produce(topic, 0, "c")).body(ProduceResponse.class);
        assertThat(again.baseOffset()).isZero();
        assertThat(listTopics()).contains(new TopicInfo(topic, 1));
    }

    @Test
    void listTopicsAndHealthCheck() throws IOException {
        client.send(new CreateTopicRequest(topic, 4, 1)).body(CreateTopicResponse.class);
        assertThat(listTopics()).contains(new TopicInfo(topic, 4));
        HealthCheckResponse h = client.send(new HealthCheckRequest()).body(HealthCheckResponse.class);
        assertThat(h.status()).isEqualTo("healthy");
        assertThat(h.uptimeSeconds()).isBetween(0L, 3600L);
    }

    @Test
    void partAAcceptsAnyVersionByteAndIgnoresNonExtensionFlags() throws IOException {
        for (int version : new int[] {0, 2, 255}) {
            client.sendAsync(version, 0x0001 | 0x0004 | 0x0008 | 0x0010 | 0x8000, new HealthCheckRequest());
            assertThat(client.receive().body(HealthCheckResponse.class).status()).isEqualTo("healthy");
        }
    }

    @Test
    void extensionFlagsNotServedAreCode2() throws IOException {
        // 0x0020 (transactional) and 0x0040 (read committed) are not served; 0x0002 only on Produce/Fetch.
        client.sendRaw(ApiKey.PRODUCE.code(), 1, 0x0020, new byte[0], ApiKey.PRODUCE);
        assertThat(client.receive().errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        client.sendRaw(ApiKey.FETCH.code(), 1, 0x0040, new byte[0], ApiKey.FETCH);
        assertThat(client.receive().errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        client.sendRaw(ApiKey.HEALTH_CHECK.code(), 1, 0x0002, new byte[0], ApiKey.HEALTH_CHECK);
        assertThat(client.receive().errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        client.send(TestClient.produce(topic, 0, "a")).body(ProduceResponse.class);
        // Nothing was applied by the refused Produce.
        assertThat(client.send(new GetOffsetRequest(topic, 0)).body(GetOffsetResponse.class).endOffset()).isEqualTo(1);
    }

    @Test
    void malformedPayloadIsCode2AndConnectionStaysUsable() throws IOException {
        // Produce truncated inside the topic string, a Fetch without max bytes, a CreateTopic without count.
        client.sendRaw(ApiKey.PRODUCE.code(), 1, 0, new byte[] {0, 0, 0, 9, 'a'}, ApiKey.PRODUCE);
        client.sendRaw(ApiKey.FETCH.code(), 1, 0, new byte[] {0, 0, 0, 1, 'a', 0, 0, 0, 0}, ApiKey.FETCH);
        client.sendRaw(ApiKey.CREATE_TOPIC.code(), 1, 0, new byte[] {0, 0, 0, 1, 'a'}, ApiKey.CREATE_TOPIC);
        client.sendRaw(ApiKey.GET_OFFSET.code(), 1, 0, new byte[] {(byte) 0xff, 0, 0, 0}, ApiKey.GET_OFFSET);
        for (int i = 0; i < 4; i++) {
            Response r = client.receive();
            assertThat(r.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(r.errorMessage()).isNotEmpty();
        }
        assertThat(client.send(new HealthCheckRequest()).isError()).isFalse();
    }

    @Test
    void trailingBytesAfterKnownFieldsAreIgnored() throws IOException {
        byte[] t = topic.getBytes(StandardCharsets.US_ASCII);
        io.netty.buffer.ByteBuf b = io.netty.buffer.Unpooled.buffer();
        b.writeInt(t.length).writeBytes(t).writeInt(2).writeShort(1).writeBytes(new byte[] {1, 2, 3});
        byte[] payload = new byte[b.readableBytes()];
        b.readBytes(payload);
        client.sendRaw(ApiKey.CREATE_TOPIC.code(), 1, 0, payload, ApiKey.CREATE_TOPIC);
        assertThat(client.receive().body(CreateTopicResponse.class).created()).isTrue();
        assertThat(listTopics()).contains(new TopicInfo(topic, 2));
    }

    @Test
    void largeFetchIsTrimmedToFitAFrame() throws IOException {
        // Three 4 MiB values: all three would need 12 MiB, a frame holds 10 MiB.
        byte[] big = new byte[4 << 20];
        for (int i = 0; i < 3; i++) {
            big[0] = (byte) i;
            ProduceRequest p = new ProduceRequest(topic, 0, TestClient.block(List.of(new Msg(i, new byte[0], big, List.of()))));
            client.send(p).body(ProduceResponse.class);
        }
        Response f = client.send(new FetchRequest(topic, 0, 0, 0xFFFF_FFFFL));
        assertThat(f.fetched()).hasSize(2);
        assertThat(f.frameSize()).isLessThanOrEqualTo(10_485_760);
        assertThat(f.fetched().get(1).value()[0]).isEqualTo((byte) 1);
        Response rest = client.send(new FetchRequest(topic, 0, 2, 0xFFFF_FFFFL));
        assertThat(rest.fetched()).extracting(Fetched::offset).containsExactly(2L);
    }

    private List<TopicInfo> listTopics() throws IOException {
        return new ArrayList<>(client.send(new ListTopicsRequest()).body(ListTopicsResponse.class).topics());
    }
}
