package io.streambus.broker.share;

import static io.streambus.broker.share.ShareTestSupport.a;
import static io.streambus.broker.share.ShareTestSupport.ack;
import static io.streambus.broker.share.ShareTestSupport.configure;
import static io.streambus.broker.share.ShareTestSupport.counts;
import static io.streambus.broker.share.ShareTestSupport.fetch;
import static io.streambus.broker.share.ShareTestSupport.fetchRaw;
import static io.streambus.broker.share.ShareTestSupport.join;
import static io.streambus.broker.share.ShareTestSupport.offsets;
import static io.streambus.broker.share.ShareTestSupport.produce;
import static io.streambus.protocol.share.AcknowledgeType.ACCEPT;
import static io.streambus.protocol.share.AcknowledgeType.REJECT;
import static io.streambus.protocol.share.AcknowledgeType.RELEASE;
import static io.streambus.protocol.share.AcknowledgeType.RENEW;
import static io.streambus.protocol.share.AcknowledgeType.RETURN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.ShareFetchCopy;
import io.streambus.broker.testing.TestClient;
import io.streambus.broker.testing.TestClient.Fetched;
import io.streambus.broker.testing.TestClient.Response;
import io.streambus.protocol.ApiVersionsRequest;
import io.streambus.protocol.ApiVersionsResponse;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.core.CreateTopicRequest;
import io.streambus.protocol.core.FetchRequest;
import io.streambus.protocol.group.DeleteGroupsRequest;
import io.streambus.protocol.group.DeleteGroupsResponse;
import io.streambus.protocol.group.GroupInfo;
import io.streambus.protocol.group.GroupProtocol;
import io.streambus.protocol.group.GroupResult;
import io.streambus.protocol.group.JoinGroupRequest;
import io.streambus.protocol.group.ListGroupsRequest;
import io.streambus.protocol.group.ListGroupsResponse;
import io.streambus.protocol.group.OffsetCommitRequest;
import io.streambus.protocol.PartitionOffset;
import io.streambus.protocol.share.Acknowledgement;
import io.streambus.protocol.share.AcknowledgeType;
import io.streambus.protocol.share.OffsetRange;
import io.streambus.protocol.share.ShareAcknowledgePartition;
import io.streambus.protocol.share.ShareAcknowledgeRequest;
import io.streambus.protocol.share.ShareAcknowledgeResponse;
import io.streambus.protocol.share.ShareFetchPartition;
import io.streambus.protocol.share.ShareFetchRequest;
import io.streambus.protocol.share.ShareGroupConfigureRequest;
import io.streambus.protocol.share.ShareGroupConfigureResponse;
import io.streambus.protocol.share.ShareGroupHeartbeatRequest;
import io.streambus.protocol.share.ShareGroupHeartbeatResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Share groups served by a real broker (B.13), with raw codec requests over sockets: the life of a group as the
 * vectors tell it, acquisition locks, the delivery limit and dead-letter copies, filters, every error code 50-54,
 * held fetches, session expiry, restarts and pathological acknowledgement ranges.
 */
@ExtendWith(LeakCheck.class)
class ShareGroupsTest {
    static final int ALL = ShareGroupConfigureRequest.CHANGE_ALL;

    @TempDir
    Path dir;

    private EmbeddedBroker broker() {
        return broker(Duration.ofSeconds(30));
    }

    private EmbeddedBroker broker(Duration session) {
        return EmbeddedBroker.builder().dataDir(dir.resolve("data"))
                .shareGroups(new ShareCoordinatorConfig(session, Duration.ofMillis(500), ShareGroupSettings.DEFAULTS))
                .build();
    }

    @Test
    void advertisesShareGroupsWithHeaders() throws IOException {
        try (EmbeddedBroker b = broker(); TestClient c = TestClient.connect(b.start())) {
            ApiVersionsResponse v = c.send(new ApiVersionsRequest("test", "1")).body(ApiVersionsResponse.class);
            assertThat(v.featureBits() & ApiVersionsResponse.FEATURE_SHARE_GROUPS).isNotZero();
            assertThat(v.featureBits() & ApiVersionsResponse.FEATURE_PRESERVES_HEADERS_AND_TIMESTAMPS).isNotZero();
            assertThat(v.featureBits() & ApiVersionsResponse.FEATURE_TXN_SHARE_ACKS).isNotZero(); // B.13.15
        }
        try (EmbeddedBroker b = EmbeddedBroker.builder().dataDir(dir.resolve("plain")).shareGroups(null).build();
             TestClient c = TestClient.connect(b.start())) {
            ApiVersionsResponse v = c.send(new ApiVersionsRequest("test", "1")).body(ApiVersionsResponse.class);
            assertThat(v.featureBits() & ApiVersionsResponse.FEATURE_SHARE_GROUPS).isZero();
            assertThat(c.send(new ShareGroupHeartbeatRequest("g", "", false, "", List.of("t"))).errorCode())
                    .isEqualTo(ErrorCode.UNKNOWN_REQUEST);
        }
    }

    @Test
    void lifeOfAGroupWithAcknowledgementsAndDeadLetters() throws IOException {
        try (EmbeddedBroker b = broker(); TestClient c = TestClient.connect(b.start())) {
            c.send(new CreateTopicRequest("orders", 1, 1));
            ShareGroupConfigureResponse cfg = configure(c, "q", ShareGroupConfigureRequest.CHANGE_DEAD_LETTER_TOPIC
                    | ShareGroupConfigureRequest.CHANGE_MAX_DELIVERY_ATTEMPTS, 2, 0, "orders.dlq", 0, 0);
            assertThat(cfg.state()).isEqualTo("Empty");
            assertThat(cfg.deadLetterTopic()).isEqualTo("orders.dlq");
            assertThat(cfg.maxDeliveryAttempts()).isEqualTo(2);
            assertThat(cfg.acquisitionLockMs()).isEqualTo(30_000);
            produce(c, "orders", 0, new String[] {"a", "b", "c", "d"}, new String[] {"red", null, "blue", null});

            ShareGroupHeartbeatResponse hb = c.send(new ShareGroupHeartbeatRequest("q", "", false, "me",
                    List.of("orders", "later"))).body(ShareGroupHeartbeatResponse.class);
            assertThat(hb.heartbeatIntervalMs()).isEqualTo(500);
            assertThat(hb.assignment().asMap()).containsOnlyKeys("orders");
            String m = hb.memberId();

            ShareFetchCopy f = fetch(c, "q", m, "", "orders", 0, 3);
            assertThat(f.acquisitionLockMs()).isEqualTo(30_000);
            assertThat(offsets(f)).containsExactly(0L, 1L, 2L);
            assertThat(counts(f)).containsExactly(1, 1, 1);
            assertThat(f.records().get(0).header("color")).isEqualTo("red");
            assertThat(f.records().get(0).timestampNanos()).isEqualTo(1000L);

            // Piggy-backed: accept 0, reject 1, release 2; fetch gets 2 again (count 2) and 3.
            ShareFetchCopy g = fetch(c, "q", m, "", "orders", 0, 10, a(0, 0, ACCEPT), a(1, 1, REJECT),
                    a(2, 2, RELEASE));
            assertThat(g.partitions().get(0).acknowledgeErrorCode()).isZero();
            assertThat(offsets(g)).containsExactly(2L, 3L);
            assertThat(counts(g)).containsExactly(2, 1);
            // Release 2 at the limit: archived (RELEASE) and dead-lettered; RETURN 3 keeps its count at 0.
            ShareAcknowledgeResponse r = ack(c, "q", m, "orders", 0, a(2, 2, RELEASE), a(3, 3, RETURN));
            assertThat(r.partitions().asMap().get("orders").get(0).errorCode()).isZero();
            ShareFetchCopy h = fetch(c, "q", m, "", "orders", 0, 10);
            assertThat(offsets(h)).containsExactly(3L);
            assertThat(counts(h)).containsExactly(1);
            ack(c, "q", m, "orders", 0, a(3, 3, ACCEPT));

            List<Fetched> dead = await().atMost(Duration.ofSeconds(10)).until(() -> fetchAll(c, "orders.dlq"),
                    l -> l.size() == 2);
            // Copies are made asynchronously: their order in the dead-letter topic is not specified.
            dead = new ArrayList<>(dead);
            dead.sort(java.util.Comparator.comparing(Fetched::valueString));
            assertThat(dead).extracting(Fetched::valueString).containsExactly("b", "c");
            Fetched rejected = dead.get(0);
            assertThat(header(rejected, "sb_dlq_group")).isEqualTo("q");
            assertThat(header(rejected, "sb_dlq_topic")).isEqualTo("orders");
            assertThat(header(rejected, "sb_dlq_partition")).isEqualTo("0");
            assertThat(header(rejected, "sb_dlq_offset")).isEqualTo("1");
            assertThat(header(rejected, "sb_dlq_delivery_count")).isEqualTo("1");
            assertThat(header(rejected, "sb_dlq_reason")).isEqualTo("REJECT");
            assertThat(header(dead.get(1), "color")).isEqualTo("blue");
            assertThat(header(dead.get(1), "sb_dlq_reason")).isEqualTo("RELEASE");
            assertThat(header(dead.get(1), "sb_dlq_delivery_count")).isEqualTo("2");
            assertThat(rejected.timestampNanos()).isEqualTo(1001L);

            // Everything finished: SPSO at 4, nothing in flight.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                ShareGroupConfigureResponse d = configure(c, "q", 0, 0, 0, "", 0, 0);
                assertThat(d.state()).isEqualTo("Stable");
                assertThat(d.memberCount()).isEqualTo(1);
                assertThat(d.sharePartitions().asMap().get("orders").get(0).startOffset()).isEqualTo(4);
                assertThat(d.sharePartitions().asMap().get("orders").get(0).inFlightRecords()).isZero();
            });

            assertThat(c.send(new ListGroupsRequest("", List.of())).body(ListGroupsResponse.class).groups())
                    .containsExactly(new GroupInfo("q", "share", "Stable"));
            assertThat(c.send(new DeleteGroupsRequest(List.of("q"))).body(DeleteGroupsResponse.class).results())
                    .containsExactly(new GroupResult("q", ErrorCode.NON_EMPTY_GROUP));
            assertThat(c.send(new ShareGroupHeartbeatRequest("q", m, true, "", List.of())).isError()).isFalse();
            assertThat(c.send(new ListGroupsRequest("", List.of("Empty"))).body(ListGroupsResponse.class).groups())
                    .containsExactly(new GroupInfo("q", "share", "Empty"));
            assertThat(c.send(new DeleteGroupsRequest(List.of("q"))).body(DeleteGroupsResponse.class).results())
                    .containsExactly(new GroupResult("q", ErrorCode.NONE));
            assertThat(c.send(new ListGroupsRequest("", List.of())).body(ListGroupsResponse.class).groups())
                    .isEmpty();
            // Created afresh: from the start of the partition again.
            String m2 = join(c, "q", "orders");
            assertThat(offsets(fetch(c, "q", m2, "", "orders", 0, 10))).containsExactly(0L, 1L, 2L, 3L);
        }
    }

    @Test
    void lockExpiryRedeliversWithCountPlusOneThenDeadLettersAtTheLimit() throws IOException {
        try (EmbeddedBroker b = broker(); TestClient c = TestClient.connect(b.start())) {
            configure(c, "q", ALL, 2, 1000, "dlq", 0, 100);
            produce(c, "t", "x");
            String m = join(c, "q", "t");
            ShareFetchCopy first = fetch(c, "q", m, "", "t", 0, 10);
            assertThat(counts(first)).containsExactly(1);
            // The lock ends after 1 s: delivered again, count 2.
            ShareFetchCopy second = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> fetch(c, "q", m, "", "t", 0, 10), f -> !f.records().isEmpty());
            assertThat(counts(second)).containsExactly(2);
            // Acknowledging the first delivery's lock after it ended is not applied (52).
            // The second lock ends too: at the limit, dead-lettered with LOCK_TIMEOUT, never delivered again.
            List<Fetched> dead = await().atMost(Duration.ofSeconds(10)).until(() -> fetchAll(c, "dlq"),
                    l -> !l.isEmpty());
            assertThat(header(dead.get(0), "sb_dlq_reason")).isEqualTo("LOCK_TIMEOUT");
            assertThat(header(dead.get(0), "sb_dlq_delivery_count")).isEqualTo("2");
            assertThat(fetch(c, "q", m, "", "t", 0, 10).records()).isEmpty();
            ShareAcknowledgeResponse late = ack(c, "q", m, "t", 0, a(0, 0, ACCEPT));
            assertThat(late.partitions().asMap().get("t").get(0).errorCode()).isZero(); // archived: no error
        }
    }

    @Test
    void renewKeepsTheLockAndAckAfterExpiryIsUnapplied() throws Exception {
        try (EmbeddedBroker b = broker(); TestClient c = TestClient.connect(b.start())) {
            configure(c, "q", ShareGroupConfigureRequest.CHANGE_ACQUISITION_LOCK_MS, 0, 1000, "", 0, 0);
            produce(c, "t", "x", "y");
            String m = join(c, "q", "t");
            assertThat(offsets(fetch(c, "q", m, "", "t", 0, 10))).containsExactly(0L, 1L);
            // Renew record 0 every 300 ms until record 1's lock (1 s) has ended.
            long until = System.nanoTime() + Duration.ofMillis(1600).toNanos();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).until(() -> {
                ack(c, "q", m, "t", 0, a(0, 0, RENEW));
                return System.nanoTime() >= until;
            });
            ShareAcknowledgeResponse r = ack(c, "q", m, "t", 0, a(0, 1, ACCEPT));
            assertThat(r.partitions().asMap().get("t").get(0).errorCode()).isEqualTo(ErrorCode.INVALID_RECORD_STATE);
            assertThat(r.partitions().asMap().get("t").get(0).unappliedAcknowledgements())
                    .containsExactly(new OffsetRange(1, 1));
            ShareFetchCopy again = fetch(c, "q", m, "", "t", 0, 10);
            assertThat(offsets(again)).containsExactly(1L);
            assertThat(counts(again)).containsExactly(2);
        }
    }

    @Test
    void disjointFiltersOnOnePartitionAndAnUnmatchedRecordWaitsForAMatchingMember() throws IOException {
        try (EmbeddedBroker b = broker(); TestClient c = TestClient.connect(b.start())) {
            produce(c, "t", 0, new String[] {"r1", "b1", "g1", "r2", "b2"},
                    new String[] {"red", "blue", "green", "red", "blue"});
            String red = join(c, "q", "t");
            String blue = join(c, "q", "t");
            ShareFetchCopy reds = fetch(c, "q", red, "color = 'red'", "t", 0, 100);
            ShareFetchCopy blues = fetch(c, "q", blue, "color IN ('blue') AND $key LIKE 'k%'", "t", 0, 100);
            assertThat(reds.records()).extracting(ShareFetchCopy.Record::valueString).containsExactly("r1", "r2");
            assertThat(blues.records()).extracting(ShareFetchCopy.Record::valueString).containsExactly("b1", "b2");
            ack(c, "q", red, "t", 0, a(0, 0, ACCEPT), a(3, 3, ACCEPT));
            ack(c, "q", blue, "t", 0, a(1, 1, ACCEPT), a(4, 4, ACCEPT));
            assertThat(fetch(c, "q", red, "color = 'red'", "t", 0, 100).records()).isEmpty();
            // The green record stayed Available: SPSO waits at 2, and a matching member takes it with count 1.
            ShareGroupConfigureResponse d = configure(c, "q", 0, 0, 0, "", 0, 0);
            assertThat(d.sharePartitions().asMap().get("t").get(0).startOffset()).isEqualTo(2);
            String green = join(c, "q", "t");
            ShareFetchCopy greens = fetch(c, "q", green, "color = 'green' AND $timestamp >= 1000", "t", 0, 100);
            assertThat(greens.records()).extracting(ShareFetchCopy.Record::valueString).containsExactly("g1");
            assertThat(counts(greens)).containsExactly(1);
            ack(c, "q", green, "t", 0, a(2, 2, ACCEPT));
            assertThat(configure(c, "q", 0, 0, 0, "", 0, 0).sharePartitions().asMap().get("t").get(0).startOffset())
                    .isEqualTo(5);
        }
    }

    @Test
    void inFlightLimitBlocksTheWindowAndIsReported() throws IOException {
        try (EmbeddedBroker b = broker(); TestClient c = TestClient.connect(b.start())) {
            configure(c, "q", ShareGroupConfigureRequest.CHANGE_MAX_IN_FLIGHT_RECORDS, 0, 0, "", 0, 2);
            produce(c, "t", 0, new String[] {"a", "b", "c"}, new String[] {"red", "red", "blue"});
            String m = join(c, "q", "t");
            ShareFetchCopy f = fetch(c, "q", m, "color = 'blue'", "t", 0, 10);
            assertThat(f.records()).isEmpty();
            assertThat(f.partitions().get(0).inFlightLimitReached()).isTrue();
            assertThat(configure(c, "q", 0, 0, 0, "", 0, 0).sharePartitions().asMap().get("t").get(0)
                    .inFlightLimitReached()).isTrue();
            ShareFetchCopy all = fetch(c, "q", m, "", "t", 0, 1);
            assertThat(offsets(all)).containsExactly(0L);
            ack(c, "q", m, "t", 0, a(0, 0, ACCEPT));
            assertThat(offsets(fetch(c, "q", m, "color = 'blue'", "t", 0, 10))).containsExactly(2L);
        }
    }

    @Test
    void everyShareErrorCodeOnPurpose() throws IOException {
        try (EmbeddedBroker b = broker(); TestClient c = TestClient.connect(b.start())) {
            produce(c, "t", "x");
            // 50: a consumer group's id in a share request, and a share group's id in a consumer request.
            c.send(new OffsetCommitRequest("consumers", -1, "", TopicPartitions.of("t",
                    List.of(new PartitionOffset(0, 1, ""))))).body(io.streambus.protocol.group.OffsetCommitResponse.class);
            assertThat(c.send(new ShareGroupHeartbeatRequest("consumers", "", false, "", List.of("t"))).errorCode())
                    .isEqualTo(ErrorCode.GROUP_TYPE_MISMATCH);
            String m = join(c, "q", "t");
            assertThat(c.send(new JoinGroupRequest("q", 10_000, 10_000, "", "", "consumer",
                    List.of(new GroupProtocol("range", new byte[0])))).errorCode())
                    .isEqualTo(ErrorCode.GROUP_TYPE_MISMATCH);
            assertThat(c.send(new JoinGroupRequest("other", 10_000, 10_000, "", "", "share",
                    List.of(new GroupProtocol("range", new byte[0])))).errorCode())
                    .isEqualTo(ErrorCode.INVALID_REQUEST);
            // 51: a filter that does not parse, and one too long.
            Response bad = fetchRaw(c, "q", m, "color = = 'x'", 0, "t", 0, 10);
            assertThat(bad.errorCode()).isEqualTo(ErrorCode.INVALID_FILTER);
            assertThat(bad.errorMessage()).isNotBlank();
            assertThat(fetchRaw(c, "q", m, "a = '" + "x".repeat(70_000) + "'", 0, "t", 0, 10).errorCode())
                    .isEqualTo(ErrorCode.INVALID_FILTER);
            // 52: acknowledging a record this member does not hold.
            ShareAcknowledgeResponse r = ack(c, "q", m, "t", 0, a(0, 0, ACCEPT));
            assertThat(r.partitions().asMap().get("t").get(0).errorCode()).isEqualTo(ErrorCode.INVALID_RECORD_STATE);
            assertThat(r.partitions().asMap().get("t").get(0).unappliedAcknowledgements())
                    .containsExactly(new OffsetRange(0, 0));
            // 53: a partition of a topic outside the assignment; 8 and 5 before it.
            produce(c, "other", "y");
            assertThat(fetch(c, "q", m, "", "other", 0, 10).partitions().get(0).errorCode())
                    .isEqualTo(ErrorCode.PARTITION_NOT_ASSIGNED);
            assertThat(fetch(c, "q", m, "", "missing", 0, 10).partitions().get(0).errorCode())
                    .isEqualTo(ErrorCode.TOPIC_NOT_FOUND);
            assertThat(fetch(c, "q", m, "", "t", 7, 10).partitions().get(0).errorCode())
                    .isEqualTo(ErrorCode.PARTITION_NOT_FOUND);
            // 54: each setting outside its range, named in the message; nothing is created or changed.
            Response cfg = c.send(new ShareGroupConfigureRequest("q2", ShareGroupConfigureRequest.CHANGE_ACQUISITION_LOCK_MS,
                    0, 999, "", 0, 0));
            assertThat(cfg.errorCode()).isEqualTo(ErrorCode.INVALID_GROUP_CONFIG);
            assertThat(cfg.errorMessage()).contains("acquisition lock ms");
            assertThat(c.send(new ShareGroupConfigureRequest("q", 1, 1001, 0, "", 0, 0)).errorCode())
                    .isEqualTo(ErrorCode.INVALID_GROUP_CONFIG);
            assertThat(c.send(new ShareGroupConfigureRequest("q", 0x10, 0, 0, "", 0, 100_001)).errorCode())
                    .isEqualTo(ErrorCode.INVALID_GROUP_CONFIG);
            assertThat(c.send(new ShareGroupConfigureRequest("q", 0x08, 0, 0, "", 2, 0)).errorCode())
                    .isEqualTo(ErrorCode.INVALID_GROUP_CONFIG);
            assertThat(c.send(ShareGroupConfigureRequest.describe("q2")).errorCode())
                    .isEqualTo(ErrorCode.UNKNOWN_CONSUMER_GROUP_ID);
            assertThat(c.send(new ShareGroupConfigureRequest("q", 0x40, 0, 0, "", 0, 0)).errorCode())
                    .isEqualTo(ErrorCode.INVALID_REQUEST);
            // 20 and 24.
            assertThat(fetchRaw(c, "q", "nobody", "", 0, "t", 0, 10).errorCode())
                    .isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
            assertThat(fetchRaw(c, "none", "nobody", "", 0, "t", 0, 10).errorCode())
                    .isEqualTo(ErrorCode.UNKNOWN_CONSUMER_GROUP_ID);
            assertThat(c.send(new ShareGroupHeartbeatRequest("none", "x", false, "", List.of("t"))).errorCode())
                    .isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
            assertThat(c.send(new ShareGroupHeartbeatRequest("q", "", false, "", List.of())).errorCode())
                    .isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(fetchRaw(c, "q", m, "", 30_001, "t", 0, 10).errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        }
    }

    @Test
    void pathologicalAcknowledgementRangesAreAnsweredQuicklyWithinAFrame() throws IOException {
        try (EmbeddedBroker b = broker(); TestClient c = TestClient.connect(b.start())) {
            produce(c, "t", "a", "b", "c", "d");
            String m = join(c, "q", "t");
            assertThat(offsets(fetch(c, "q", m, "", "t", 0, 2))).containsExactly(0L, 1L);
            long start = System.nanoTime();
            ShareAcknowledgeResponse huge = ack(c, "q", m, "t", 0, a(0, Long.MAX_VALUE, ACCEPT));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            // 0 and 1 accepted; 2 and 3 (examined? no: SPEO is 2) and everything above form one unapplied range.
            assertThat(huge.partitions().asMap().get("t").get(0).unappliedAcknowledgements())
                    .containsExactly(new OffsetRange(2, Long.MAX_VALUE));
            // Many tiny ranges far above SPEO: bounded work, bounded reply.
            List<Acknowledgement> tiny = new ArrayList<>();
            for (long o = 10; tiny.size() < 100_000; o += 2) {
                tiny.add(a(o, o, AcknowledgeType.RELEASE));
            }
            start = System.nanoTime();
            Response r = c.send(new ShareAcknowledgeRequest("q", m, TopicPartitions.of("t",
                    List.of(new ShareAcknowledgePartition(0, tiny)))));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            System.out.println("100000 acknowledgement ranges answered in " + took.toMillis() + " ms");
            assertThat(took).isLessThan(Duration.ofSeconds(10));
            List<OffsetRange> unapplied = r.body(ShareAcknowledgeResponse.class).partitions().asMap().get("t").get(0)
                    .unappliedAcknowledgements();
            assertThat(unapplied).hasSize(tiny.size()); // under the budget: one maximal range per request range
            assertThat(unapplied.get(unapplied.size() - 1).lastOffset()).isEqualTo(tiny.get(tiny.size() - 1).lastOffset());
            assertThat(r.frameSize()).isLessThanOrEqualTo(io.streambus.protocol.Frames.MAX_FRAME_SIZE + 4);
            // The broker still serves the member.
            assertThat(offsets(fetch(c, "q", m, "", "t", 0, 10))).containsExactly(2L, 3L);
        }
    }

    @Test
    void heldFetchAnswersWhenARecordArrivesAndSessionExpiryReleasesRecords() throws Exception {
        try (EmbeddedBroker b = broker(Duration.ofSeconds(3)); TestClient c = TestClient.connect(b.start());
             TestClient fetcher = TestClient.connect(b.port())) {
            c.send(new CreateTopicRequest("t", 1, 1));
            String m = join(c, "q", "t");
            long id = fetcher.sendAsync(new ShareFetchRequest("q", m, 10_000, "", TopicPartitions.of("t",
                    List.of(new ShareFetchPartition(0, 10, 1 << 20, List.of())))));
            assertThat(id).isPositive();
            long start = System.nanoTime();
            produce(c, "t", "late");
            ShareFetchCopy f = fetcher.receive().body(ShareFetchCopy.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(offsets(f)).containsExactly(0L);
            // No more heartbeats: the session (3 s) ends, the member is removed and its record released.
            String other = join(c, "q", "t");
            ShareFetchCopy again = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        c.send(new ShareGroupHeartbeatRequest("q", other, false, "", List.of("t")));
                        return fetch(c, "q", other, "", "t", 0, 10);
                    }, x -> !x.records().isEmpty());
            assertThat(counts(again)).containsExactly(2);
            assertThat(fetchRaw(c, "q", m, "", 0, "t", 0, 10).errorCode()).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
        }
    }

    @Test
    void restartKeepsAcknowledgedAndRedeliversAcquiredWithCountPlusOne() throws IOException {
        try (EmbeddedBroker b = broker()) {
            int port = b.start();
            try (TestClient c = TestClient.connect(port)) {
                configure(c, "q", ShareGroupConfigureRequest.CHANGE_DEAD_LETTER_TOPIC
                        | ShareGroupConfigureRequest.CHANGE_MAX_DELIVERY_ATTEMPTS, 2, 0, "dlq", 0, 0);
                produce(c, "t", "a", "b", "c", "d", "e");
                String m = join(c, "q", "t");
                assertThat(offsets(fetch(c, "q", m, "", "t", 0, 4))).containsExactly(0L, 1L, 2L, 3L);
                ack(c, "q", m, "t", 0, a(0, 0, ACCEPT), a(2, 2, RELEASE));
                assertThat(offsets(fetch(c, "q", m, "", "t", 0, 1))).containsExactly(2L); // count 2: at the limit
            }
            b.stop();
            b.start();
            try (TestClient c = TestClient.connect(b.port())) {
                assertThat(configure(c, "q", 0, 0, 0, "", 0, 0).deadLetterTopic()).isEqualTo("dlq");
                String m = join(c, "q", "t");
                ShareFetchCopy f = fetch(c, "q", m, "", "t", 0, 10);
                // 0 acknowledged; 2 was at its limit when the restart ended its delivery: dead-lettered.
                assertThat(offsets(f)).containsExactly(1L, 3L, 4L);
                assertThat(counts(f)).containsExactly(2, 2, 1);
                List<Fetched> dead = await().atMost(Duration.ofSeconds(10)).until(() -> fetchAll(c, "dlq"),
                        l -> !l.isEmpty());
                assertThat(header(dead.get(0), "sb_dlq_reason")).isEqualTo("BROKER_RESTART");
                assertThat(header(dead.get(0), "sb_dlq_offset")).isEqualTo("2");
            }
        }
    }

    @Test
    void resetLatestAndTopicsThatComeAndGo() throws IOException {
        try (EmbeddedBroker b = broker(); TestClient c = TestClient.connect(b.start())) {
            configure(c, "q", ShareGroupConfigureRequest.CHANGE_AUTO_OFFSET_RESET, 0, 0, "", 1, 0);
            produce(c, "t", "old1", "old2");
            ShareGroupHeartbeatResponse hb = c.send(new ShareGroupHeartbeatRequest("q", "", false, "",
                    List.of("t", "later"))).body(ShareGroupHeartbeatResponse.class);
            String m = hb.memberId();
            assertThat(fetch(c, "q", m, "", "t", 0, 10).records()).isEmpty(); // latest: the old records are skipped
            produce(c, "t", "new");
            assertThat(offsets(fetch(c, "q", m, "", "t", 0, 10))).containsExactly(2L);
            // A subscribed topic created later starts at its start offset, whatever the reset policy.
            produce(c, "later", "first");
            ShareGroupHeartbeatResponse again = c.send(new ShareGroupHeartbeatRequest("q", m, false, "",
                    List.of("t", "later"))).body(ShareGroupHeartbeatResponse.class);
            assertThat(again.assignment().asMap()).containsOnlyKeys("t", "later");
            assertThat(offsets(fetch(c, "q", m, "", "later", 0, 10))).containsExactly(0L);
            // Deleted: it leaves the assignment, its share-partition goes; created again it is a new topic.
            assertThat(c.send(new io.streambus.protocol.core.DeleteTopicRequest("later")).isError()).isFalse();
            assertThat(c.send(new ShareGroupHeartbeatRequest("q", m, false, "", List.of("t", "later")))
                    .body(ShareGroupHeartbeatResponse.class).assignment().asMap()).containsOnlyKeys("t");
            assertThat(configure(c, "q", 0, 0, 0, "", 0, 0).sharePartitions().asMap()).containsOnlyKeys("t");
            produce(c, "later", "second life");
            ShareFetchCopy f = fetch(c, "q", m, "", "later", 0, 10);
            assertThat(f.records()).extracting(ShareFetchCopy.Record::valueString).containsExactly("second life");
            assertThat(counts(f)).containsExactly(1);
        }
    }

    static List<Fetched> fetchAll(TestClient c, String topic) throws IOException {
        Response r = c.send(new FetchRequest(topic, 0, 0, 1 << 20));
        return r.isError() ? List.of() : r.fetched();
    }

    static String header(Fetched f, String name) {
        Set<String> seen = new HashSet<>();
        for (io.streambus.common.Header h : f.headers()) {
            if (h.key().equals(name) && seen.add(name)) {
                return new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
