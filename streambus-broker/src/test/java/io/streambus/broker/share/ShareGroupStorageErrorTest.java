package io.streambus.broker.share;

import static io.streambus.broker.share.ShareTestSupport.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.testing.LeakCheck;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.share.AcknowledgeType;
import io.streambus.protocol.share.Acknowledgement;
import io.streambus.protocol.share.ShareAcknowledgePartition;
import io.streambus.protocol.share.ShareAcknowledgeRequest;
import io.streambus.protocol.share.ShareAcknowledgeResponse;
import io.streambus.protocol.share.ShareGroupConfigureRequest;
import io.streambus.protocol.share.ShareGroupConfigureResponse;
import io.streambus.protocol.share.ShareGroupHeartbeatRequest;
import io.streambus.protocol.share.ShareGroupHeartbeatResponse;
import io.streambus.protocol.share.SharePartitionState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import io.streambus.broker.share.StorageErrorFixture.Fetched;

/**
 * ShareGroupConfigure and ShareGroupHeartbeat requests whose share state write fails are not applied (B.13.4, B.13.7,
 * B.13.11): the reply says 7, and the group's settings, members, share-partitions and existence are as the request
 * found them, in memory and after a restart. The write failure is injected in front of the store's writer; the
 * store then fails every later write too (it is fail-stop until a restart), while requests that write nothing
 * (a describe, a join that needs no new share-partition) are still answered.
 */
@ExtendWith(LeakCheck.class)
class ShareGroupStorageErrorTest {
    private static final long SESSION_MS = ShareCoordinatorConfig.DEFAULTS.sessionTimeout().toMillis();
    @TempDir
    Path dir;
    private StorageErrorFixture fixture;
    private ShareCoordinator sc;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new StorageErrorFixture(dir, c -> {
            produce(c, "t", "v0", "v1", "v2", "v3", "v4");
            produce(c, "u", "w0", "w1");
        });
        sc = fixture.coordinator();
        assertThat(configure("q", ShareGroupConfigureRequest.CHANGE_MAX_DELIVERY_ATTEMPTS, 3, 0, 0).errorCode())
                .isZero();
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    // ------------------------------------------------------------------------------------------- configure

    @Test
    void aConfigureWhoseWriteFailsLeavesTheSettingsAsTheyWere() throws Exception {
        failWrites();

        ShareCoordinator.Outcome<ShareGroupConfigureResponse> o = configure("q",
                ShareGroupConfigureRequest.CHANGE_MAX_DELIVERY_ATTEMPTS
                        | ShareGroupConfigureRequest.CHANGE_AUTO_OFFSET_RESET
                        | ShareGroupConfigureRequest.CHANGE_MAX_IN_FLIGHT_RECORDS, 7, 1, 10);

        assertThat(o.errorCode()).isEqualTo(ErrorCode.STORAGE_ERROR);
        assertThat(o.body()).isNull();
        assertSettings(describe("q").body(), 3, 0, 2000);
        synchronized (sc.liveGroup("q")) {
            assertThat(sc.liveGroup("q").pendingWrites()).isZero();
        }
        // Fail-stop: a later change is refused as well, and changes nothing either.
        assertThat(configure("q", ShareGroupConfigureRequest.CHANGE_MAX_DELIVERY_ATTEMPTS, 9, 0, 0).errorCode())
                .isEqualTo(ErrorCode.STORAGE_ERROR);
        assertSettings(describe("q").body(), 3, 0, 2000);

        restart();
        assertSettings(describe("q").body(), 3, 0, 2000);
        // The failed auto offset reset (latest) is not in effect: a new share-partition starts at the log start.
        String a = join("q", "a", "t").body().memberId();
        assertThat(fetch("q", a, "t", 1).records).containsExactly("0 count 1");
    }

    @Test
    void aConfigureThatWouldCreateTheGroupAndFailsCreatesNothing() throws Exception {
        failWrites();

        assertThat(configure("fresh", ShareGroupConfigureRequest.CHANGE_MAX_DELIVERY_ATTEMPTS, 2, 0, 0).errorCode())
                .isEqualTo(ErrorCode.STORAGE_ERROR);

        assertAbsent("fresh");
        restart();
        assertAbsent("fresh");
    }

    /**
     * Two changes are queued before the first write fails: both fail, and undone newest first the settings are
     * those the first one found.
     */
    @Test
    void aLaterConfigureQueuedBehindTheFailedOneIsUndoneFirst() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        sc.store().gate(n -> go.await(10, TimeUnit.SECONDS) ? new IOException("injected write failure")
                : new IOException("the test did not release the write in time"));

        CompletableFuture<ShareCoordinator.Outcome<ShareGroupConfigureResponse>> first = sc.configure("p",
                request("q", ShareGroupConfigureRequest.CHANGE_MAX_DELIVERY_ATTEMPTS, 7, 0, 0));
        CompletableFuture<ShareCoordinator.Outcome<ShareGroupConfigureResponse>> second = sc.configure("p",
                request("q", ShareGroupConfigureRequest.CHANGE_MAX_IN_FLIGHT_RECORDS, 0, 0, 10));
        // Both are applied in memory while their writes wait.
        assertSettings(describe("q").body(), 7, 0, 10);
        assertThat(first).isNotDone();
        go.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS).errorCode()).isEqualTo(ErrorCode.STORAGE_ERROR);
        assertThat(second.get(10, TimeUnit.SECONDS).errorCode()).isEqualTo(ErrorCode.STORAGE_ERROR);
        assertSettings(describe("q").body(), 3, 0, 2000);
    }

    // ------------------------------------------------------------------------------------------- join

    @Test
    void aJoinThatWouldCreateTheGroupAndFailsCreatesNothing() throws Exception {
        failWrites();

        ShareCoordinator.Outcome<ShareGroupHeartbeatResponse> o = join("fresh", "a", "t");

        assertThat(o.errorCode()).isEqualTo(ErrorCode.STORAGE_ERROR);
        assertThat(o.body()).isNull();
        assertAbsent("fresh");
        restart();
        assertAbsent("fresh");
    }

    /**
     * B's join needs no write of its own, but its reply relies on the group and the share-partition that A's join
     * created and is still writing (B.13.1, B.13.11: durable before the reply that assigns the partition): it waits
     * for A's write, and when that fails it gets 7 and its member goes with the group.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aJoinThatReliesOnAPendingCreationWaitsForIt(boolean fails) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        sc.store().gate(n -> !go.await(10, TimeUnit.SECONDS)
                ? new IOException("the test did not release the write in time")
                : fails ? new IOException("injected write failure") : null);

        CompletableFuture<ShareCoordinator.Outcome<ShareGroupHeartbeatResponse>> a = sc.heartbeat("p",
                new ShareGroupHeartbeatRequest("fresh", "", false, "a", List.of("t")));
        CompletableFuture<ShareCoordinator.Outcome<ShareGroupHeartbeatResponse>> b = sc.heartbeat("p",
                new ShareGroupHeartbeatRequest("fresh", "", false, "b", List.of("t")));
        synchronized (sc.liveGroup("fresh")) {
            assertThat(sc.liveGroup("fresh").members).hasSize(2);
        }
        assertThat(b).isNotDone();
        go.countDown();

        int expected = fails ? ErrorCode.STORAGE_ERROR : ErrorCode.NONE;
        assertThat(a.get(10, TimeUnit.SECONDS).errorCode()).isEqualTo(expected);
        assertThat(b.get(10, TimeUnit.SECONDS).errorCode()).isEqualTo(expected);
        if (fails) {
            assertAbsent("fresh");
        } else {
            assertThat(describe("fresh").body().memberCount()).isEqualTo(2);
            synchronized (sc.liveGroup("fresh")) {
                assertThat(sc.liveGroup("fresh").pendingWrites()).isZero();
            }
        }
    }

    @Test
    void aJoinWhoseSharePartitionWriteFailsAddsNoMember() throws Exception {
        String a = join("q", "a", "t").body().memberId();
        failWrites();

        // u has no share-partition yet: creating it needs a write.
        assertThat(join("q", "b", "t", "u").errorCode()).isEqualTo(ErrorCode.STORAGE_ERROR);

        ShareGroupConfigureResponse d = describe("q").body();
        assertThat(d.memberCount()).isEqualTo(1);
        assertThat(partitionsOf(d)).containsExactly("t-0");
        synchronized (sc.liveGroup("q")) {
            assertThat(sc.liveGroup("q").members.keySet()).containsExactly(a);
            assertThat(sc.liveGroup("q").awaitedTopics).isEmpty();
        }
        // A join that needs no write still succeeds: membership is not persisted.
        String c = join("q", "c", "t").body().memberId();
        assertThat(describe("q").body().memberCount()).isEqualTo(2);
        assertThat(c).isNotEqualTo(a);

        restart();
        assertThat(partitionsOf(describe("q").body())).containsExactly("t-0");
    }

    @Test
    void aHeartbeatWhoseSubscriptionChangeFailsKeepsTheOldAssignment() throws Exception {
        String a = join("q", "a", "t").body().memberId();
        failWrites();

        assertThat(heartbeat("q", a, false, "t", "u").errorCode()).isEqualTo(ErrorCode.STORAGE_ERROR);

        assertThat(partitionsOf(describe("q").body())).containsExactly("t-0");
        assertThat(fetch("q", a, "u", 1).error).isEqualTo(ErrorCode.PARTITION_NOT_ASSIGNED);
        ShareGroupHeartbeatResponse again = heartbeat("q", a, false, "t").body();
        assertThat(again.assignment().topics()).extracting(TopicPartitions.Topic::name).containsExactly("t");
    }

    // ------------------------------------------------------------------------------------------- leave

    @Test
    void aLeaveWhoseWriteFailsKeepsTheMemberAndItsRecords() throws Exception {
        String a = join("q", "a", "t").body().memberId();
        String idle = join("q", "idle", "t").body().memberId();
        assertThat(fetch("q", a, "t", 3).records).containsExactly("0 count 1", "1 count 1", "2 count 1");
        long lockEnd;
        synchronized (sc.liveGroup("q")) {
            lockEnd = partition().get(0).lockEnd;
        }
        failWrites();

        assertThat(heartbeat("q", a, true).errorCode()).isEqualTo(ErrorCode.STORAGE_ERROR);

        ShareGroupConfigureResponse d = describe("q").body();
        assertThat(d.state()).isEqualTo("Stable");
        assertThat(d.memberCount()).isEqualTo(2);
        assertAcquiredBy(a, lockEnd);
        // Still a member: its requests pass the membership checks (the store refuses their writes).
        assertThat(ack("q", a, new Acknowledgement(0, 2, AcknowledgeType.ACCEPT)))
                .containsExactly(0, ErrorCode.STORAGE_ERROR);
        assertAcquiredBy(a, lockEnd);
        // A leave that needs no write is answered: membership is not persisted.
        assertThat(heartbeat("q", idle, true).errorCode()).isZero();
        assertThat(describe("q").body().memberCount()).isEqualTo(1);

        // Its session ends as if it had never tried to leave: the records come back with their counts.
        fixture.clock.addAndGet(SESSION_MS);
        sc.sweep();
        assertThat(describe("q").body().state()).isEqualTo("Empty");
        synchronized (sc.liveGroup("q")) {
            for (long o = 0; o <= 2; o++) {
                assertThat(partition().get(o).state).as("offset " + o).isEqualTo(RecordState.AVAILABLE);
                assertThat(partition().get(o).count).as("offset " + o).isEqualTo(1);
            }
        }
        restart();
        assertThat(fetch("q", a, "t", 1).requestError).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
        String next = join("q", "next", "t").body().memberId();
        assertThat(fetch("q", next, "t", 3).records).containsExactly("0 count 2", "1 count 2", "2 count 2");
    }

    /**
     * A's leave releases its record and its write is queued; before it fails, B acquires the record, B's write
     * queued behind A's. Both fail; undone newest first, A is a member again holding the record with its first
     * delivery count.
     */
    @Test
    void aFetchThatTookTheRecordOfAFailedLeaveIsUndoneFirst() throws Exception {
        String a = join("q", "a", "t").body().memberId();
        String b = join("q", "b", "t").body().memberId();
        assertThat(fetch("q", a, "t", 1).records).containsExactly("0 count 1");
        long lockEnd;
        ShareGroup g = sc.liveGroup("q");
        synchronized (g) {
            lockEnd = partition().get(0).lockEnd;
        }
        CountDownLatch go = new CountDownLatch(1);
        sc.store().gate(n -> go.await(10, TimeUnit.SECONDS) ? new IOException("injected write failure")
                : new IOException("the test did not release the write in time"));

        CompletableFuture<ShareCoordinator.Outcome<ShareGroupHeartbeatResponse>> leave = sc.heartbeat("p",
                new ShareGroupHeartbeatRequest("q", a, true, "a", List.of()));
        CompletableFuture<Fetched> takeover = CompletableFuture.supplyAsync(() -> fetchUnchecked(b, 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            synchronized (g) {
                return b.equals(partition().get(0).holder);
            }
        });
        synchronized (g) {
            assertThat(g.members).doesNotContainKey(a);
        }
        assertThat(leave).isNotDone();
        go.countDown();

        assertThat(leave.get(10, TimeUnit.SECONDS).errorCode()).isEqualTo(ErrorCode.STORAGE_ERROR);
        assertThat(takeover.get(10, TimeUnit.SECONDS).error).isEqualTo(ErrorCode.STORAGE_ERROR);
        synchronized (g) {
            assertThat(g.members).containsKey(a);
            assertThat(g.pendingWrites()).isZero();
        }
        assertAcquiredBy(a, lockEnd, 0);
    }

    // ------------------------------------------------------------------------------------------- checks

    private static void assertSettings(ShareGroupConfigureResponse d, int attempts, int reset, int inFlight) {
        assertThat(d.maxDeliveryAttempts()).isEqualTo(attempts);
        assertThat(d.autoOffsetReset()).isEqualTo(reset);
        assertThat(d.maxInFlightRecords()).isEqualTo(inFlight);
    }

    private void assertAbsent(String group) {
        assertThat(sc.exists(group)).isFalse();
        assertThat(sc.list("p", "", List.of())).extracting(ShareCoordinator.Listing::groupId).doesNotContain(group);
        assertThat(describe(group).errorCode()).isEqualTo(ErrorCode.UNKNOWN_CONSUMER_GROUP_ID);
    }

    private void assertAcquiredBy(String member, long lockEnd) {
        assertAcquiredBy(member, lockEnd, 0, 1, 2);
    }

    private void assertAcquiredBy(String member, long lockEnd, long... offsets) {
        synchronized (sc.liveGroup("q")) {
            for (long o : offsets) {
                SharePartition.Rec r = partition().get(o);
                assertThat(r.state).as("offset " + o).isEqualTo(RecordState.ACQUIRED);
                assertThat(r.holder).as("offset " + o).isEqualTo(member);
                assertThat(r.count).as("offset " + o).isEqualTo(1);
                assertThat(r.lockEnd).as("offset " + o).isEqualTo(lockEnd);
            }
        }
    }

    private static List<String> partitionsOf(ShareGroupConfigureResponse d) {
        List<String> out = new ArrayList<>();
        for (TopicPartitions.Topic<SharePartitionState> t : d.sharePartitions().topics()) {
            for (SharePartitionState p : t.partitions()) {
                out.add(t.name() + "-" + p.partition());
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------- requests

    private void failWrites() {
        fixture.failWrites();
    }

    private void restart() throws IOException {
        sc = fixture.restart();
    }

    private SharePartition partition() {
        return fixture.partition();
    }

    private static ShareGroupConfigureRequest request(String group, int mask, int attempts, int reset,
                                                      int inFlight) {
        return new ShareGroupConfigureRequest(group, mask, attempts, 0, "", reset, inFlight);
    }

    private ShareCoordinator.Outcome<ShareGroupConfigureResponse> configure(String group, int mask, int attempts,
                                                                            int reset, int inFlight)
            throws Exception {
        return sc.configure("p", request(group, mask, attempts, reset, inFlight)).get(10, TimeUnit.SECONDS);
    }

    private ShareCoordinator.Outcome<ShareGroupConfigureResponse> describe(String group) {
        return sc.configure("p", request(group, 0, 0, 0, 0)).join();
    }

    private ShareCoordinator.Outcome<ShareGroupHeartbeatResponse> join(String group, String client,
                                                                       String... topics) throws Exception {
        return sc.heartbeat("p", new ShareGroupHeartbeatRequest(group, "", false, client, List.of(topics)))
                .get(10, TimeUnit.SECONDS);
    }

    private ShareCoordinator.Outcome<ShareGroupHeartbeatResponse> heartbeat(String group, String member,
                                                                            boolean leave, String... topics)
            throws Exception {
        return sc.heartbeat("p", new ShareGroupHeartbeatRequest(group, member, leave, "c", List.of(topics)))
                .get(10, TimeUnit.SECONDS);
    }

    /** The request-level error code and, if the request passed, the partition's (else -1). */
    private int[] ack(String group, String member, Acknowledgement... acks) throws Exception {
        ShareCoordinator.Outcome<ShareAcknowledgeResponse> o = sc.acknowledge("p", new ShareAcknowledgeRequest(group,
                member, TopicPartitions.of("t", List.of(new ShareAcknowledgePartition(0, List.of(acks))))))
                .get(10, TimeUnit.SECONDS);
        return new int[] {o.errorCode(),
                o.errorCode() != 0 ? -1 : o.body().partitions().topics().get(0).partitions().get(0).errorCode()};
    }

    private Fetched fetchUnchecked(String member, int max) {
        return fixture.fetchUnchecked(member, max);
    }

    private Fetched fetch(String group, String member, String topic, int max) throws Exception {
        return fixture.fetch(group, member, topic, max);
    }
}
