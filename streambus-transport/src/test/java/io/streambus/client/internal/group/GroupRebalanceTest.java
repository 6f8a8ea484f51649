package io.streambus.client.internal.group;

import static io.streambus.client.internal.group.GroupTestKit.P0;
import static io.streambus.client.internal.group.GroupTestKit.P1;
import static io.streambus.client.internal.group.GroupTestKit.answerCommit;
import static io.streambus.client.internal.group.GroupTestKit.answerTopics;
import static io.streambus.client.internal.group.GroupTestKit.done;
import static io.streambus.client.internal.group.GroupTestKit.subscriptionOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.client.ClientConfig;
import io.streambus.client.internal.net.FakeNetwork;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.PartitionOffset;
import io.streambus.protocol.group.Assignment;
import io.streambus.protocol.group.GroupMember;
import io.streambus.protocol.group.JoinGroupRequest;
import io.streambus.protocol.group.JoinGroupResponse;
import io.streambus.protocol.group.LeaveGroupRequest;
import io.streambus.protocol.group.LeaveGroupResponse;
import io.streambus.protocol.group.MemberAssignment;
import io.streambus.protocol.group.OffsetCommitRequest;
import io.streambus.protocol.group.Subscription;
import io.streambus.protocol.group.SyncGroupRequest;
import io.streambus.protocol.group.SyncGroupResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Rebalances, the assignment hand-off, auto-commit, leaving and the leader's duties of a group member, on the
 * scripted network (spec B.6.1, B.6.3, B.6.7, B.6.8).
 */
class GroupRebalanceTest {

    @Test
    void aRebalanceRevokesBeforeJoinGroupAndAssignsAfterSyncGroup() throws Exception {
        try (GroupTestKit kit = new GroupTestKit()) {
            kit.stableMember(List.of(P0, P1));
            kit.engine.setPosition(P0, 5);
            kit.engine.setPosition(P1, 9);

            kit.heartbeat(ErrorCode.REBALANCE_IN_PROGRESS);
            kit.idleStep(); // eager protocol: no JoinGroup while the consumer thread still owns partitions
            assertThat(kit.net.requests(ApiKey.JOIN_GROUP)).hasSize(1);

            Future<?> poll = kit.onConsumer(() -> kit.consumer.poll(Duration.ZERO));
            OffsetCommitRequest commit = answerCommit(kit.expect(ApiKey.OFFSET_COMMIT), 0);
            done(poll);
            assertThat(offsets(commit)).containsOnly(Map.entry(P0, 5L), Map.entry(P1, 9L));
            assertThat(kit.consumer.assignment()).isEmpty();

            JoinGroupRequest rejoin = kit.join(2, "m-1", List.of(P1));
            assertThat(subscriptionOf(rejoin).ownedPartitions()).containsExactlyInAnyOrder(P0, P1);
            assertThat(kit.consumer.assignment()).as("applied by the consumer thread, not yet").isEmpty();
            kit.pollApplying(Map.of(P1, 9L));

            assertThat(kit.consumer.assignment()).containsExactly(P1);
            assertThat(kit.events).containsSubsequence("engine.pause [t-0, t-1]", "sent OFFSET_COMMIT",
                    "revoked [t-0, t-1]", "engine.assign []", "sent JOIN_GROUP", "sent SYNC_GROUP",
                    "sent OFFSET_FETCH", "engine.assign [t-1]", "engine.seek t-1 9", "assigned [t-1]");
        }
    }

    @Test
    void theHandOffHoldsOneAssignmentAndTheCoordinatorWaitsUntilItIsTakenOrDropped() throws Exception {
        try (GroupTestKit kit = new GroupTestKit()) {
            kit.subscribe();
            kit.join(1, "m-1", List.of(P0)); // handed over, not applied: nobody polled
            kit.heartbeat(ErrorCode.REBALANCE_IN_PROGRESS);
            assertThat(kit.membership.state()).isEqualTo(MemberState.REBALANCE_PENDING);
            kit.idleStep();
            assertThat(kit.net.requests(ApiKey.JOIN_GROUP)).hasSize(1);

            done(kit.onConsumer(() -> kit.consumer.poll(Duration.ZERO))); // drops the stale assignment
            assertThat(kit.events).noneMatch(e -> e.startsWith("assigned") || e.startsWith("revoked"));
            assertThat(kit.net.requests(ApiKey.OFFSET_FETCH)).isEmpty();

            kit.join(2, "m-1", List.of(P1));
            kit.pollApplying(Map.of());
            assertThat(kit.events).containsExactly("sent JOIN_GROUP", "sent SYNC_GROUP", "sent HEARTBEAT",
                    "sent JOIN_GROUP", "sent SYNC_GROUP", "sent OFFSET_FETCH", "engine.assign [t-1]",
                    "assigned [t-1]");
        }
    }

    @Test
    void withoutAutoCommitRevocationCommitsNothing() throws Exception {
        try (GroupTestKit kit = new GroupTestKit(Map.of(ClientConfig.ENABLE_AUTO_COMMIT, false))) {
            kit.stableMember(List.of(P0));
            kit.engine.setPosition(P0, 5);
            kit.heartbeat(ErrorCode.REBALANCE_IN_PROGRESS);
            done(kit.onConsumer(() -> kit.consumer.poll(Duration.ZERO)));
            assertThat(kit.events).contains("revoked [t-0]");
            assertThat(kit.net.requests(ApiKey.OFFSET_COMMIT)).isEmpty();
        }
    }

    @Test
    void autoCommitCommitsChangedPositionsEveryInterval() throws Exception {
        try (GroupTestKit kit = new GroupTestKit(Map.of(ClientConfig.AUTO_COMMIT_INTERVAL_MS, 5000))) {
            kit.stableMember(List.of(P0, P1));
            done(kit.onConsumer(() -> kit.consumer.poll(Duration.ZERO))); // the interval has not passed yet
            assertThat(kit.net.requests(ApiKey.OFFSET_COMMIT)).isEmpty();

            kit.engine.setPosition(P0, 12);
            kit.net.advanceMs(5000);
            done(kit.onConsumer(() -> kit.consumer.poll(Duration.ZERO)));
            OffsetCommitRequest commit = answerCommit(kit.expect(ApiKey.OFFSET_COMMIT), 0);
            assertThat(commit.generationId()).isEqualTo(1);
            assertThat(offsets(commit)).containsOnly(Map.entry(P0, 12L));

            kit.net.advanceMs(5000);
            done(kit.onConsumer(() -> kit.consumer.poll(Duration.ZERO)));
            assertThat(kit.net.requests(ApiKey.OFFSET_COMMIT)).as("unchanged positions are not committed again")
                    .hasSize(1);
        }
    }

    @Test
    void closeCommitsRevokesThenLeavesTheGroup() throws Exception {
        try (GroupTestKit kit = new GroupTestKit()) {
            kit.stableMember(List.of(P0));
            kit.engine.setPosition(P0, 4);

            Future<?> close = kit.onConsumer(() -> kit.consumer.close(Duration.ofSeconds(5)));
            OffsetCommitRequest commit = answerCommit(kit.expect(ApiKey.OFFSET_COMMIT), 0);
            FakeNetwork.Request leave = kit.expect(ApiKey.LEAVE_GROUP);
            assertThat(leave.body(LeaveGroupRequest.class).memberId()).isEqualTo("m-1");
            leave.respond(new LeaveGroupResponse());
            done(close);

            assertThat(offsets(commit)).containsOnly(Map.entry(P0, 4L));
            assertThat(kit.events).containsSubsequence("sent OFFSET_COMMIT", "revoked [t-0]", "sent LEAVE_GROUP",
                    "engine.close");
            assertThat(kit.membership.state()).isEqualTo(MemberState.CLOSED);
            assertThat(kit.net.dedicatedConnections()).allMatch(c -> !c.isOpen());
            assertThat(done(kit.step())).isEqualTo(GroupMembership.STOP);
        }
    }

    @Test
    void closeAfterTheSessionWasLostNeitherCommitsNorLeaves() throws Exception {
        try (GroupTestKit kit = new GroupTestKit()) {
            kit.stableMember(List.of(P0));
            kit.engine.setPosition(P0, 4);
            kit.heartbeat(ErrorCode.UNKNOWN_MEMBER_ID);

            done(kit.onConsumer(() -> kit.consumer.close(Duration.ofSeconds(5))));
            assertThat(kit.events).contains("lost [t-0]", "engine.close");
            assertThat(kit.net.requests(ApiKey.OFFSET_COMMIT)).isEmpty();
            assertThat(kit.net.requests(ApiKey.LEAVE_GROUP)).isEmpty();
        }
    }

    @Test
    void unsubscribeRevokesLeavesAndStopsJoining() throws Exception {
        try (GroupTestKit kit = new GroupTestKit(Map.of(ClientConfig.ENABLE_AUTO_COMMIT, false))) {
            kit.stableMember(List.of(P0));
            Future<?> unsubscribe = kit.onConsumer(kit.consumer::unsubscribe);
            kit.expect(ApiKey.LEAVE_GROUP).respondError(ErrorCode.UNKNOWN_MEMBER_ID, "gone anyway (B.6.7)");
            done(unsubscribe);

            assertThat(kit.events).containsSubsequence("revoked [t-0]", "sent LEAVE_GROUP");
            assertThat(kit.membership.state()).isEqualTo(MemberState.UNJOINED);
            assertThat(kit.consumer.memberId()).isEmpty();
            kit.net.advanceMs(60_000);
            kit.idleStep();
        }
    }

    @Test
    void theLeaderAssignsWithTheSelectedStrategyAndRejoinsWhenAPartitionCountChanges() throws Exception {
        try (GroupTestKit kit = new GroupTestKit(Map.of(ClientConfig.METADATA_MAX_AGE_MS, 10_000))) {
            kit.subscribe();
            Future<Long> f = kit.stepUntil(ApiKey.JOIN_GROUP);
            byte[] sub = new Subscription(List.of(GroupTestKit.TOPIC)).toBytes();
            kit.expect(ApiKey.JOIN_GROUP).respond(new JoinGroupResponse(1, "range", "m-1", "m-1",
                    List.of(new GroupMember("m-1", sub), new GroupMember("m-2", sub))));
            answerTopics(kit.expect(ApiKey.LIST_TOPICS), Map.of(GroupTestKit.TOPIC, 2));
            FakeNetwork.Request sync = kit.expect(ApiKey.SYNC_GROUP);
            Map<String, List<TopicPartition>> assigned = new HashMap<>();
            for (MemberAssignment a : sync.body(SyncGroupRequest.class).assignments()) {
                assigned.put(a.memberId(), Assignment.fromBytes(a.assignment()).partitions());
            }
            assertThat(assigned).containsOnly(Map.entry("m-1", List.of(P0)), Map.entry("m-2", List.of(P1)));
            sync.respond(new SyncGroupResponse(new Assignment(List.of(P0)).toBytes()));
            assertThat(done(f)).isZero();
            kit.pollApplying(Map.of());
            assertThat(kit.consumer.assignment()).containsExactly(P0);

            kit.net.advanceMs(10_000);
            Future<Long> check = kit.stepUntil(ApiKey.LIST_TOPICS);
            answerTopics(kit.expect(ApiKey.LIST_TOPICS), Map.of(GroupTestKit.TOPIC, 3));
            done(check);
            assertThat(kit.membership.state()).isEqualTo(MemberState.REBALANCE_PENDING);
        }
    }

    @Test
    void aPatternSubscriptionJoinsWithTheMatchingTopicsAndRejoinsWhenTheyChange() throws Exception {
        try (GroupTestKit kit = new GroupTestKit(Map.of(ClientConfig.METADATA_MAX_AGE_MS, 10_000))) {
            kit.consumer.subscribe(Pattern.compile("t.*"), kit.listener);
            Future<Long> first = kit.stepUntil(ApiKey.LIST_TOPICS);
            answerTopics(kit.expect(ApiKey.LIST_TOPICS), Map.of("t", 2, "tx", 1, "u", 1));
            done(first);
            JoinGroupRequest join = kit.join(1, "m-1", List.of(P0));
            assertThat(subscriptionOf(join).topics()).containsExactly("t", "tx");
            kit.pollApplying(Map.of());

            kit.net.advanceMs(10_000);
            Future<Long> again = kit.stepUntil(ApiKey.LIST_TOPICS);
            answerTopics(kit.expect(ApiKey.LIST_TOPICS), Map.of("t", 2, "tx", 1, "ty", 1, "u", 1));
            done(again);
            assertThat(kit.membership.state()).isEqualTo(MemberState.REBALANCE_PENDING);
            done(kit.onConsumer(() -> kit.consumer.poll(Duration.ZERO)));
            assertThat(kit.events).contains("revoked [t-0]");
            assertThat(kit.net.requests(ApiKey.OFFSET_COMMIT)).as("nothing consumed, nothing to commit").isEmpty();
            assertThat(subscriptionOf(kit.join(2, "m-1", List.of(P0))).topics()).containsExactly("t", "tx", "ty");
        }
    }

    private static Map<TopicPartition, Long> offsets(OffsetCommitRequest commit) {
        Map<TopicPartition, Long> m = new HashMap<>();
        commit.offsets().topics().forEach(t -> {
            for (PartitionOffset p : t.partitions()) {
                m.put(new TopicPartition(t.name(), p.partition()), p.offset());
            }
        });
        return m;
    }
}
