package io.streambus.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.BrokerInternals;
import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.group.GroupCoordinator;
import io.streambus.broker.group.GroupProbe;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.broker.testing.TestClient.Response;
import io.streambus.protocol.core.CreateTopicRequest;
import io.streambus.protocol.core.CreateTopicResponse;
import io.streambus.protocol.group.DeleteGroupsRequest;
import io.streambus.protocol.group.DeleteGroupsResponse;
import io.streambus.protocol.core.DeleteTopicRequest;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.group.GroupInfo;
import io.streambus.protocol.group.GroupMember;
import io.streambus.protocol.group.GroupProtocol;
import io.streambus.protocol.group.GroupResult;
import io.streambus.protocol.core.HealthCheckRequest;
import io.streambus.protocol.core.HealthCheckResponse;
import io.streambus.protocol.group.HeartbeatRequest;
import io.streambus.protocol.group.JoinGroupRequest;
import io.streambus.protocol.group.JoinGroupResponse;
import io.streambus.protocol.group.LeaveGroupRequest;
import io.streambus.protocol.group.ListGroupsRequest;
import io.streambus.protocol.group.ListGroupsResponse;
import io.streambus.protocol.group.MemberAssignment;
import io.streambus.protocol.group.OffsetCommitRequest;
import io.streambus.protocol.group.OffsetCommitResponse;
import io.streambus.protocol.group.OffsetFetchRequest;
import io.streambus.protocol.group.OffsetFetchResponse;
import io.streambus.protocol.PartitionOffset;
import io.streambus.protocol.PartitionOffsetResult;
import io.streambus.protocol.PartitionResult;
import io.streambus.protocol.group.SyncGroupRequest;
import io.streambus.protocol.group.SyncGroupResponse;
import io.streambus.protocol.TopicPartitions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group coordinator wired into the server (B.6), with raw codec requests over real sockets: membership round
 * trip, held JoinGroups keeping per-connection order, connection close, durable offsets, topic deletion and ACLs.
 */
@ExtendWith(LeakCheck.class)
class GroupWiringTest {
    private static final byte[] SUBSCRIPTION = "sub".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private EmbeddedBroker broker() {
        return EmbeddedBroker.builder().dataDir(dir.resolve("data"))
                .groupSessionTimeoutRange(Duration.ofMillis(100), Duration.ofMinutes(1)).build();
    }

    @Test
    void joinSyncHeartbeatCommitFetchListLeaveDelete() throws IOException {
        try (EmbeddedBroker b = broker()) {
            int port = b.start();
            try (TestClient c = TestClient.connect(port)) {
                c.send(new CreateTopicRequest("orders", 3, 1)).body(CreateTopicResponse.class);
                JoinGroupResponse j = join(c, "g1", "");
                assertThat(j.generationId()).isEqualTo(1);
                assertThat(j.leaderId()).isEqualTo(j.memberId());
                assertThat(j.protocolName()).isEqualTo("range");
                assertThat(j.members()).extracting(GroupMember::memberId).containsExactly(j.memberId());
                String me = j.memberId();
                byte[] assignment = "orders:0,1,2".getBytes(StandardCharsets.UTF_8);
                SyncGroupResponse s = c.send(new SyncGroupRequest("g1", 1, me, List.of(new MemberAssignment(me, assignment))))
                        .body(SyncGroupResponse.class);
                assertThat(s.assignment()).isEqualTo(assignment);
                assertThat(c.send(new HeartbeatRequest("g1", 1, me)).isError()).isFalse();
                assertThat(c.send(new HeartbeatRequest("g1", 7, me)).errorCode()).isEqualTo(ErrorCode.ILLEGAL_GENERATION);
                assertThat(c.send(new HeartbeatRequest("g1", 1, "nobody")).errorCode()).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
                assertThat(c.send(new HeartbeatRequest("nope", 1, me)).errorCode())
                        .isEqualTo(ErrorCode.UNKNOWN_CONSUMER_GROUP_ID);

                OffsetCommitResponse commit = c.send(new OffsetCommitRequest("g1", 1, me, TopicPartitions.of("orders",
                        List.of(new PartitionOffset(0, 5, "m0"), new PartitionOffset(1, 7, ""))))).body(OffsetCommitResponse.class);
                assertThat(commit.results().asMap().get("orders")).containsExactly(new PartitionResult(0, 0),
                        new PartitionResult(1, 0));
                OffsetFetchResponse fetched = c.send(new OffsetFetchRequest("g1", TopicPartitions.of("orders",
                        List.of(0, 1, 2)))).body(OffsetFetchResponse.class);
                assertThat(fetched.offsets().asMap().get("orders")).containsExactly(
                        new PartitionOffsetResult(0, 5, "m0", 0), new PartitionOffsetResult(1, 7, "", 0),
                        new PartitionOffsetResult(2, -1, "", 0));
                OffsetFetchResponse all = c.send(new OffsetFetchRequest("g1", TopicPartitions.empty()))
                        .body(OffsetFetchResponse.class);
                assertThat(all.offsets().asMap().get("orders")).extracting(PartitionOffsetResult::partition)
                        .containsExactly(0, 1);

                assertThat(c.send(new ListGroupsRequest("", List.of())).body(ListGroupsResponse.class).groups())
                        .containsExactly(new GroupInfo("g1", "consumer", "Stable"));
                // A group with members cannot be deleted.
                assertThat(c.send(new DeleteGroupsRequest(List.of("g1"))).body(DeleteGroupsResponse.class).results())
                        .containsExactly(new GroupResult("g1", ErrorCode.NON_EMPTY_GROUP));
                assertThat(c.send(new LeaveGroupRequest("g1", me)).isError()).isFalse();
                assertThat(c.send(new ListGroupsRequest("g", List.of("Empty"))).body(ListGroupsResponse.class).groups())
                        .containsExactly(new GroupInfo("g1", "consumer", "Empty"));
                assertThat(c.send(new DeleteGroupsRequest(List.of("g1", "unknown"))).body(DeleteGroupsResponse.class)
                        .results()).containsExactly(new GroupResult("g1", 0),
                        new GroupResult("unknown", ErrorCode.UNKNOWN_CONSUMER_GROUP_ID));
                OffsetFetchResponse gone = c.send(new OffsetFetchRequest("g1", TopicPartitions.of("orders", List.of(0))))
                        .body(OffsetFetchResponse.class);
                assertThat(gone.offsets().asMap().get("orders")).containsExactly(new PartitionOffsetResult(0, -1, "", 0));
                // Bad input is code 2 with the connection kept.
                assertThat(c.send(new JoinGroupRequest("", 10_000, 5_000, "", "c", "consumer",
                        List.of(new GroupProtocol("range", SUBSCRIPTION)))).errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
                assertThat(c.send(new HealthCheckRequest()).isError()).isFalse();
            }
        }
    }

    @Test
    void heldJoinGroupDelaysRequestsBehindItOnItsConnectionOnly() throws IOException {
        try (EmbeddedBroker b = broker()) {
            int port = b.start();
            try (TestClient a = TestClient.connect(port); TestClient bConn = TestClient.connect(port)) {
                JoinGroupResponse ja = join(a, "g2", "");
                String memberA = ja.memberId();
                a.send(new SyncGroupRequest("g2", 1, memberA, List.of(new MemberAssignment(memberA, new byte[] {1}))))
                        .body(SyncGroupResponse.class);

                // B joins: held until A rejoins. A HealthCheck pipelined behind it must wait for it.
                bConn.sendAsync(joinRequest("g2", ""));
                bConn.sendAsync(new HealthCheckRequest());
                GroupCoordinator groups = BrokerInternals.groups(b);
                await().atMost(Duration.ofSeconds(5)).until(() -> GroupProbe.members(groups, "g2").size() == 2);
                // Other connections are not held up.
                assertThat(a.send(new HeartbeatRequest("g2", 1, memberA)).errorCode())
                        .isEqualTo(ErrorCode.REBALANCE_IN_PROGRESS);
                // B's JoinGroup is held; that nothing comes back meanwhile can only be observed over a while.
                await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
                        .until(() -> bConn.socket().getInputStream().available() == 0);

                JoinGroupResponse ja2 = join(a, "g2", memberA);
                Response jb = bConn.receive();
                JoinGroupResponse jb2 = jb.body(JoinGroupResponse.class);
                assertThat(bConn.receive().body(HealthCheckResponse.class).status()).isEqualTo("healthy");
                assertThat(ja2.generationId()).isEqualTo(2).isEqualTo(jb2.generationId());
                assertThat(ja2.leaderId()).isEqualTo(memberA); // the previous leader stays leader
                assertThat(ja2.members()).extracting(GroupMember::memberId)
                        .containsExactlyInAnyOrder(memberA, jb2.memberId());
                assertThat(jb2.members()).isEmpty(); // followers get no member list
            }
        }
    }

    @Test
    void closingTheConnectionOfAHeldNewMemberRemovesIt() throws IOException {
        try (EmbeddedBroker b = broker()) {
            int port = b.start();
            try (TestClient a = TestClient.connect(port)) {
                String memberA = join(a, "g3", "").memberId();
                a.send(new SyncGroupRequest("g3", 1, memberA, List.of())).body(SyncGroupResponse.class);
                GroupCoordinator groups = BrokerInternals.groups(b);
                try (TestClient bConn = TestClient.connect(port)) {
                    bConn.sendAsync(joinRequest("g3", ""));
                    await().atMost(Duration.ofSeconds(5)).until(() -> GroupProbe.members(groups, "g3").size() == 2);
                }
                // The broker sees the close and removes the new member whose held JoinGroup was on it.
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> GroupProbe.members(groups, "g3").equals(List.of(memberA)));
                JoinGroupResponse again = join(a, "g3", memberA);
                assertThat(again.members()).extracting(GroupMember::memberId).containsExactly(memberA);
            }
        }
    }

    @Test
    void offsetsSurviveARestartAndGoWithTheirTopic() throws IOException {
        EmbeddedBroker b = broker();
        int port = b.start();
        try (TestClient c = TestClient.connect(port)) {
            c.send(new CreateTopicRequest("keep", 2, 1)).body(CreateTopicResponse.class);
            OffsetCommitResponse r = c.send(new OffsetCommitRequest("standalone", -1, "", tp(
                    "keep", List.of(new PartitionOffset(1, 42, "meta")),
                    "missing", List.of(new PartitionOffset(0, 1, ""))))).body(OffsetCommitResponse.class);
            assertThat(r.results().asMap().get("keep")).containsExactly(new PartitionResult(1, 0));
            assertThat(r.results().asMap().get("missing")).containsExactly(new PartitionResult(0, ErrorCode.TOPIC_NOT_FOUND));
        }
        b.stop();
        b.start();
        try (TestClient c = TestClient.connect(port)) {
            assertThat(c.send(new OffsetFetchRequest("standalone", TopicPartitions.of("keep", List.of(1))))
                    .body(OffsetFetchResponse.class).offsets().asMap().get("keep"))
                    .containsExactly(new PartitionOffsetResult(1, 42, "meta", 0));
            assertThat(c.send(new ListGroupsRequest("stand", List.of())).body(ListGroupsResponse.class).groups())
                    .containsExactly(new GroupInfo("standalone", "", "Empty"));
            c.send(new DeleteTopicRequest("keep")).body(io.streambus.protocol.core.DeleteTopicResponse.class);
            assertThat(c.send(new OffsetFetchRequest("standalone", TopicPartitions.of("keep", List.of(1))))
                    .body(OffsetFetchResponse.class).offsets().asMap().get("keep"))
                    .containsExactly(new PartitionOffsetResult(1, -1, "", 0));
        }
        b.close();
    }

    @Test
    void aclDenialsAre27ForGroupsAnd41ForTopics() throws IOException {
        Path acl = dir.resolve("acl.txt");
        Files.writeString(acl, String.join("\n",
                "allow anonymous group group:team-*",
                "allow anonymous fetch topic:orders",
                "allow anonymous create topic:orders", // auto-create needs the create right
                "allow anonymous describe group:team-*",
                "allow anonymous admin topic:secret",
                ""));
        try (EmbeddedBroker b = EmbeddedBroker.builder().dataDir(dir.resolve("acl-data")).acl(acl).build()) {
            int port = b.start();
            try (TestClient c = TestClient.connect(port)) {
                Response denied = c.send(joinRequest("other", ""));
                assertThat(denied.errorCode()).isEqualTo(ErrorCode.GROUP_AUTHORIZATION_FAILED);
                assertThat(denied.errorMessage()).contains("principal 'anonymous'").contains("'other'");
                assertThat(c.send(new OffsetFetchRequest("other", TopicPartitions.empty())).errorCode())
                        .isEqualTo(ErrorCode.GROUP_AUTHORIZATION_FAILED);

                c.send(new CreateTopicRequest("secret", 1, 1)).body(CreateTopicResponse.class);
                // Auto-creates: allowed (create).
                c.send(new io.streambus.protocol.core.FetchRequest("orders", 0, 0, 10));
                OffsetCommitResponse r = c.send(new OffsetCommitRequest("team-a", -1, "", tp(
                        "orders", List.of(new PartitionOffset(0, 1, "")),
                        "secret", List.of(new PartitionOffset(0, 1, ""))))).body(OffsetCommitResponse.class);
                // 41 for the topic anonymous may not read; the other partition is stored.
                assertThat(r.results().asMap().get("orders")).containsExactly(new PartitionResult(0, 0));
                assertThat(r.results().asMap().get("secret")).containsExactly(
                        new PartitionResult(0, ErrorCode.AUTHORIZATION_FAILED));
                assertThat(c.send(new DeleteGroupsRequest(List.of("team-a"))).body(DeleteGroupsResponse.class).results())
                        .containsExactly(new GroupResult("team-a", ErrorCode.GROUP_AUTHORIZATION_FAILED));
                assertThat(c.send(new ListGroupsRequest("", List.of())).body(ListGroupsResponse.class).groups())
                        .extracting(GroupInfo::groupId).containsExactly("team-a");
            }
        }
    }

    private static JoinGroupRequest joinRequest(String group, String memberId) {
        return new JoinGroupRequest(group, 10_000, 5_000, memberId, "client", "consumer",
                List.of(new GroupProtocol("range", SUBSCRIPTION), new GroupProtocol("roundrobin", SUBSCRIPTION)));
    }

    private static JoinGroupResponse join(TestClient c, String group, String memberId) throws IOException {
        return c.send(joinRequest(group, memberId)).body(JoinGroupResponse.class);
    }

    /** Two-topic TopicPartitions in the given order. */
    private static <P> TopicPartitions<P> tp(String t1, List<P> p1, String t2, List<P> p2) {
        java.util.LinkedHashMap<String, List<P>> m = new java.util.LinkedHashMap<>();
        m.put(t1, p1);
        m.put(t2, p2);
        return TopicPartitions.of(m);
    }
}
