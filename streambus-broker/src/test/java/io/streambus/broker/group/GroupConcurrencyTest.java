package io.streambus.broker.group;

import io.streambus.common.TopicPartition;
import io.streambus.protocol.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Requests for one group from many threads at once, as from many connections' event loops. */
class GroupConcurrencyTest extends CoordinatorHarness {

    @Override
    GroupCoordinatorConfig config() {
        return GroupCoordinatorConfig.builder().initialRebalanceDelayMs(1000).build();
    }

    @Test
    void concurrentJoinsFormOneGeneration() throws Exception {
        int members = 16;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<CompletableFuture<JoinResult>>> calls = new ArrayList<>();
        try {
            for (int i = 0; i < members; i++) {
                String client = "c" + i;
                calls.add(pool.submit(() -> {
                    go.await();
                    return join("conn-" + client, "g", "", client);
                }));
            }
            go.countDown();
            List<CompletableFuture<JoinResult>> joins = new ArrayList<>();
            for (Future<CompletableFuture<JoinResult>> c : calls) {
                joins.add(c.get(10, TimeUnit.SECONDS));
            }
            assertThat(joins).noneMatch(CompletableFuture::isDone);
            timer.advance(1000);
            Set<String> ids = new HashSet<>();
            JoinResult leader = null;
            for (CompletableFuture<JoinResult> f : joins) {
                JoinResult r = joined(f);
                assertThat(r.generation()).isEqualTo(1);
                ids.add(r.memberId());
                if (r.memberId().equals(r.leaderId())) {
                    leader = r;
                }
            }
            assertThat(ids).hasSize(members);
            assertThat(leader).isNotNull();
            assertThat(leader.members()).extracting(MemberMetadata::memberId).containsExactlyInAnyOrderElementsOf(ids);

            // every follower syncs concurrently while the leader's SyncGroup races them
            JoinResult theLeader = leader;
            List<Future<CompletableFuture<SyncResult>>> syncs = new ArrayList<>();
            for (String id : ids) {
                syncs.add(pool.submit(() -> id.equals(theLeader.memberId())
                        ? sync("g", 1, id, ids.stream().map(m -> new MemberAssignment(m, m.getBytes()))
                                .toArray(MemberAssignment[]::new))
                        : sync("g", 1, id)));
            }
            for (Future<CompletableFuture<SyncResult>> s : syncs) {
                SyncResult r = get(s.get(10, TimeUnit.SECONDS));
                assertThat(r.errorCode()).isZero();
                assertThat(ids).contains(new String(r.assignment()));
            }
            assertThat(snap("g").state()).isEqualTo(GroupState.STABLE);

            // concurrent commits of every member to distinct partitions, and heartbeats
            topicPartitions.put("wide", members);
            List<Future<Integer>> commits = new ArrayList<>();
            int p = 0;
            for (String id : ids) {
                int partition = p++;
                commits.add(pool.submit(() -> {
                    int hb = heartbeat("g", 1, id);
                    OffsetCommitResult r = get(coordinator.offsetCommit("alice", "g", 1, id,
                            commits("wide", partition, 100L + partition)));
                    return hb + codes(r).get(0);
                }));
            }
            for (Future<Integer> c : commits) {
                assertThat(c.get(10, TimeUnit.SECONDS)).isEqualTo(ErrorCode.NONE);
            }
            for (int i = 0; i < members; i++) {
                assertThat(store.offset("g", new TopicPartition("wide", i)).offset()).isEqualTo(100L + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void transactionOffsetsCreateTheGroup() {
        get(coordinator.applyTransactionOffsets("txn-group", commits("orders", 1, 77L)));
        assertThat(fetched("txn-group", "orders", 1)).isEqualTo(77);
        assertThat(get(coordinator.listGroups("alice", "txn", List.of())).groups())
                .containsExactly(new GroupOverview("txn-group", "", GroupState.EMPTY));
        assertThat(coordinator.applyTransactionOffsets("", commits("orders", 1, 1L))).isCompletedExceptionally();
    }
}
