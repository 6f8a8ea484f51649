package io.streambus.broker.group;

import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.group.Subscription;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** JoinGroup, SyncGroup, Heartbeat and LeaveGroup flows of B.6.4–B.6.7 and B.6.10. */
class GroupMembershipTest extends CoordinatorHarness {

    @Test
    void singleMemberJoinSyncHeartbeat() {
        CompletableFuture<JoinResult> f = join("c1", "billing", "", "svc-a");
        JoinResult r = joined(f); // the only member has joined: the phase ends at once
        assertThat(r.generation()).isEqualTo(1);
        assertThat(r.memberId()).startsWith("svc-a-").hasSize("svc-a-".length() + 36);
        assertThat(r.leaderId()).isEqualTo(r.memberId());
        assertThat(r.protocol()).isEqualTo("range");
        assertThat(r.members()).hasSize(1);
        assertThat(r.members().get(0).memberId()).isEqualTo(r.memberId());
        assertThat(Subscription.fromBytes(r.members().get(0).metadata()).topics()).containsExactly("orders");
        assertThat(snap("billing").state()).isEqualTo(GroupState.COMPLETING_REBALANCE);
        assertThat(heartbeat("billing", 1, r.memberId())).isZero(); // CompletingRebalance succeeds

        byte[] assignment = {9, 8, 7};
        SyncResult s = get(sync("billing", 1, r.memberId(), new MemberAssignment(r.memberId(), assignment)));
        assertThat(s.errorCode()).isZero();
        assertThat(s.assignment()).containsExactly(9, 8, 7);
        assertThat(snap("billing").state()).isEqualTo(GroupState.STABLE);

        assertThat(heartbeat("billing", 1, r.memberId())).isZero();
        assertThat(heartbeat("billing", 0, r.memberId())).isEqualTo(ErrorCode.ILLEGAL_GENERATION);
        assertThat(heartbeat("billing", 1, "svc-a-unknown")).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
        assertThat(heartbeat("nosuch", 1, r.memberId())).isEqualTo(ErrorCode.UNKNOWN_CONSUMER_GROUP_ID);
        // a retry of the SyncGroup in Stable returns the same assignment at once
        assertThat(get(sync("billing", 1, r.memberId())).assignment()).containsExactly(9, 8, 7);
    }

    @Test
    void twoMembersVectorStory() {
        // svc-a joins first and leads generation 1 alone.
        JoinResult a1 = stableSingle("billing", "svc-a");
        // svc-b joins: held, a rebalance starts; svc-a learns of it from its heartbeat.
        CompletableFuture<JoinResult> bJoin = join("c2", "billing", "", "svc-b",
                List.of(new Protocol("range", subscription("orders"))));
        assertThat(bJoin).isNotDone();
        assertThat(snap("billing").state()).isEqualTo(GroupState.PREPARING_REBALANCE);
        assertThat(heartbeat("billing", 1, a1.memberId())).isEqualTo(ErrorCode.REBALANCE_IN_PROGRESS);
        CompletableFuture<JoinResult> aJoin = coordinator.joinGroup(new JoinRequest("c1", "alice", "billing", SESSION, REBALANCE,
                a1.memberId(), "svc-a", "consumer", List.of(new Protocol("range", subscription("orders", "payments")),
                        new Protocol("roundrobin", subscription("orders", "payments")))));
        JoinResult a2 = joined(aJoin);
        JoinResult b2 = joined(bJoin);
        assertThat(a2.generation()).isEqualTo(2);
        assertThat(b2.generation()).isEqualTo(2);
        assertThat(a2.leaderId()).isEqualTo(a1.memberId()).isEqualTo(b2.leaderId()); // previous leader stays
        assertThat(a2.protocol()).isEqualTo("range"); // svc-b only offers range
        assertThat(b2.members()).isEmpty(); // followers get no member list
        List<String> ids = a2.members().stream().map(MemberMetadata::memberId).toList();
        assertThat(ids).containsExactly(a1.memberId(), b2.memberId()); // "svc-a-…" < "svc-b-…"
        assertThat(Subscription.fromBytes(a2.members().get(0).metadata()).topics())
                .containsExactly("orders", "payments");
        assertThat(Subscription.fromBytes(a2.members().get(1).metadata()).topics()).containsExactly("orders");

        // follower's SyncGroup waits for the leader's
        CompletableFuture<SyncResult> bSync = sync("billing", 2, b2.memberId());
        assertThat(bSync).isNotDone();
        CompletableFuture<SyncResult> aSync = sync("billing", 2, a2.memberId(),
                new MemberAssignment(a2.memberId(), new byte[] {1}),
                new MemberAssignment(b2.memberId(), new byte[] {2}),
                new MemberAssignment("not-a-member", new byte[] {3}));
        assertThat(get(aSync).assignment()).containsExactly(1);
        assertThat(get(bSync).assignment()).containsExactly(2);
        assertThat(snap("billing").state()).isEqualTo(GroupState.STABLE);
        assertThat(snap("billing").members()).containsExactly(a2.memberId(), b2.memberId());
    }

    @Test
    void threeMembersWithInitialDelayAndProtocolSelection() {
        stop();
        GroupCoordinatorConfig delayed = GroupCoordinatorConfig.builder().initialRebalanceDelayMs(3000).build();
        try {
            store = OffsetStore.open(dataDir);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        coordinator = new GroupCoordinator(delayed, store, t -> topicPartitions.getOrDefault(t, -1), acl, timer);

        CompletableFuture<JoinResult> a = join("c1", "g3", "", "a", protocols("range", "roundrobin"));
        timer.advance(1000);
        CompletableFuture<JoinResult> b = join("c2", "g3", "", "b", protocols("roundrobin", "range"));
        CompletableFuture<JoinResult> c = join("c3", "g3", "", "c", protocols("roundrobin"));
        assertThat(List.of(a, b, c)).noneMatch(CompletableFuture::isDone); // all joined, but the delay runs
        timer.advance(1999);
        assertThat(a).isNotDone();
        timer.advance(1);
        JoinResult ra = joined(a);
        JoinResult rb = joined(b);
        JoinResult rc = joined(c);
        assertThat(ra.generation()).isEqualTo(1).isEqualTo(rb.generation()).isEqualTo(rc.generation());
        // first to join leads; the protocol is the first of the leader's list that every member supports
        assertThat(ra.leaderId()).isEqualTo(ra.memberId());
        assertThat(ra.protocol()).isEqualTo("roundrobin");
        assertThat(ra.members()).hasSize(3);
        assertThat(ra.members().stream().map(MemberMetadata::memberId).toList())
                .isSortedAccordingTo(io.streambus.protocol.group.Utf8Order.STRINGS);
    }

    @Test
    void leaderRejoinStartsRebalanceAndStaysLeader() {
        JoinResult a = stableSingle("g", "a");
        CompletableFuture<JoinResult> bJoin = join("c2", "g", "", "b");
        JoinResult a2 = joined(join("c1", "g", a.memberId(), "a"));
        JoinResult b2 = joined(bJoin);
        get(sync("g", 2, a2.memberId()));
        assertThat(get(sync("g", 2, b2.memberId())).errorCode()).isZero();

        // the leader sends JoinGroup again with the same protocols: a new phase (it may want a new assignment)
        CompletableFuture<JoinResult> a3 = join("c1", "g", a.memberId(), "a");
        assertThat(a3).isNotDone();
        assertThat(heartbeat("g", 2, b2.memberId())).isEqualTo(ErrorCode.REBALANCE_IN_PROGRESS);
        JoinResult b3 = joined(join("c2", "g", b2.memberId(), "b"));
        assertThat(joined(a3).generation()).isEqualTo(3);
        assertThat(b3.leaderId()).isEqualTo(a.memberId());
    }

    @Test
    void followerRetryIsAnsweredAtOnceButChangedProtocolsRebalance() {
        JoinResult a = stableSingle("g", "a");
        JoinResult b = secondMemberJoins(a);
        get(sync("g", 2, a.memberId()));
        get(sync("g", 2, b.memberId()));

        JoinResult retry = joined(join("c2", "g", b.memberId(), "b"));
        assertThat(retry.generation()).isEqualTo(2);
        assertThat(retry.leaderId()).isEqualTo(a.memberId());
        assertThat(retry.protocol()).isEqualTo("range");
        assertThat(retry.members()).isEmpty();
        assertThat(snap("g").state()).isEqualTo(GroupState.STABLE);

        CompletableFuture<JoinResult> changed = join("c2", "g", b.memberId(), "b",
                List.of(new Protocol("range", subscription("orders", "payments"))));
        assertThat(changed).isNotDone();
        assertThat(snap("g").state()).isEqualTo(GroupState.PREPARING_REBALANCE);
    }

    @Test
    void memberThatStopsHeartbeatingIsRemovedAndTheGroupRebalances() {
        // session 6 s, rebalance 10 s
        JoinResult a1 = joined(coordinator.joinGroup(new JoinRequest("c1", "alice", "g", 6000, 10_000, "", "a", "consumer",
                protocols("range"))));
        get(sync("g", 1, a1.memberId()));
        CompletableFuture<JoinResult> bJoin = coordinator.joinGroup(new JoinRequest("c2", "alice", "g", 6000, 10_000, "", "b",
                "consumer", protocols("range")));
        JoinResult a = joined(coordinator.joinGroup(new JoinRequest("c1", "alice", "g", 6000, 10_000, a1.memberId(), "a",
                "consumer", protocols("range"))));
        JoinResult b = joined(bJoin);
        CompletableFuture<SyncResult> bSync = sync("g", 2, b.memberId()); // held until the leader's
        get(sync("g", 2, a.memberId()));
        assertThat(get(bSync).errorCode()).isZero();
        assertThat(snap("g").state()).isEqualTo(GroupState.STABLE);

        timer.advance(3000);
        assertThat(heartbeat("g", 2, a.memberId())).isZero();
        timer.advance(2999);
        assertThat(snap("g").members()).hasSize(2);
        timer.advance(2); // b's last sign of life was at t=0
        assertThat(snap("g").members()).containsExactly(a.memberId());
        assertThat(snap("g").state()).isEqualTo(GroupState.PREPARING_REBALANCE);
        assertThat(heartbeat("g", 2, b.memberId())).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
        assertThat(heartbeat("g", 2, a.memberId())).isEqualTo(ErrorCode.REBALANCE_IN_PROGRESS);
        JoinResult a3 = joined(coordinator.joinGroup(new JoinRequest("c1", "alice", "g", 6000, 10_000, a.memberId(), "a",
                "consumer", protocols("range"))));
        assertThat(a3.generation()).isEqualTo(3);
        assertThat(a3.members()).extracting(MemberMetadata::memberId).containsExactly(a.memberId());
        // heartbeats keep a member alive indefinitely
        get(sync("g", 3, a.memberId()));
        for (int i = 0; i < 10; i++) {
            timer.advance(5000);
            assertThat(heartbeat("g", 3, a.memberId())).isZero();
        }
    }

    @Test
    void heldJoinIsAnsweredWhenThePhaseEndsByTimeout() {
        JoinResult a = stableSingle("g", "a");
        JoinResult b = secondMemberJoins(a);
        get(sync("g", 2, a.memberId()));
        get(sync("g", 2, b.memberId()));

        CompletableFuture<JoinResult> a3 = join("c1", "g", a.memberId(), "a"); // leader rejoins; b never does
        timer.advance(REBALANCE - 1);
        assertThat(a3).isNotDone();
        assertThat(heartbeat("g", 2, b.memberId())).isEqualTo(ErrorCode.REBALANCE_IN_PROGRESS);
        timer.advance(1);
        JoinResult r = joined(a3);
        assertThat(r.generation()).isEqualTo(3);
        assertThat(r.members()).extracting(MemberMetadata::memberId).containsExactly(a.memberId());
        assertThat(heartbeat("g", 2, b.memberId())).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
    }

    @Test
    void syncTimeoutWithoutLeaderAnswers22AndStartsANewPhase() {
        JoinResult a = stableSingle("g", "a");
        JoinResult b = secondMemberJoins(a);
        CompletableFuture<SyncResult> bSync = sync("g", 2, b.memberId());
        timer.advance(REBALANCE - 1);
        assertThat(bSync).isNotDone();
        timer.advance(1);
        assertThat(get(bSync).errorCode()).isEqualTo(ErrorCode.REBALANCE_IN_PROGRESS);
        assertThat(snap("g").state()).isEqualTo(GroupState.PREPARING_REBALANCE);
        assertThat(snap("g").members()).containsExactly(b.memberId()); // the leader sent none: removed
        JoinResult b3 = joined(join("c2", "g", b.memberId(), "b"));
        assertThat(b3.generation()).isEqualTo(3);
        assertThat(b3.leaderId()).isEqualTo(b.memberId());
    }

    @Test
    void followerWithoutSyncIsRemovedAfterTheSyncPhaseOfAStableGroup() {
        JoinResult a = stableSingle("g", "a");
        JoinResult b = secondMemberJoins(a);
        get(sync("g", 2, a.memberId(), new MemberAssignment(b.memberId(), new byte[] {5})));
        assertThat(snap("g").state()).isEqualTo(GroupState.STABLE);
        timer.advance(REBALANCE);
        assertThat(snap("g").members()).containsExactly(a.memberId());
        assertThat(snap("g").state()).isEqualTo(GroupState.PREPARING_REBALANCE);
        assertThat(heartbeat("g", 2, a.memberId())).isEqualTo(ErrorCode.REBALANCE_IN_PROGRESS);
    }

    @Test
    void heldRequestsNeverExpire() {
        // session 6 s < rebalance 20 s: a member waiting in a held JoinGroup must not expire meanwhile
        JoinResult a = joined(coordinator.joinGroup(new JoinRequest("c1", "alice", "g", 6000, 20_000, "", "a", "consumer",
                protocols("range"))));
        get(sync("g", 1, a.memberId()));
        CompletableFuture<JoinResult> bJoin = coordinator.joinGroup(new JoinRequest("c2", "alice", "g", 6000, 20_000, "", "b",
                "consumer", protocols("range")));
        timer.advance(5000);
        assertThat(heartbeat("g", 1, a.memberId())).isEqualTo(ErrorCode.REBALANCE_IN_PROGRESS);
        timer.advance(5000);
        assertThat(heartbeat("g", 1, a.memberId())).isEqualTo(ErrorCode.REBALANCE_IN_PROGRESS);
        timer.advance(5000); // b held for 15 s, well past its session timeout
        assertThat(bJoin).isNotDone();
        JoinResult a2 = joined(coordinator.joinGroup(new JoinRequest("c1", "alice", "g", 6000, 20_000, a.memberId(), "a",
                "consumer", protocols("range"))));
        assertThat(joined(bJoin).generation()).isEqualTo(2);
        assertThat(a2.members()).hasSize(2);
    }

    @Test
    void leaveDuringCompletingRebalance() {
        JoinResult a = stableSingle("g", "a");
        JoinResult b = secondMemberJoins(a);
        CompletableFuture<SyncResult> bSync = sync("g", 2, b.memberId());
        assertThat(get(coordinator.leaveGroup("alice", "g", a.memberId()))).isZero(); // the leader leaves
        assertThat(get(bSync).errorCode()).isEqualTo(ErrorCode.REBALANCE_IN_PROGRESS);
        assertThat(snap("g").state()).isEqualTo(GroupState.PREPARING_REBALANCE);
        JoinResult b3 = joined(join("c2", "g", b.memberId(), "b"));
        assertThat(b3.generation()).isEqualTo(3);
        assertThat(b3.leaderId()).isEqualTo(b.memberId());
        assertThat(get(coordinator.leaveGroup("alice", "g", a.memberId()))).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
        assertThat(get(coordinator.leaveGroup("alice", "nope", a.memberId())))
                .isEqualTo(ErrorCode.UNKNOWN_CONSUMER_GROUP_ID);
        assertThat(get(coordinator.leaveGroup("alice", "g", b.memberId()))).isZero();
        assertThat(snap("g").state()).isEqualTo(GroupState.EMPTY);
        assertThat(snap("g").protocolType()).isEqualTo("consumer");
    }

    @Test
    void leaveAnswersTheMembersHeldJoinWith20() {
        JoinResult a = stableSingle("g", "a");
        JoinResult b = secondMemberJoins(a);
        get(sync("g", 2, a.memberId()));
        get(sync("g", 2, b.memberId()));
        CompletableFuture<JoinResult> bRejoin = join("c2", "g", b.memberId(), "b",
                List.of(new Protocol("range", subscription("payments")))); // changed: new phase, held
        assertThat(bRejoin).isNotDone();
        assertThat(get(coordinator.leaveGroup("alice", "g", b.memberId()))).isZero(); // sent on another connection
        assertThat(get(bRejoin).errorCode()).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
    }

    @Test
    void newMemberWhoseConnectionClosesIsRemoved() {
        JoinResult a = stableSingle("g", "a");
        Object conn2 = new Object();
        CompletableFuture<JoinResult> bJoin = join(conn2, "g", "", "b");
        assertThat(snap("g").members()).hasSize(2);
        coordinator.connectionClosed(conn2);
        assertThat(snap("g").members()).containsExactly(a.memberId());
        assertThat(get(bJoin).errorCode()).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
        JoinResult a2 = joined(join("c1", "g", a.memberId(), "a"));
        assertThat(a2.generation()).isEqualTo(2);
        assertThat(a2.members()).extracting(MemberMetadata::memberId).containsExactly(a.memberId());
        coordinator.connectionClosed("c1"); // a known member is not affected
        assertThat(snap("g").members()).containsExactly(a.memberId());
    }

    @Test
    void newerJoinOfTheSameMemberReplacesTheHeldOne() {
        JoinResult a = stableSingle("g", "a");
        CompletableFuture<JoinResult> bJoin = join("c2", "g", "", "b");
        JoinResult a2 = joined(join("c1", "g", a.memberId(), "a"));
        JoinResult b = joined(bJoin);
        get(sync("g", 2, a2.memberId()));
        get(sync("g", 2, b.memberId()));
        CompletableFuture<JoinResult> first = join("c1", "g", a.memberId(), "a");
        CompletableFuture<JoinResult> second = join("c9", "g", a.memberId(), "a");
        assertThat(get(first).errorCode()).isEqualTo(ErrorCode.REBALANCE_IN_PROGRESS);
        assertThat(second).isNotDone();
        joined(join("c2", "g", b.memberId(), "b"));
        assertThat(joined(second).generation()).isEqualTo(3);
    }

    @Test
    void membersOfALostGenerationGet28And22() {
        JoinResult a = stableSingle("g", "a");
        CompletableFuture<JoinResult> bJoin = join("c2", "g", "", "b");
        // during PreparingRebalance generation 1 is still current
        assertThat(heartbeat("g", 1, a.memberId())).isEqualTo(ErrorCode.REBALANCE_IN_PROGRESS);
        assertThat(get(sync("g", 1, a.memberId())).errorCode()).isEqualTo(ErrorCode.REBALANCE_IN_PROGRESS);
        joined(join("c1", "g", a.memberId(), "a"));
        joined(bJoin);
        assertThat(heartbeat("g", 1, a.memberId())).isEqualTo(ErrorCode.ILLEGAL_GENERATION);
        assertThat(get(sync("g", 1, a.memberId())).errorCode()).isEqualTo(ErrorCode.ILLEGAL_GENERATION);
        assertThat(get(sync("g", 2, "stranger")).errorCode()).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
        assertThat(get(sync("nope", 2, a.memberId())).errorCode()).isEqualTo(ErrorCode.UNKNOWN_CONSUMER_GROUP_ID);
    }

    @Nested
    class JoinChecks {
        @Test
        void invalidRequests() {
            String longClient = "c".repeat(256);
            assertThat(code(coordinator.joinGroup(new JoinRequest("c", "alice", "", SESSION, REBALANCE, "", "x", "consumer",
                    protocols("range"))))).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(code(coordinator.joinGroup(new JoinRequest("c", "alice", "g".repeat(1025), SESSION, REBALANCE, "", "x",
                    "consumer", protocols("range"))))).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(code(coordinator.joinGroup(new JoinRequest("c", "alice", "g", SESSION, REBALANCE, "", "x", "",
                    protocols("range"))))).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(code(coordinator.joinGroup(new JoinRequest("c", "alice", "g", SESSION, REBALANCE, "", "x", "consumer",
                    List.of())))).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(code(coordinator.joinGroup(new JoinRequest("c", "alice", "g", SESSION, REBALANCE, "", "x", "consumer",
                    protocols("range", "range"))))).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(code(coordinator.joinGroup(new JoinRequest("c", "alice", "g", SESSION, 0, "", "x", "consumer",
                    protocols("range"))))).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(code(coordinator.joinGroup(new JoinRequest("c", "alice", "g", SESSION, REBALANCE, "", longClient,
                    "consumer", protocols("range"))))).isEqualTo(ErrorCode.INVALID_REQUEST);
            // 1024 bytes of group id and 255 of client id are fine
            assertThat(code(coordinator.joinGroup(new JoinRequest("c", "alice", "g".repeat(1024), SESSION, REBALANCE, "",
                    "c".repeat(255), "consumer", protocols("range"))))).isZero();
            assertThat(snap("g")).isNull();
        }

        @Test
        void checksInSpecOrder() {
            denied.add("alice|GROUP|JOIN|g");
            // 2 before 27
            assertThat(code(coordinator.joinGroup(new JoinRequest("c", "alice", "g", SESSION, 0, "", "x", "consumer",
                    protocols("range"))))).isEqualTo(ErrorCode.INVALID_REQUEST);
            // 27 before 21
            assertThat(code(coordinator.joinGroup(new JoinRequest("c", "alice", "g", 10, REBALANCE, "", "x", "consumer",
                    protocols("range"))))).isEqualTo(ErrorCode.GROUP_AUTHORIZATION_FAILED);
            denied.clear();
            // 21 before 20
            assertThat(code(coordinator.joinGroup(new JoinRequest("c", "alice", "g", 5999, REBALANCE, "unknown", "x", "consumer",
                    protocols("range"))))).isEqualTo(ErrorCode.INVALID_SESSION_TIMEOUT);
            assertThat(code(coordinator.joinGroup(new JoinRequest("c", "alice", "g", 300_001, REBALANCE, "", "x", "consumer",
                    protocols("range"))))).isEqualTo(ErrorCode.INVALID_SESSION_TIMEOUT);
            // 20 for a member id of an unknown group, which is not created
            assertThat(code(join("c", "g", "ghost-1", "x"))).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
            assertThat(snap("g")).isNull();
            assertThat(get(coordinator.listGroups("alice", "", List.of())).groups()).isEmpty();
        }

        @Test
        void inconsistentProtocols() {
            JoinResult a = stableSingle("g", "a");
            assertThat(code(coordinator.joinGroup(new JoinRequest("c", "alice", "g", SESSION, REBALANCE, "", "x", "connect",
                    protocols("range"))))).isEqualTo(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
            assertThat(code(join("c", "g", "", "x", protocols("sticky")))).isEqualTo(
                    ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
            assertThat(code(join("c", "g", a.memberId(), "a", protocols("sticky")))).as("alone: no other member")
                    .isZero();
            // 20 before 29
            assertThat(code(join("c", "g", "ghost", "x", protocols("nothing-in-common"))))
                    .isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
        }

        @Test
        void emptyGroupAcceptsAnyProtocolType() {
            JoinResult a = stableSingle("g", "a");
            get(coordinator.leaveGroup("alice", "g", a.memberId()));
            JoinResult r = joined(coordinator.joinGroup(new JoinRequest("c", "alice", "g", SESSION, REBALANCE, "", "x", "connect",
                    protocols("assign"))));
            assertThat(r.generation()).isEqualTo(2);
            assertThat(snap("g").protocolType()).isEqualTo("connect");
        }

        private int code(CompletableFuture<JoinResult> f) {
            timer.advance(0);
            assertThat(f).isDone();
            return get(f).errorCode();
        }
    }

    @Test
    void syncChecks() {
        JoinResult a = joined(join("c1", "g", "", "a"));
        assertThat(get(sync("g", 1, a.memberId(), new MemberAssignment("x", new byte[0]),
                new MemberAssignment("x", new byte[0]))).errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(get(sync("", 1, a.memberId())).errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        denied.add("alice|GROUP|SYNC|g");
        assertThat(get(sync("g", 1, a.memberId())).errorCode()).isEqualTo(ErrorCode.GROUP_AUTHORIZATION_FAILED);
        denied.add("alice|GROUP|HEARTBEAT|g");
        assertThat(heartbeat("g", 1, a.memberId())).isEqualTo(ErrorCode.GROUP_AUTHORIZATION_FAILED);
        denied.add("alice|GROUP|LEAVE|g");
        assertThat(get(coordinator.leaveGroup("alice", "g", a.memberId())))
                .isEqualTo(ErrorCode.GROUP_AUTHORIZATION_FAILED);
        assertThat(heartbeat("", 1, a.memberId())).isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    @Test
    void closeAnswersHeldRequestsWithRequestTimeout() {
        JoinResult a = stableSingle("g", "a");
        CompletableFuture<JoinResult> bJoin = join("c2", "g", "", "b");
        coordinator.close();
        assertThat(get(bJoin).errorCode()).isEqualTo(ErrorCode.REQUEST_TIMEOUT);
        assertThat(heartbeat("g", 1, a.memberId())).isEqualTo(ErrorCode.REQUEST_TIMEOUT);
    }

    /**
     * Member "b" joins group "g" whose single member {@code a} is stable; {@code a} rejoins, so the phase ends with
     * generation 2 and both members; returns b's JoinGroup result (nobody has synced yet).
     */
    private JoinResult secondMemberJoins(JoinResult a) {
        CompletableFuture<JoinResult> bJoin = join("c2", "g", "", "b");
        joined(join("c1", "g", a.memberId(), "a"));
        return joined(bJoin);
    }
}
