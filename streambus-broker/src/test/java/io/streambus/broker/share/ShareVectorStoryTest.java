package io.streambus.broker.share;

import static io.streambus.broker.share.ShareTestSupport.a;
import static io.streambus.broker.share.ShareTestSupport.ack;
import static io.streambus.protocol.share.AcknowledgeType.ACCEPT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.ShareFetchCopy;
import io.streambus.broker.testing.TestClient;
import io.streambus.broker.testing.TestClient.Fetched;
import io.streambus.broker.testing.TestClient.Msg;
import io.streambus.common.Header;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.DecodedRequest;
import io.streambus.protocol.DecodedResponse;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.RequestCodec;
import io.streambus.protocol.ResponseCodec;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.Vectors;
import io.streambus.protocol.core.CreateTopicRequest;
import io.streambus.protocol.core.FetchResponse;
import io.streambus.protocol.core.ProduceRequest;
import io.streambus.protocol.group.GroupInfo;
import io.streambus.protocol.group.ListGroupsRequest;
import io.streambus.protocol.group.ListGroupsResponse;
import io.streambus.protocol.share.ShareAcknowledgeRequest;
import io.streambus.protocol.share.ShareAcknowledgeResponse;
import io.streambus.protocol.share.ShareFetchPartition;
import io.streambus.protocol.share.ShareFetchRequest;
import io.streambus.protocol.share.ShareFetchResponse;
import io.streambus.protocol.share.ShareGroupConfigureRequest;
import io.streambus.protocol.share.ShareGroupConfigureResponse;
import io.streambus.protocol.share.ShareGroupHeartbeatRequest;
import io.streambus.protocol.share.ShareGroupHeartbeatResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The story of the spec's share-group vectors (vectors/README.md: "queue.orders", member "svc-q-1") replayed
 * against the broker: the vectors' requests are sent (with the broker-assigned member id in place of "svc-q-1")
 * after the data the story assumes was produced, and the replies must equal the vectors' replies.
 */
@ExtendWith(LeakCheck.class)
class ShareVectorStoryTest {
    @TempDir
    Path dir;

    @Test
    void theVectorsStory() throws IOException {
        try (EmbeddedBroker b = EmbeddedBroker.builder().dataDir(dir.resolve("data"))
                .shareGroups(ShareCoordinatorConfig.DEFAULTS).build();
             TestClient c = TestClient.connect(b.start())) {
            c.send(new CreateTopicRequest("orders", 3, 1));
            // The group is configured before any consumer exists.
            assertThat(c.send(request("ext-sharegroupconfigure-request-1")).body(ShareGroupConfigureResponse.class))
                    .isEqualTo(response("ext-sharegroupconfigure-response-1", ApiKey.SHARE_GROUP_CONFIGURE));

            // The data the story assumes: orders/0 offsets 0-45 (42-44 as the vectors show them, 45 in region us),
            // orders/1 more records in region us than the 2000-offset window holds.
            ShareFetchCopy vectorFetch = (ShareFetchCopy) response("ext-sharefetch-response-1", ApiKey.SHARE_FETCH);
            Fetched dead = deadLetterVector();
            List<Msg> p0 = new ArrayList<>();
            for (int i = 0; i < 42; i++) {
                p0.add(msg(i, "us", 50));
            }
            p0.add(asMsg(vectorFetch.records().get(0)));
            List<Header> original = new ArrayList<>();
            dead.headers().stream().filter(h -> !h.key().startsWith("sb_dlq_")).forEach(original::add);
            p0.add(new Msg(dead.timestampNanos(), dead.key(), dead.value(), original));
            p0.add(asMsg(vectorFetch.records().get(1)));
            p0.add(msg(45, "us", 500));
            c.send(new ProduceRequest("orders", 0, TestClient.block(p0))).body(io.streambus.protocol.core.ProduceResponse.class);
            List<Msg> p1 = new ArrayList<>();
            for (int i = 0; i < 2010; i++) {
                p1.add(msg(i, "us", 10));
            }
            c.send(new ProduceRequest("orders", 1, TestClient.block(p1))).body(io.streambus.protocol.core.ProduceResponse.class);

            ShareGroupHeartbeatResponse joined = c.send(request("ext-sharegroupheartbeat-request-1"))
                    .body(ShareGroupHeartbeatResponse.class);
            ShareGroupHeartbeatResponse vectorJoined = (ShareGroupHeartbeatResponse) response(
                    "ext-sharegroupheartbeat-response-1", ApiKey.SHARE_GROUP_HEARTBEAT);
            assertThat(joined.heartbeatIntervalMs()).isEqualTo(vectorJoined.heartbeatIntervalMs());
            assertThat(joined.assignment()).isEqualTo(vectorJoined.assignment());
            String m = joined.memberId();

            // Before the story: the member got orders/0 0-43 and orders/1 0-4, and finished 0-39 and 0-4.
            ShareFetchCopy before = c.send(new ShareFetchRequest("queue.orders", m, 0, "", new TopicPartitions<>(
                    List.of(new TopicPartitions.Topic<>("orders", List.of(new ShareFetchPartition(0, 44, 1 << 20,
                            List.of()), new ShareFetchPartition(1, 5, 1 << 20, List.of()))))))).body(ShareFetchCopy.class);
            assertThat(before.records()).hasSize(49);
            ack(c, "queue.orders", m, "orders", 0, a(0, 39, ACCEPT));
            ack(c, "queue.orders", m, "orders", 1, a(0, 4, ACCEPT));

            // A filter that does not parse.
            ShareFetchRequest bad = (ShareFetchRequest) request("ext-sharefetch-request-1");
            assertThat(c.send(new ShareFetchRequest(bad.groupId(), m, 0, "region = ", bad.partitions())).errorCode())
                    .isEqualTo(ErrorCode.INVALID_FILTER);

            // ShareFetch with piggy-backed acknowledgements and a filter.
            ShareFetchRequest fr = (ShareFetchRequest) request("ext-sharefetch-request-1");
            ShareFetchCopy fetched = c.send(new ShareFetchRequest(fr.groupId(), m, fr.maxWaitMs(), fr.filter(),
                    fr.partitions())).body(ShareFetchCopy.class);
            assertThat(comparable(fetched)).isEqualTo(comparable(vectorFetch));

            // The REJECTed record 43 in the dead-letter topic, as ext-fetch-deadletter-response-1 shows it.
            List<Fetched> dlq = await().atMost(Duration.ofSeconds(10)).until(
                    () -> ShareGroupsTest.fetchAll(c, "orders.dlq"), l -> !l.isEmpty());
            assertThat(comparable(dlq.get(0))).isEqualTo(comparable(dead));

            ShareAcknowledgeRequest ar = (ShareAcknowledgeRequest) request("ext-shareacknowledge-request-1");
            assertThat(c.send(new ShareAcknowledgeRequest(ar.groupId(), m, ar.partitions()))
                    .body(ShareAcknowledgeResponse.class))
                    .isEqualTo(response("ext-shareacknowledge-response-1", ApiKey.SHARE_ACKNOWLEDGE));

            // A second member, then the describe of ext-sharegroupconfigure-request-2 (SPSO 44 waits for 43's copy).
            c.send(new ShareGroupHeartbeatRequest("queue.orders", "", false, "other", List.of("orders")));
            Object describe = response("ext-sharegroupconfigure-response-2", ApiKey.SHARE_GROUP_CONFIGURE);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    c.send(request("ext-sharegroupconfigure-request-2")).body(ShareGroupConfigureResponse.class))
                    .isEqualTo(describe));

            ShareGroupHeartbeatRequest leave = (ShareGroupHeartbeatRequest) request("ext-sharegroupheartbeat-request-2");
            ShareGroupHeartbeatResponse left = c.send(new ShareGroupHeartbeatRequest(leave.groupId(), m, leave.leave(),
                    leave.clientId(), leave.subscribedTopics())).body(ShareGroupHeartbeatResponse.class);
            ShareGroupHeartbeatResponse vectorLeft = (ShareGroupHeartbeatResponse) response(
                    "ext-sharegroupheartbeat-response-2", ApiKey.SHARE_GROUP_HEARTBEAT);
            assertThat(left).isEqualTo(new ShareGroupHeartbeatResponse(m, vectorLeft.heartbeatIntervalMs(),
                    vectorLeft.assignment()));

            ListGroupsResponse listed = c.send(request("ext-listgroups-request-1")).body(ListGroupsResponse.class);
            ListGroupsResponse vectorListed = (ListGroupsResponse) response("ext-listgroups-response-2",
                    ApiKey.LIST_GROUPS);
            GroupInfo share = vectorListed.groups().stream().filter(g -> g.protocolType().equals("share"))
                    .findFirst().orElseThrow();
            assertThat(listed.groups()).containsExactly(share);
        }
    }

    private static Msg msg(int i, String region, int amount) {
        return new Msg(1_000 + i, ("order-" + i).getBytes(StandardCharsets.UTF_8),
                ("amount=" + amount).getBytes(StandardCharsets.UTF_8),
                List.of(new Header("region", region.getBytes(StandardCharsets.UTF_8)),
                        new Header("amount", Integer.toString(amount).getBytes(StandardCharsets.UTF_8))));
    }

    private static Msg asMsg(ShareFetchCopy.Record r) {
        return new Msg(r.timestampNanos(), r.key(), r.value(), r.headers());
    }

    private static List<String> comparable(ShareFetchCopy f) {
        List<String> out = new ArrayList<>();
        out.add("lock " + f.acquisitionLockMs());
        for (ShareFetchCopy.Partition p : f.partitions()) {
            out.add(p.topic() + "/" + p.partition() + " " + p.errorCode() + " " + p.acknowledgeErrorCode() + " "
                    + p.unapplied() + " " + p.inFlightLimitReached());
            for (ShareFetchCopy.Record r : p.records()) {
                out.add(r.deliveryCount() + " " + r.offset() + " " + r.timestampNanos() + " "
                        + Arrays.toString(r.key()) + " " + Arrays.toString(r.value()) + " " + headers(r.headers()));
            }
        }
        return out;
    }

    private static String comparable(Fetched f) {
        return f.offset() + " " + f.timestampNanos() + " " + Arrays.toString(f.key()) + " "
                + Arrays.toString(f.value()) + " " + headers(f.headers());
    }

    private static String headers(List<Header> headers) {
        StringBuilder b = new StringBuilder();
        for (Header h : headers) {
            b.append(h.key()).append('=').append(new String(h.value(), StandardCharsets.UTF_8)).append(';');
        }
        return b.toString();
    }

    private static RequestBody request(String vector) {
        ByteBuf f = Vectors.frame(vector);
        try (DecodedRequest r = RequestCodec.decode(f)) {
            return r.body();
        } finally {
            f.release();
        }
    }

    /** A decoded reply vector; a ShareFetch reply as a {@link ShareFetchCopy}. */
    private static Object response(String vector, ApiKey type) {
        ByteBuf f = Vectors.frame(vector);
        try (DecodedResponse r = ResponseCodec.decode(f, type, 0)) {
            return r.body() instanceof ShareFetchResponse sf ? ShareFetchCopy.of(sf) : r.body();
        } finally {
            f.release();
        }
    }

    private static Fetched deadLetterVector() {
        ByteBuf f = Vectors.frame("ext-fetch-deadletter-response-1");
        try (DecodedResponse r = ResponseCodec.decode(f, ApiKey.FETCH, 0)) {
            FetchResponse body = (FetchResponse) r.body();
            List<Fetched> list = new ArrayList<>();
            body.messages().forEach(x -> list.add(new Fetched(x.offset(), x.timestampNanos(), x.keyBytes(),
                    x.valueBytes(), x.headers())));
            return list.get(0);
        } finally {
            f.release();
        }
    }
}
