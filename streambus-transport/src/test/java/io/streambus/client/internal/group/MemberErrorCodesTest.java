package io.streambus.client.internal.group;

import static io.streambus.client.internal.group.GroupTestKit.P0;
import static io.streambus.client.internal.group.GroupTestKit.P1;
import static io.streambus.client.internal.group.GroupTestKit.answerCommit;
import static io.streambus.client.internal.group.GroupTestKit.done;
import static io.streambus.client.internal.group.GroupTestKit.follower;
import static io.streambus.client.internal.group.GroupTestKit.subscriptionOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.client.BrokerErrorException;
import io.streambus.client.ClientConfig;
import io.streambus.client.ConnectionException;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.internal.ClientContext;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.client.internal.net.FakeNetwork;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.group.HeartbeatRequest;
import io.streambus.protocol.group.JoinGroupRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every code of spec B.6.11 and the member's reaction to it, on the scripted network: the state it moves to, what
 * happens to its partitions (revoked with a commit, or lost without), and the member id of its next JoinGroup.
 */
class MemberErrorCodesTest {

    // ---- 22 RebalanceInProgress: commit, give up the partitions, rejoin with the member id --------------------------

    @Test
    void heartbeat22RevokesWithACommitAndRejoinsWithTheMemberId() throws Exception {
        try (GroupTestKit kit = new GroupTestKit()) {
            kit.stableMember(List.of(P0, P1));
            kit.engine.setPosition(P0, 7);

            kit.heartbeat(ErrorCode.REBALANCE_IN_PROGRESS);
            assertThat(kit.membership.state()).isEqualTo(MemberState.REBALANCE_PENDING);

            Future<?> poll = kit.onConsumer(() -> kit.consumer.poll(Duration.ZERO));
            var commit = answerCommit(kit.expect(ApiKey.OFFSET_COMMIT), 0);
            done(poll);
            assertThat(commit.generationId()).isEqualTo(1);
            assertThat(commit.memberId()).isEqualTo("m-1");
            assertThat(kit.events).containsSubsequence("engine.pause [t-0, t-1]", "sent OFFSET_COMMIT",
                    "revoked [t-0, t-1]", "engine.assign []");

            JoinGroupRequest rejoin = kit.join(2, "m-1", List.of(P0));
            assertThat(rejoin.memberId()).isEqualTo("m-1");
        }
    }

    @ParameterizedTest(name = "SyncGroup answered {0}")
    @ValueSource(ints = {ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.ILLEGAL_GENERATION})
    void syncGroup22Or28RejoinsWithTheMemberId(int code) throws Exception {
        try (GroupTestKit kit = new GroupTestKit()) {
            kit.subscribe();
            Future<Long> f = kit.stepUntil(ApiKey.JOIN_GROUP);
            kit.expect(ApiKey.JOIN_GROUP).respond(follower(1, "m-1"));
            kit.expect(ApiKey.SYNC_GROUP).respondError(code, "scripted");
            assertThat(done(f)).isZero();
            assertThat(kit.membership.state()).isEqualTo(MemberState.UNJOINED);

            JoinGroupRequest rejoin = kit.join(2, "m-1", List.of(P0));
            assertThat(rejoin.memberId()).isEqualTo("m-1");
            assertThat(kit.membership.state()).isEqualTo(MemberState.STABLE);
            assertThat(kit.events).noneMatch(e -> e.startsWith("revoked") || e.startsWith("lost"));
        }
    }

    @Test
    void joinGroup22RejoinsWithTheMemberId() throws Exception {
        try (GroupTestKit kit = new GroupTestKit()) {
            kit.stableMember(List.of(P0));
            kit.heartbeat(ErrorCode.REBALANCE_IN_PROGRESS);
            done(kit.onConsumer(() -> kit.consumer.poll(Duration.ZERO))); // revokes; nothing consumed to commit

            Future<Long> f = kit.stepUntil(ApiKey.JOIN_GROUP);
            kit.expect(ApiKey.JOIN_GROUP).respondError(ErrorCode.REBALANCE_IN_PROGRESS, "scripted");
            assertThat(done(f)).isZero();
            assertThat(kit.membership.state()).isEqualTo(MemberState.UNJOINED);
            assertThat(kit.join(2, "m-1", List.of(P0)).memberId()).isEqualTo("m-1");
        }
    }

    // ---- 28 IllegalGeneration: partitions lost (no commit), rejoin with the member id -------------------------------

    @Test
    void heartbeat28LosesThePartitionsWithoutCommittingAndRejoinsWithTheMemberId() throws Exception {
        try (GroupTestKit kit = new GroupTestKit()) {
            kit.stableMember(List.of(P0, P1));
            kit.engine.setPosition(P0, 7);

            kit.heartbeat(ErrorCode.ILLEGAL_GENERATION);
            assertThat(kit.membership.state()).isEqualTo(MemberState.FENCED);
            assertThat(kit.consumer.memberId()).isEqualTo("m-1");

            done(kit.onConsumer(() -> kit.consumer.poll(Duration.ZERO)));
            assertThat(kit.events).contains("lost [t-0, t-1]").doesNotContain("revoked [t-0, t-1]");
            assertThat(kit.net.requests(ApiKey.OFFSET_COMMIT)).isEmpty();

            JoinGroupRequest rejoin = kit.join(2, "m-1", List.of(P1));
            assertThat(rejoin.memberId()).isEqualTo("m-1");
            assertThat(subscriptionOf(rejoin).ownedPartitions()).as("the last assignment is kept")
                    .containsExactlyInAnyOrder(P0, P1);
        }
    }

    // ---- 20 UnknownMemberID, 24 UnknownConsumerGroupID: lost, member id forgotten, rejoin with an empty one --------

    @ParameterizedTest(name = "Heartbeat answered {0}")
    @ValueSource(ints = {ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.UNKNOWN_CONSUMER_GROUP_ID})
    void heartbeat20Or24IsASessionLoss(int code) throws Exception {
        try (GroupTestKit kit = new GroupTestKit()) {
            kit.stableMember(List.of(P0));
            kit.engine.setPosition(P0, 3);

            kit.heartbeat(code);
            assertThat(kit.membership.state()).isEqualTo(MemberState.FENCED);
            assertThat(kit.consumer.memberId()).isEmpty();
            assertThat(kit.membership.generation().isValid()).isFalse();

            done(kit.onConsumer(() -> kit.consumer.poll(Duration.ZERO)));
            assertThat(kit.events).contains("lost [t-0]");
            assertThat(kit.net.requests(ApiKey.OFFSET_COMMIT)).as("nothing committed for lost partitions").isEmpty();

            JoinGroupRequest rejoin = kit.join(5, "m-2", List.of(P0));
            assertThat(rejoin.memberId()).isEmpty();
            assertThat(subscriptionOf(rejoin).ownedPartitions()).as("the last assignment is forgotten").isEmpty();
            assertThat(kit.consumer.memberId()).isEqualTo("m-2");
        }
    }

    @ParameterizedTest(name = "SyncGroup answered {0}")
    @ValueSource(ints = {ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.UNKNOWN_CONSUMER_GROUP_ID})
    void syncGroup20Or24RejoinsWithAnEmptyMemberId(int code) throws Exception {
        try (GroupTestKit kit = new GroupTestKit()) {
            kit.subscribe();
            Future<Long> f = kit.stepUntil(ApiKey.JOIN_GROUP);
            kit.expect(ApiKey.JOIN_GROUP).respond(follower(1, "m-1"));
            kit.expect(ApiKey.SYNC_GROUP).respondError(code, "scripted");
            done(f);
            assertThat(kit.consumer.memberId()).isEmpty();
            assertThat(kit.join(2, "m-2", List.of(P0)).memberId()).isEmpty();
        }
    }

    @ParameterizedTest(name = "JoinGroup answered {0}")
    @ValueSource(ints = {ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.UNKNOWN_CONSUMER_GROUP_ID})
    void joinGroup20Or24RejoinsWithAnEmptyMemberId(int code) throws Exception {
        try (GroupTestKit kit = new GroupTestKit()) {
            kit.stableMember(List.of(P0));
            kit.heartbeat(ErrorCode.ILLEGAL_GENERATION);
            done(kit.onConsumer(() -> kit.consumer.poll(Duration.ZERO)));

            Future<Long> f = kit.stepUntil(ApiKey.JOIN_GROUP);
            FakeNetwork.Request join = kit.expect(ApiKey.JOIN_GROUP);
            assertThat(join.body(JoinGroupRequest.class).memberId()).isEqualTo("m-1");
            join.respondError(code, "scripted");
            done(f);
            assertThat(kit.join(3, "m-9", List.of(P0)).memberId()).isEmpty();
        }
    }

    @ParameterizedTest(name = "OffsetCommit answered {0}")
    @ValueSource(ints = {ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.ILLEGAL_GENERATION,
            ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.UNKNOWN_CONSUMER_GROUP_ID})
    void offsetCommitMembershipCodesFailTheCommitAndStartTheReaction(int code) throws Exception {
        try (GroupTestKit kit = new GroupTestKit(Map.of("enable.auto.commit", false))) {
            kit.stableMember(List.of(P0));

            Future<?> commit = kit.onConsumer(() -> kit.consumer.commitSync(
                    Map.of(P0, new OffsetAndMetadata(4)), Duration.ofSeconds(5)));
            answerCommit(kit.expect(ApiKey.OFFSET_COMMIT), code);
            assertThatThrownBy(() -> done(commit)).isInstanceOf(BrokerErrorException.class)
                    .satisfies(e -> assertThat(((BrokerErrorException) e).code()).isEqualTo(code));

            boolean forgets = code == ErrorCode.UNKNOWN_MEMBER_ID || code == ErrorCode.UNKNOWN_CONSUMER_GROUP_ID;
            assertThat(kit.membership.state()).isEqualTo(code == ErrorCode.REBALANCE_IN_PROGRESS
                    ? MemberState.REBALANCE_PENDING : MemberState.FENCED);
            assertThat(kit.consumer.memberId()).isEqualTo(forgets ? "" : "m-1");

            done(kit.onConsumer(() -> kit.consumer.poll(Duration.ZERO)));
            assertThat(kit.events).contains(code == ErrorCode.REBALANCE_IN_PROGRESS ? "revoked [t-0]" : "lost [t-0]");
            assertThat(kit.join(2, "m-1", List.of(P0)).memberId()).isEqualTo(forgets ? "" : "m-1");
        }
    }

    @Test
    void anAnswerAboutAnOlderGenerationIsIgnored() throws Exception {
        try (GroupTestKit kit = new GroupTestKit()) {
            kit.stableMember(List.of(P0));
            kit.membership.onMembershipError(0, ErrorCode.ILLEGAL_GENERATION, "OffsetCommit");
            assertThat(kit.membership.state()).isEqualTo(MemberState.STABLE);
        }
    }

    // ---- 21, 27, 29 in reply to JoinGroup: the subscription fails ---------------------------------------------------

    @ParameterizedTest(name = "JoinGroup answered {0}")
    @ValueSource(ints = {ErrorCode.INVALID_SESSION_TIMEOUT, ErrorCode.GROUP_AUTHORIZATION_FAILED,
            ErrorCode.INCONSISTENT_GROUP_PROTOCOL})
    void joinGroupConfigurationAndAuthorizationErrorsFailTheSubscription(int code) throws Exception {
        try (GroupTestKit kit = new GroupTestKit()) {
            kit.subscribe();
            Future<Long> f = kit.stepUntil(ApiKey.JOIN_GROUP);
            kit.expect(ApiKey.JOIN_GROUP).respondError(code, "scripted");
            done(f);
            assertThat(kit.membership.state()).isEqualTo(MemberState.UNJOINED);

            assertThatThrownBy(() -> done(kit.onConsumer(() -> kit.consumer.poll(Duration.ZERO))))
                    .isInstanceOf(BrokerErrorException.class)
                    .satisfies(e -> assertThat(((BrokerErrorException) e).code()).isEqualTo(code));
            kit.net.advanceMs(60_000);
            kit.idleStep(); // no retry: the subscription has failed

            kit.subscribe(); // a new subscription tries again
            assertThat(kit.join(1, "m-1", List.of(P0)).memberId()).isEmpty();
        }
    }

    // ---- B.4: a broker that does not serve groups ---------------------------------------------------------------

    private static final BrokerCapabilities NO_GROUPS = new BrokerCapabilities(false, Set.of(1, 2, 3, 4, 5, 6, 7), 0,
            "core only");

    @Test
    void aBrokerWithoutGroupsFailsTheConsumerBeforeItCreatesAnEngine() {
        ClientConfig config = FakeNetwork.config(Map.of());
        FakeNetwork net = new FakeNetwork(config).capabilities(NO_GROUPS);
        ClientContext ctx = net.newContext();
        try {
            GroupNetwork network = new GroupNetwork(ctx);
            AtomicBoolean engineCreated = new AtomicBoolean();
            assertThatThrownBy(() -> new DefaultGroupConsumer<String, String>(GroupTestKit.GROUP, "c",
                    GroupSettings.of(config, network.requestTimeoutNanos(), network.apiTimeoutNanos()), network,
                    net.time(), false, () -> {
                        engineCreated.set(true);
                        return new FakeEngine(new ArrayList<>());
                    }, FakeEngine::positions))
                    .isInstanceOf(UnsupportedFeatureException.class);
            assertThat(engineCreated).isFalse();
        } finally {
            ctx.close(Duration.ofSeconds(1));
        }
    }

    @Test
    void aCoordinatorConnectionWithoutGroupsFailsTheSubscription() throws Exception {
        try (GroupTestKit kit = new GroupTestKit(Map.of(), net -> net
                .failCapabilities(new ConnectionException("broker not reachable yet")).capabilities(NO_GROUPS))) {
            kit.subscribe(); // capabilities unknown: the coordinator finds out when it connects
            done(kit.step()); // topic list check (nothing to ask for a topic list subscription)
            done(kit.step()); // connects: the connection's capabilities lack groups
            assertThat(kit.net.requests(ApiKey.JOIN_GROUP)).isEmpty();
            assertThatThrownBy(() -> done(kit.onConsumer(() -> kit.consumer.poll(Duration.ZERO))))
                    .isInstanceOf(UnsupportedFeatureException.class);
            kit.idleStep();
        }
    }

    // ---- 6, 25: retry after a backoff -------------------------------------------------------------------------------

    @ParameterizedTest(name = "Heartbeat answered {0}")
    @ValueSource(ints = {ErrorCode.REQUEST_TIMEOUT, ErrorCode.NOT_COORDINATOR})
    void retriableHeartbeatErrorsBackOffAndKeepTheMembership(int code) throws Exception {
        try (GroupTestKit kit = new GroupTestKit()) {
            kit.stableMember(List.of(P0));
            long wait = kit.heartbeat(code);
            assertThat(wait).isEqualTo(TimeUnit.MILLISECONDS.toNanos(GroupTestKit.BACKOFF_MS));
            assertThat(kit.membership.state()).isEqualTo(MemberState.STABLE);

            kit.heartbeat(0);
            List<FakeNetwork.Request> beats = kit.net.requests(ApiKey.HEARTBEAT);
            assertThat(beats).hasSize(2);
            assertThat(beats.get(1).body(HeartbeatRequest.class).generationId()).isEqualTo(1);
            assertThat(kit.events).noneMatch(e -> e.startsWith("revoked") || e.startsWith("lost"));
        }
    }

    @ParameterizedTest(name = "JoinGroup answered {0}")
    @ValueSource(ints = {ErrorCode.REQUEST_TIMEOUT, ErrorCode.NOT_COORDINATOR})
    void retriableJoinGroupErrorsBackOffThenJoinAgain(int code) throws Exception {
        try (GroupTestKit kit = new GroupTestKit()) {
            kit.subscribe();
            Future<Long> f = kit.stepUntil(ApiKey.JOIN_GROUP);
            kit.expect(ApiKey.JOIN_GROUP).respondError(code, "scripted");
            assertThat(done(f)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(GroupTestKit.BACKOFF_MS));
            Future<Long> g = kit.stepUntil(ApiKey.JOIN_GROUP);
            kit.expect(ApiKey.JOIN_GROUP).respondError(code, "scripted");
            assertThat(done(g)).as("exponential backoff").isEqualTo(
                    TimeUnit.MILLISECONDS.toNanos(2L * GroupTestKit.BACKOFF_MS));
            kit.join(1, "m-1", List.of(P0));
            assertThat(kit.membership.state()).isEqualTo(MemberState.STABLE);
        }
    }
}
