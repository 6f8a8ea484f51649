package io.streambus.broker.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * SyncGroup answers leave only after the membership record of the stable generation is durable: a broker killed
 * right after a member got its assignment restores that generation instead of the previous one. The membership
 * writes are held by the test and released one by one, so the order is checked without any timing.
 */
class SyncAfterMembershipWriteTest extends CoordinatorHarness {
    /** Membership writes in the order the coordinator queued them; each completes only when the test says so. */
    private final List<CompletableFuture<Void>> held = new ArrayList<>();
    private final List<CompletableFuture<Void>> stored = new ArrayList<>();

    @Override
    GroupCoordinator newCoordinator() {
        DurableMembership durable = DurableMembership.in(store, (group, record) -> {
            CompletableFuture<Void> gate = new CompletableFuture<>();
            synchronized (held) {
                held.add(gate);
            }
            // The record reaches the real store only when the test opens the gate (a slow disk).
            CompletableFuture<Void> done = gate.thenCompose(v -> store.putMembership(group, record));
            synchronized (stored) {
                stored.add(done);
            }
            return done;
        });
        return new GroupCoordinator(config(), store, topic -> topicPartitions.getOrDefault(topic, -1), acl, timer,
                durable);
    }

    private void releaseAllWrites() {
        List<CompletableFuture<Void>> gates;
        synchronized (held) {
            gates = new ArrayList<>(held);
        }
        gates.forEach(g -> g.complete(null));
        List<CompletableFuture<Void>> writes;
        synchronized (stored) {
            writes = new ArrayList<>(stored);
        }
        writes.forEach(CoordinatorHarness::get);
    }

    @Test
    void theLeadersAndAHeldFollowersAnswersWaitForTheStableGenerationsRecord() {
        JoinResult first = joined(join("c1", "g", "", "one"));
        CompletableFuture<SyncResult> alone = sync("g", first.generation(), first.memberId(),
                new MemberAssignment(first.memberId(), new byte[] {1}));
        assertThat(alone).as("answered before the stable generation is stored").isNotDone();
        releaseAllWrites();
        assertThat(get(alone).errorCode()).isZero();

        CompletableFuture<JoinResult> second = join("c2", "g", "", "two");
        JoinResult leader = joined(join("c1", "g", first.memberId(), "one"));
        JoinResult follower = joined(second);
        CompletableFuture<SyncResult> followerSync = sync("g", follower.generation(), follower.memberId());
        CompletableFuture<SyncResult> leaderSync = sync("g", leader.generation(), leader.memberId(),
                new MemberAssignment(leader.memberId(), new byte[] {1}),
                new MemberAssignment(follower.memberId(), new byte[] {2}));
        assertThat(snap("g").state()).isEqualTo(GroupState.STABLE);
        assertThat(leaderSync).isNotDone();
        assertThat(followerSync).isNotDone();

        releaseAllWrites();
        assertThat(get(leaderSync).assignment()).containsExactly(1);
        assertThat(get(followerSync).assignment()).containsExactly(2);
    }

    @Test
    void aSyncInAStableGroupWaitsForTheWriteStillInFlight() {
        JoinResult first = joined(join("c1", "g", "", "one"));
        CompletableFuture<SyncResult> leaderSync = sync("g", first.generation(), first.memberId(),
                new MemberAssignment(first.memberId(), new byte[] {7}));
        // A repeated SyncGroup (a lost response) in the now Stable group: its answer may not overtake the record.
        CompletableFuture<SyncResult> again = sync("g", first.generation(), first.memberId());
        assertThat(leaderSync).isNotDone();
        assertThat(again).isNotDone();
        releaseAllWrites();
        assertThat(get(again).assignment()).containsExactly(7);
        assertThat(get(leaderSync).errorCode()).isZero();
    }

    @Test
    void anAnsweredGenerationIsWhatARestartRestores() throws Exception {
        JoinResult first = joined(join("c1", "g", "", "one"));
        CompletableFuture<SyncResult> s = sync("g", first.generation(), first.memberId(),
                new MemberAssignment(first.memberId(), new byte[] {3}));
        releaseAllWrites();
        assertThat(get(s).errorCode()).isZero();
        restart();
        GroupCoordinator.GroupSnapshot snap = snap("g");
        assertThat(snap.state()).isEqualTo(GroupState.STABLE);
        assertThat(snap.generation()).isEqualTo(first.generation());
        assertThat(snap.members()).containsExactly(first.memberId());
    }
}
