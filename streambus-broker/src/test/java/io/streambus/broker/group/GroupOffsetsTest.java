package io.streambus.broker.group;

import io.streambus.common.TopicPartition;
import io.streambus.protocol.ErrorCode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** OffsetCommit, OffsetFetch, DeleteGroups, ListGroups, retention and restarts (B.6.8, B.6.9, B.6.12, B.6.13). */
class GroupOffsetsTest extends CoordinatorHarness {

    private static final Duration RETENTION = Duration.ofHours(1);

    @Override
    GroupCoordinatorConfig config() {
        return GroupCoordinatorConfig.builder().offsetRetention(RETENTION).build();
    }

    private OffsetCommitResult commit(String group, int generation, String member,
                                      List<TopicData<CommitPartition>> offsets) {
        return get(coordinator.offsetCommit("alice", group, generation, member, offsets));
    }

    private List<GroupOverview> list(String prefix, String... states) {
        ListGroupsResult r = get(coordinator.listGroups("alice", prefix, List.of(states)));
        assertThat(r.errorCode()).isZero();
        return r.groups();
    }

    @Test
    void standaloneCommitOnUnknownGroupCreatesAnEmptyGroup() {
        OffsetCommitResult r = commit("jms", -1, "", commits("orders", 0, 5L, 2, 7L));
        assertThat(r.errorCode()).isZero();
        assertThat(codes(r)).containsExactly(0, 0);
        assertThat(fetched("jms", "orders", 0)).isEqualTo(5);
        assertThat(fetched("jms", "orders", 2)).isEqualTo(7);
        assertThat(list("")).containsExactly(new GroupOverview("jms", "", GroupState.EMPTY));
    }

    @Test
    void standaloneCommitOnAGroupWithMembersGets28() {
        stableSingle("g", "a");
        OffsetCommitResult r = commit("g", -1, "", commits("orders", 0, 5L, 1, 6L));
        assertThat(codes(r)).containsExactly(28, 28);
        assertThat(fetched("g", "orders", 0)).isEqualTo(-1);
    }

    @Test
    void memberCommitsAndMembershipChecksOnEveryPartition() {
        JoinResult a = stableSingle("g", "a");
        assertThat(codes(commit("g", 1, a.memberId(), commits("orders", 0, 10L, 1, 11L)))).containsExactly(0, 0);
        assertThat(fetched("g", "orders", 1)).isEqualTo(11);
        assertThat(codes(commit("g", 0, a.memberId(), commits("orders", 0, 99L, 1, 99L)))).containsExactly(28, 28);
        assertThat(codes(commit("g", 1, "zombie", commits("orders", 0, 99L)))).containsExactly(20);
        assertThat(codes(commit("nope", 1, a.memberId(), commits("orders", 0, 99L)))).containsExactly(24);
        assertThat(fetched("g", "orders", 0)).isEqualTo(10);

        // PreparingRebalance with the current generation: accepted (commit before rejoining)
        CompletableFuture<JoinResult> bJoin = join("c2", "g", "", "b");
        assertThat(codes(commit("g", 1, a.memberId(), commits("orders", 0, 12L)))).containsExactly(0);
        assertThat(fetched("g", "orders", 0)).isEqualTo(12);
        // CompletingRebalance: 22 on every partition
        joined(join("c1", "g", a.memberId(), "a"));
        joined(bJoin);
        assertThat(codes(commit("g", 2, a.memberId(), commits("orders", 0, 13L, 2, 1L)))).containsExactly(22, 22);
        assertThat(fetched("g", "orders", 0)).isEqualTo(12);
    }

    @Test
    void perPartitionErrorsAndPartialStorage() {
        denied.add("alice|TOPIC|COMMIT_OFFSETS|secret");
        topicPartitions.put("secret", 2);
        String ok = "\u00e9".repeat(2048);   // 4096 bytes of UTF-8
        String tooLong = ok + "x";          // 4097
        OffsetCommitResult r = get(coordinator.offsetCommit("alice", "g", -1, "", List.of(
                new TopicData<>("orders", List.of(new CommitPartition(2, 3, tooLong), new CommitPartition(0, 1, ok),
                        new CommitPartition(3, 1, ""))),
                new TopicData<>("missing", List.of(new CommitPartition(0, 1, ""))),
                new TopicData<>("secret", List.of(new CommitPartition(0, 1, ""))))));
        assertThat(r.errorCode()).isZero();
        // topics in byte order, partitions ascending
        assertThat(r.topics()).extracting(TopicData::topic).containsExactly("missing", "orders", "secret");
        assertThat(r.topics().get(0).partitions()).containsExactly(new PartitionResult(0, ErrorCode.TOPIC_NOT_FOUND));
        assertThat(r.topics().get(1).partitions()).containsExactly(new PartitionResult(0, 0),
                new PartitionResult(2, ErrorCode.INVALID_COMMIT_OFFSET_SIZE),
                new PartitionResult(3, ErrorCode.PARTITION_NOT_FOUND));
        assertThat(r.topics().get(2).partitions()).containsExactly(
                new PartitionResult(0, ErrorCode.AUTHORIZATION_FAILED));
        OffsetFetchResult f = get(coordinator.offsetFetch("alice", "g",
                List.of(new TopicData<>("orders", List.of(0, 2)))));
        assertThat(f.topics().get(0).partitions()).containsExactly(new FetchedOffset(0, 1, ok, 0),
                new FetchedOffset(2, -1, "", 0));
    }

    @Test
    void requestLevelCommitChecks() {
        assertThat(get(coordinator.offsetCommit("alice", "", -1, "", commits("orders", 0, 1L))).errorCode())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(get(coordinator.offsetCommit("alice", "g", -2, "", commits("orders", 0, 1L))).errorCode())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(get(coordinator.offsetCommit("alice", "g", -1, "", commits("orders", 0, -1L))).errorCode())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(get(coordinator.offsetCommit("alice", "g", -1, "", commits("orders", 0, 1L, 0, 2L)))
                .errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(get(coordinator.offsetCommit("alice", "g", -1, "",
                List.of(new TopicData<>("orders", List.of())))).errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(get(coordinator.offsetCommit("alice", "g", -1, "", List.of(
                new TopicData<>("orders", List.of(new CommitPartition(0, 1, ""))),
                new TopicData<>("orders", List.of(new CommitPartition(1, 1, "")))))).errorCode())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        denied.add("alice|GROUP|COMMIT_OFFSETS|g");
        assertThat(get(coordinator.offsetCommit("alice", "g", -2, "", commits("orders", 0, 1L))).errorCode())
                .as("2 before 27").isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(get(coordinator.offsetCommit("alice", "g", -1, "", commits("orders", 0, 1L))).errorCode())
                .isEqualTo(ErrorCode.GROUP_AUTHORIZATION_FAILED);
        assertThat(list("")).as("no group created by rejected commits").isEmpty();
    }

    @Test
    void commitWithOnlyFailedPartitionsLeavesNoGroup() {
        assertThat(codes(commit("ghost", -1, "", commits("missing", 0, 1L)))).containsExactly(8);
        assertThat(list("")).isEmpty();
    }

    @Test
    void offsetFetchForms() {
        topicPartitions.put("zeta", 4);
        commit("g", -1, "", commits("orders", 0, 10L, 2, 12L));
        commit("g", -1, "", commits("zeta", 3, 33L));
        commit("g", -1, "", commits("payments", 0, 20L));
        denied.add("alice|TOPIC|FETCH_OFFSETS|payments");

        // topic count 0: every committed offset (topics the principal may not read left out)
        OffsetFetchResult all = get(coordinator.offsetFetch("alice", "g", List.of()));
        assertThat(all.topics()).extracting(TopicData::topic).containsExactly("orders", "zeta");
        assertThat(all.topics().get(0).partitions()).containsExactly(new FetchedOffset(0, 10, "m", 0),
                new FetchedOffset(2, 12, "m", 0));
        assertThat(all.topics().get(1).partitions()).containsExactly(new FetchedOffset(3, 33, "m", 0));

        // partition count 0: every committed partition of that topic; none -> the topic with no partitions
        OffsetFetchResult byTopic = get(coordinator.offsetFetch("alice", "g", List.of(
                new TopicData<>("orders", List.of()), new TopicData<>("unknown", List.of()),
                new TopicData<>("payments", List.of(0, 5)))));
        assertThat(byTopic.topics()).extracting(TopicData::topic).containsExactly("orders", "payments", "unknown");
        assertThat(byTopic.topics().get(0).partitions()).extracting(FetchedOffset::partition).containsExactly(0, 2);
        assertThat(byTopic.topics().get(1).partitions()).containsExactly(new FetchedOffset(0, -1, "", 41),
                new FetchedOffset(5, -1, "", 41));
        assertThat(byTopic.topics().get(2).partitions()).isEmpty();

        // unknown group: -1 for every listed partition, nothing for "all", and the group is not created
        OffsetFetchResult unknown = get(coordinator.offsetFetch("alice", "nope",
                List.of(new TopicData<>("orders", List.of(1, 0)))));
        assertThat(unknown.topics().get(0).partitions()).containsExactly(new FetchedOffset(0, -1, "", 0),
                new FetchedOffset(1, -1, "", 0));
        assertThat(get(coordinator.offsetFetch("alice", "nope", List.of())).topics()).isEmpty();
        assertThat(list("nope")).isEmpty();

        assertThat(get(coordinator.offsetFetch("alice", "g", List.of(new TopicData<>("orders", List.of(1, 1)))))
                .errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(get(coordinator.offsetFetch("alice", "", List.of())).errorCode())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        denied.add("alice|GROUP|FETCH_OFFSETS|g");
        assertThat(get(coordinator.offsetFetch("alice", "g", List.of())).errorCode())
                .isEqualTo(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    }

    @Test
    void deleteGroups() {
        JoinResult a = stableSingle("busy", "a");
        commit("idle", -1, "", commits("orders", 0, 4L));
        JoinResult l = stableSingle("left", "l");
        denied.add("alice|GROUP|DELETE|secret");

        DeleteGroupsResult r = get(coordinator.deleteGroups("alice", List.of("busy", "idle", "ghost", "secret")));
        assertThat(r.errorCode()).isZero();
        assertThat(r.results()).containsExactly(new GroupResult("busy", ErrorCode.NON_EMPTY_GROUP),
                new GroupResult("idle", 0), new GroupResult("ghost", ErrorCode.UNKNOWN_CONSUMER_GROUP_ID),
                new GroupResult("secret", ErrorCode.GROUP_AUTHORIZATION_FAILED));
        assertThat(snap("busy").members()).containsExactly(a.memberId());
        assertThat(fetched("idle", "orders", 0)).isEqualTo(-1);
        assertThat(store.offsets("idle")).isEmpty();
        assertThat(list("")).extracting(GroupOverview::groupId).doesNotContain("idle");

        assertThat(get(coordinator.deleteGroups("alice", List.of("a", "a"))).errorCode())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(get(coordinator.deleteGroups("alice", List.of(""))).errorCode())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(get(coordinator.deleteGroups("alice", List.of())).results()).isEmpty();

        // a recreated group starts from generation 0 without offsets
        for (String member : snap("left").members()) {
            get(coordinator.leaveGroup("alice", "left", member));
        }
        assertThat(get(coordinator.deleteGroups("alice", List.of("left"))).results().get(0).errorCode()).isZero();
        JoinResult again = joined(join("c", "left", "", "l"));
        assertThat(again.generation()).isEqualTo(1);
        assertThat(snap("left").members()).doesNotContain(l.memberId());
    }

    @Test
    void listGroupsFiltersAndOrder() {
        stableSingle("beta", "b");
        commit("alpha", -1, "", commits("orders", 0, 1L));
        commit("\u00e9t\u00e9", -1, "", commits("orders", 0, 1L));
        commit("Zed", -1, "", commits("orders", 0, 1L));
        join("c", "al-pending", "", "p"); // completes at once: CompletingRebalance
        denied.add("alice|GROUP|DESCRIBE|hidden");
        commit("hidden", -1, "", commits("orders", 0, 1L));

        assertThat(list("")).extracting(GroupOverview::groupId)
                .containsExactly("Zed", "al-pending", "alpha", "beta", "\u00e9t\u00e9");
        assertThat(list("al")).extracting(GroupOverview::groupId).containsExactly("al-pending", "alpha");
        assertThat(list("", "Stable")).containsExactly(new GroupOverview("beta", "consumer", GroupState.STABLE));
        assertThat(list("", "CompletingRebalance", "Empty")).extracting(GroupOverview::groupId)
                .containsExactly("Zed", "al-pending", "alpha", "\u00e9t\u00e9");
        assertThat(list("", "stable")).as("case-sensitive").isEmpty();
        assertThat(list("", "Dead")).isEmpty();
        assertThat(list("", "Bogus")).isEmpty();
    }

    @Test
    void offsetsAndGroupsSurviveARestart() throws Exception {
        JoinResult a = stableSingle("g", "a");
        commit("g", 1, a.memberId(), commits("orders", 1, 41L));
        commit("solo", -1, "", commits("payments", 0, 9L));
        restart();
        assertThat(fetched("g", "orders", 1)).isEqualTo(41);
        assertThat(fetched("solo", "payments", 0)).isEqualTo(9);
        // membership does not survive: the group is Empty, keeps its protocol type, and old members get 20
        assertThat(list("")).containsExactly(new GroupOverview("g", "consumer", GroupState.EMPTY),
                new GroupOverview("solo", "", GroupState.EMPTY));
        assertThat(heartbeat("g", 1, a.memberId())).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
        assertThat(codes(commit("g", 1, a.memberId(), commits("orders", 1, 50L)))).containsExactly(20);
        assertThat(code(join("c", "g", a.memberId(), "a"))).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
        assertThat(joined(join("c", "g", "", "a")).generation()).isEqualTo(1);
    }

    private int code(CompletableFuture<JoinResult> f) {
        return get(f).errorCode();
    }

    @Test
    void emptyGroupExpiresAfterTheRetentionPeriod() {
        JoinResult a = stableSingle("g", "a");
        commit("g", 1, a.memberId(), commits("orders", 0, 7L));
        get(coordinator.leaveGroup("alice", "g", a.memberId())); // Empty: countdown starts
        timer.advance(RETENTION.toMillis() / 2);
        commit("g", -1, "", commits("orders", 1, 8L)); // a commit does not restart the countdown
        timer.advance(RETENTION.toMillis() / 2 - 1);
        assertThat(list("")).hasSize(1);
        timer.advance(1);
        assertThat(list("")).isEmpty();
        assertThat(fetched("g", "orders", 0)).isEqualTo(-1);
        await().atMost(5, TimeUnit.SECONDS).until(() -> store.offsets("g").isEmpty() && store.storedGroup("g") == null);
    }

    /** Heartbeats every 20 s (session 30 s) for {@code ms}. */
    private void keepAlive(JoinResult member, long ms) {
        for (long t = 0; t < ms; t += 20_000) {
            timer.advance(20_000);
            assertThat(heartbeat("g", member.generation(), member.memberId())).isZero();
        }
    }

    @Test
    void joinCancelsTheCountdown() {
        JoinResult a = stableSingle("g", "a");
        commit("g", 1, a.memberId(), commits("orders", 0, 7L));
        get(coordinator.leaveGroup("alice", "g", a.memberId())); // Empty: countdown starts
        timer.advance(RETENTION.toMillis() - 10);
        JoinResult b = stableSingle("g", "b"); // cancels it
        keepAlive(b, RETENTION.toMillis() * 2);
        assertThat(fetched("g", "orders", 0)).isEqualTo(7);
        get(coordinator.leaveGroup("alice", "g", b.memberId())); // starts again, from now
        timer.advance(RETENTION.toMillis() - 1);
        assertThat(fetched("g", "orders", 0)).isEqualTo(7);
        timer.advance(1);
        assertThat(fetched("g", "orders", 0)).isEqualTo(-1);
        assertThat(list("")).isEmpty();
    }

    @Test
    void retentionCountsFromTheMomentTheGroupBecameEmpty() {
        JoinResult a = stableSingle("g", "a");
        commit("g", 1, a.memberId(), commits("orders", 0, 7L));
        // while it has members, offsets are kept beyond the retention period
        keepAlive(a, RETENTION.toMillis() * 2);
        assertThat(fetched("g", "orders", 0)).isEqualTo(7);
        // a member that expires also makes the group Empty
        timer.advance(SESSION);
        assertThat(snap("g").state()).isEqualTo(GroupState.EMPTY);
        timer.advance(RETENTION.toMillis() - SESSION - 1);
        assertThat(fetched("g", "orders", 0)).isEqualTo(7);
        timer.advance(RETENTION.toMillis());
        assertThat(fetched("g", "orders", 0)).isEqualTo(-1);
    }

    @Test
    void standaloneOffsetsExpirePerPartition() {
        commit("solo", -1, "", commits("orders", 0, 1L));
        timer.advance(RETENTION.toMillis() / 2);
        commit("solo", -1, "", commits("orders", 1, 2L));
        timer.advance(RETENTION.toMillis() / 2);
        await().atMost(5, TimeUnit.SECONDS).until(() -> store.offset("solo", new TopicPartition("orders", 0)) == null);
        assertThat(fetched("solo", "orders", 1)).isEqualTo(2);
        assertThat(list("")).hasSize(1);
        timer.advance(RETENTION.toMillis() / 2);
        await().atMost(5, TimeUnit.SECONDS).until(() -> list("").isEmpty());
        assertThat(fetched("solo", "orders", 1)).isEqualTo(-1);
    }

    @Test
    void retentionNeverKeepsEverything() throws Exception {
        coordinator.close();
        coordinator = new GroupCoordinator(GroupCoordinatorConfig.builder().offsetRetention("never").build(), store,
                t -> topicPartitions.getOrDefault(t, -1), acl, timer);
        JoinResult a = stableSingle("g", "a");
        commit("g", 1, a.memberId(), commits("orders", 0, 7L));
        get(coordinator.leaveGroup("alice", "g", a.memberId()));
        commit("solo", -1, "", commits("orders", 0, 1L));
        timer.advance(Duration.ofDays(3650).toMillis());
        assertThat(fetched("g", "orders", 0)).isEqualTo(7);
        assertThat(fetched("solo", "orders", 0)).isEqualTo(1);
        assertThat(list("")).hasSize(2);
    }

    @Test
    void expiryCountdownSurvivesARestart() throws Exception {
        JoinResult a = stableSingle("g", "a");
        commit("g", 1, a.memberId(), commits("orders", 0, 7L));
        get(coordinator.leaveGroup("alice", "g", a.memberId()));
        timer.advance(RETENTION.toMillis() / 2);
        await().atMost(5, TimeUnit.SECONDS).until(() -> store.storedGroup("g") != null
                && store.storedGroup("g").emptySinceMs() >= 0);
        restart();
        timer.advance(RETENTION.toMillis() / 2 - 1);
        assertThat(fetched("g", "orders", 0)).isEqualTo(7);
        timer.advance(1);
        assertThat(list("")).isEmpty();
    }

    @Test
    void topicDeletionRemovesItsOffsetsEverywhere() {
        JoinResult a = stableSingle("g", "a");
        commit("g", 1, a.memberId(), commits("orders", 0, 7L));
        commit("g", 1, a.memberId(), commits("payments", 0, 3L));
        commit("solo", -1, "", commits("orders", 2, 1L));
        get(coordinator.topicDeleted("orders"));
        assertThat(fetched("g", "orders", 0)).isEqualTo(-1);
        assertThat(fetched("g", "payments", 0)).isEqualTo(3);
        await().atMost(5, TimeUnit.SECONDS).until(() -> list("").stream().noneMatch(o -> o.groupId().equals("solo")));
    }

    @Test
    void realSchedulerAndOwnedStore() throws Exception {
        coordinator.close();
        store.close();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (GroupCoordinator real = GroupCoordinator.open(dataDir.resolve("real"),
                GroupCoordinatorConfig.builder().sessionTimeoutRange(50, 1000).build(),
                t -> 1, GroupAuthorizer.ALLOW_ALL, scheduler)) {
            JoinResult r = get(real.joinGroup(new JoinRequest("c", "u", "g", 100, 200, "", "x", "consumer", protocols("range"))));
            assertThat(r.errorCode()).isZero();
            get(real.syncGroup("u", "g", 1, r.memberId(), List.of()));
            assertThat(get(real.offsetCommit("u", "g", 1, r.memberId(), commits("t", 0, 5L))).errorCode()).isZero();
            // no heartbeats: the member expires after 100 ms on the real clock
            await().atMost(5, TimeUnit.SECONDS).until(() -> real.snapshot("g").state() == GroupState.EMPTY);
        } finally {
            scheduler.shutdownNow();
        }
        try (OffsetStore reopened = OffsetStore.open(dataDir.resolve("real"))) {
            assertThat(reopened.offset("g", new TopicPartition("t", 0)).offset()).isEqualTo(5);
        }
        store = OffsetStore.open(dataDir); // for @AfterEach
        coordinator = newCoordinator();
    }
}
