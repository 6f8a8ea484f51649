package io.streambus.broker.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streambus.protocol.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Durable membership: after a restart, members that heartbeat within their session timeout keep their ids,
 * generation and assignments and their commits succeed; members that stay silent expire; a rebalance in progress
 * comes back as a join phase; an Empty group keeps no membership; membership lives in the offsets log.
 */
class GroupMembershipRestartTest extends CoordinatorHarness {
    private static final int GEN = 2;
    private boolean durable = true;

    @Override
    GroupCoordinator newCoordinator() {
        if (!durable) {
            return super.newCoordinator();
        }
        return new GroupCoordinator(config(), store, topic -> topicPartitions.getOrDefault(topic, -1), acl, timer,
                true);
    }

    /** Two members, Stable in generation 2, the leader gave each a distinct assignment. Returns {leader, follower}. */
    private JoinResult[] stablePair(String group) {
        JoinResult first = stableSingle(group, "one");
        CompletableFuture<JoinResult> b = join("c2", group, "", "two");
        JoinResult leader = joined(join("c1", group, first.memberId(), "one"));
        JoinResult follower = joined(b);
        assertThat(leader.leaderId()).isEqualTo(leader.memberId());
        CompletableFuture<SyncResult> fs = sync(group, follower.generation(), follower.memberId());
        assertThat(get(sync(group, leader.generation(), leader.memberId(),
                new MemberAssignment(leader.memberId(), new byte[] {1}),
                new MemberAssignment(follower.memberId(), new byte[] {2}))).errorCode()).isZero();
        assertThat(get(fs).assignment()).containsExactly(2);
        assertThat(snap(group).state()).isEqualTo(GroupState.STABLE);
        assertThat(leader.generation()).isEqualTo(GEN);
        return new JoinResult[] {leader, follower};
    }

    @Test
    void membersThatHeartbeatAfterARestartKeepTheirPartitionsAndCommit() throws Exception {
        JoinResult[] m = stablePair("g");
        restart();
        GroupCoordinator.GroupSnapshot s = snap("g");
        assertThat(s.state()).isEqualTo(GroupState.STABLE);
        assertThat(s.generation()).isEqualTo(GEN);
        assertThat(s.leaderId()).isEqualTo(m[0].memberId());
        assertThat(s.members()).containsExactlyInAnyOrder(m[0].memberId(), m[1].memberId());
        assertThat(heartbeat("g", GEN, m[0].memberId())).isZero();
        assertThat(heartbeat("g", GEN, m[1].memberId())).isZero();
        assertThat(codes(get(coordinator.offsetCommit("alice", "g", GEN, m[1].memberId(), commits("orders", 0, 42L)))))
                .containsOnly(ErrorCode.NONE);
        // A follower that re-syncs (a lost response) still gets its assignment.
        assertThat(get(sync("g", GEN, m[1].memberId())).assignment()).containsExactly(2);
        assertThat(fetched("g", "orders", 0)).isEqualTo(42L);
    }

    @Test
    void sessionsRestartAtStartAndSilentMembersExpire() throws Exception {
        JoinResult[] m = stablePair("g");
        timer.advance(SESSION - 1000); // most of the session used up before the restart
        restart();
        timer.advance(SESSION - 1000);
        assertThat(heartbeat("g", GEN, m[0].memberId())).as("the session restarted with the broker").isZero();
        timer.advance(1001);
        assertThat(snap("g").members()).as("the silent follower expired").containsExactly(m[0].memberId());
        assertThat(heartbeat("g", GEN, m[0].memberId())).isEqualTo(ErrorCode.REBALANCE_IN_PROGRESS);
    }

    @Test
    void aRebalanceInProgressComesBackAsAJoinPhase() throws Exception {
        JoinResult[] m = stablePair("g");
        assertThat(get(coordinator.leaveGroup("alice", "g", m[1].memberId()))).isZero();
        assertThat(snap("g").state()).isEqualTo(GroupState.PREPARING_REBALANCE);
        restart();
        assertThat(snap("g").state()).isEqualTo(GroupState.PREPARING_REBALANCE);
        assertThat(snap("g").members()).containsExactly(m[0].memberId());
        assertThat(heartbeat("g", GEN, m[0].memberId())).isEqualTo(ErrorCode.REBALANCE_IN_PROGRESS);
        JoinResult again = joined(join("c1", "g", m[0].memberId(), "one"));
        assertThat(again.memberId()).isEqualTo(m[0].memberId());
        assertThat(again.generation()).isEqualTo(GEN + 1);
    }

    @Test
    void anEmptyGroupKeepsNoMembership() throws Exception {
        JoinResult[] m = stablePair("g");
        await().atMost(Duration.ofSeconds(10)).until(() -> store.membership("g") != null);
        get(coordinator.leaveGroup("alice", "g", m[0].memberId()));
        get(coordinator.leaveGroup("alice", "g", m[1].memberId()));
        assertThat(snap("g").state()).isEqualTo(GroupState.EMPTY);
        await().atMost(Duration.ofSeconds(10)).until(() -> store.membership("g") == null);
        restart();
        assertThat(snap("g") == null || snap("g").state() == GroupState.EMPTY).isTrue();
        assertThat(store.membership("g")).isNull();
    }

    @Test
    void anUnreadableRecordIsIgnoredAndItsMembersRejoin() throws Exception {
        JoinResult[] m = stablePair("g");
        coordinator.close();
        // A record whose CRC is fine but whose body is not a membership record of this version.
        get(store.putMembership("g", new byte[] {99, 0, 0}));
        store.close();
        store = OffsetStore.open(dataDir);
        coordinator = newCoordinator();
        assertThat(heartbeat("g", GEN, m[0].memberId())).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
        await().atMost(Duration.ofSeconds(10)).until(() -> store.membership("g") == null);
    }

    @Test
    void membershipSharesTheOffsetsLogAndSurvivesItsCompaction() throws Exception {
        JoinResult[] m = stablePair("g");
        try (Stream<Path> files = Files.list(dataDir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .as("no store besides the offsets log").containsExactly(OffsetStore.DIRECTORY);
        }
        restart(); // the superseded membership records make the store compact at open
        assertThat(store.compactions()).isPositive();
        restart();
        assertThat(heartbeat("g", GEN, m[0].memberId())).isZero();
        assertThat(heartbeat("g", GEN, m[1].memberId())).isZero();
        assertThat(get(sync("g", GEN, m[0].memberId())).assignment()).containsExactly(1);
    }

    @Test
    void deletingTheGroupDeletesItsMembership() throws Exception {
        stablePair("g");
        coordinator.close();
        get(store.deleteGroup("g"));
        assertThat(store.membership("g")).isNull();
        restart();
        assertThat(snap("g")).isNull();
    }

    @Test
    void withoutTheStoreMembershipIsLostAsBefore() throws Exception {
        durable = false;
        coordinator.close();
        coordinator = newCoordinator();
        JoinResult[] m = stablePair("g");
        restart();
        assertThat(heartbeat("g", GEN, m[0].memberId())).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
    }

    @Test
    void recordsRoundTrip() throws IOException {
        DurableGroup g = new DurableGroup("grp-é", "consumer", 7, "range", "m1", true, List.of(
                new DurableGroup.DurableMember("m1", "c", 6000, 10000, List.of(new Protocol("range", new byte[] {9})),
                        new byte[] {1, 2}),
                new DurableGroup.DurableMember("m2", "", 6000, 10000, List.of(), new byte[0])));
        DurableGroup back = DurableGroupCodec.decode(DurableGroupCodec.encode(g));
        assertThat(back.groupId()).isEqualTo("grp-é");
        assertThat(back.generation()).isEqualTo(7);
        assertThat(back.leaderId()).isEqualTo("m1");
        assertThat(back.stable()).isTrue();
        assertThat(back.members()).hasSize(2);
        assertThat(back.members().get(0).protocols()).containsExactly(new Protocol("range", new byte[] {9}));
        assertThat(back.members().get(0).assignment()).containsExactly(1, 2);
        byte[] bytes = DurableGroupCodec.encode(g);
        assertThatThrownBy(() -> DurableGroupCodec.decode(java.util.Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(IOException.class);
    }
}
