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
import io.streambus.protocol.share.ShareAcknowledgePartitionResult;
import io.streambus.protocol.share.ShareAcknowledgeRequest;
import io.streambus.protocol.share.ShareAcknowledgeResponse;
import io.streambus.protocol.share.ShareGroupConfigureRequest;
import io.streambus.protocol.share.ShareGroupHeartbeatRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
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
import org.junit.jupiter.params.provider.EnumSource;
import io.streambus.broker.share.StorageErrorFixture.Fetched;

/**
 * Acknowledgements whose share state write fails are not applied (B.13.5 step 4, B.13.6, B.13.8): the reply says 7,
 * and the records stay Acquired by the member, come back when their lock expires and are delivered again with one
 * more delivery count. The write failure is injected in front of the store's writer; the store then fails every
 * later write too (it is fail-stop until a restart).
 */
@ExtendWith(LeakCheck.class)
class ShareAckStorageErrorTest {
    private static final int LOCK_MS = 30_000;
    @TempDir
    Path dir;
    private StorageErrorFixture fixture;
    private ShareCoordinator sc;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new StorageErrorFixture(dir, c -> {
            produce(c, "t", "v0", "v1", "v2", "v3", "v4");
        });
        sc = fixture.coordinator();
        // A dead-letter topic, so that a REJECT makes records Archiving with a copy to make.
        assertThat(sc.configure("p", new ShareGroupConfigureRequest("q",
                ShareGroupConfigureRequest.CHANGE_DEAD_LETTER_TOPIC, 0, 0, "dlq", 0, 0))
                .get(10, TimeUnit.SECONDS).errorCode()).isZero();
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @ParameterizedTest
    @EnumSource(value = AcknowledgeType.class, names = {"ACCEPT", "RELEASE", "REJECT"})
    void aShareAcknowledgeWhoseWriteFailsIsNotApplied(AcknowledgeType type) throws Exception {
        String a = join("a");
        assertThat(fetch(a, 3).records).containsExactly("0 count 1", "1 count 1", "2 count 1");
        long lockEnd = state(0).lockEnd;
        failWrites();

        ShareAcknowledgePartitionResult r = ack(a, new Acknowledgement(0, 2, type)).join();

        assertThat(r.errorCode()).isEqualTo(ErrorCode.STORAGE_ERROR);
        assertThat(r.unappliedAcknowledgements()).isEmpty();
        assertStillAcquired(a, lockEnd);
        comesBackAfterItsLock();
    }

    @ParameterizedTest
    @EnumSource(value = AcknowledgeType.class, names = {"ACCEPT", "RELEASE", "REJECT"})
    void acknowledgementsOnAShareFetchWhoseWriteFailsAreNotApplied(AcknowledgeType type) throws Exception {
        String a = join("a");
        assertThat(fetch(a, 3).records).containsExactly("0 count 1", "1 count 1", "2 count 1");
        long lockEnd = state(0).lockEnd;
        failWrites();

        Fetched f = fetch(a, 3, new Acknowledgement(0, 2, type));

        assertThat(f.error).isEqualTo(ErrorCode.STORAGE_ERROR);
        assertThat(f.records).isEmpty();
        assertStillAcquired(a, lockEnd);
        comesBackAfterItsLock();
    }

    @Test
    void anAcknowledgementAnsweredBeforeTheFailureStaysApplied() throws Exception {
        String a = join("a");
        fetch(a, 3);
        assertThat(ack(a, new Acknowledgement(0, 0, AcknowledgeType.ACCEPT)).join().errorCode()).isZero();
        failWrites();

        assertThat(ack(a, new Acknowledgement(1, 2, AcknowledgeType.ACCEPT)).join().errorCode())
                .isEqualTo(ErrorCode.STORAGE_ERROR);

        SharePartition p = partition();
        synchronized (sc.liveGroup("q")) {
            assertThat(p.spso()).isEqualTo(1);
            assertThat(p.get(1).state).isEqualTo(RecordState.ACQUIRED);
        }
    }

    /**
     * A's RELEASE is queued; before its write fails, B acquires the released record, and B's write is queued behind
     * A's. Both fail (the store fails every write after a failed one); undone newest first, the record is Acquired
     * by A again with its first delivery count, not left Available by B's undone acquisition.
     */
    @Test
    void aLaterRequestThatDependsOnTheFailedOneIsUndoneFirst() throws Exception {
        String a = join("a");
        String b = join("b");
        assertThat(fetch(a, 1).records).containsExactly("0 count 1");
        long lockEnd = state(0).lockEnd;
        CountDownLatch go = new CountDownLatch(1);
        sc.store().gate(n -> go.await(10, TimeUnit.SECONDS) ? new IOException("injected write failure")
                : new IOException("the test did not release the write in time"));
        ShareGroup g = sc.liveGroup("q");

        CompletableFuture<ShareAcknowledgePartitionResult> release = ack(a,
                new Acknowledgement(0, 0, AcknowledgeType.RELEASE));
        CompletableFuture<Fetched> takeover = CompletableFuture.supplyAsync(() -> fetchUnchecked(b, 1));
        // B's acquisition and the queueing of its write happen under one hold of the group's lock.
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            synchronized (g) {
                return b.equals(state(0).holder);
            }
        });
        synchronized (g) {
            assertThat(state(0).count).isEqualTo(2);
        }
        assertThat(release).isNotDone();
        go.countDown();

        assertThat(release.get(10, TimeUnit.SECONDS).errorCode()).isEqualTo(ErrorCode.STORAGE_ERROR);
        Fetched f = takeover.get(10, TimeUnit.SECONDS);
        assertThat(f.error).isEqualTo(ErrorCode.STORAGE_ERROR);
        assertThat(f.records).isEmpty();
        synchronized (g) {
            SharePartition.Rec r = state(0);
            assertThat(r.state).isEqualTo(RecordState.ACQUIRED);
            assertThat(r.holder).isEqualTo(a);
            assertThat(r.count).isEqualTo(1);
            assertThat(r.lockEnd).isEqualTo(lockEnd);
            assertThat(g.pendingWrites()).isZero();
        }
    }

    // ------------------------------------------------------------------------------------------- steps

    private void assertStillAcquired(String member, long lockEnd) {
        synchronized (sc.liveGroup("q")) {
            SharePartition p = partition();
            assertThat(p.spso()).isZero();
            for (long o = 0; o <= 2; o++) {
                SharePartition.Rec r = p.get(o);
                assertThat(r.state).as("offset " + o).isEqualTo(RecordState.ACQUIRED);
                assertThat(r.holder).as("offset " + o).isEqualTo(member);
                assertThat(r.count).as("offset " + o).isEqualTo(1);
                assertThat(r.lockEnd).as("offset " + o).isEqualTo(lockEnd);
            }
            assertThat(p.takeCopies()).isEmpty();
        }
    }

    /**
     * The lock expires: the records are Available with their count. The store still refuses writes, so they
     * cannot be delivered (7, acquisition undone); after a restart they are delivered with count 2, and no
     * dead-letter copy was ever made.
     */
    private void comesBackAfterItsLock() throws Exception {
        fixture.clock.addAndGet(LOCK_MS);
        sc.sweep();
        synchronized (sc.liveGroup("q")) {
            for (long o = 0; o <= 2; o++) {
                SharePartition.Rec r = partition().get(o);
                assertThat(r.state).as("offset " + o).isEqualTo(RecordState.AVAILABLE);
                assertThat(r.count).as("offset " + o).isEqualTo(1);
                assertThat(r.reason).as("offset " + o).isEqualTo(ArchiveReason.LOCK_TIMEOUT);
            }
        }
        String again = join("again");
        Fetched refused = fetch(again, 3);
        assertThat(refused.error).isEqualTo(ErrorCode.STORAGE_ERROR);
        synchronized (sc.liveGroup("q")) {
            assertThat(partition().get(0).state).isEqualTo(RecordState.AVAILABLE);
            assertThat(partition().get(0).count).isEqualTo(1);
        }

        sc = fixture.restart();
        String next = join("next");
        assertThat(fetch(next, 3).records).containsExactly("0 count 2", "1 count 2", "2 count 2");
        assertThat(fixture.logs.partitionCount("dlq")).as("no dead-letter copy of an undone reject").isNegative();
    }

    // ------------------------------------------------------------------------------------------- requests

    private void failWrites() {
        fixture.failWrites();
    }

    private SharePartition partition() {
        return fixture.partition();
    }

    /** Offset {@code o}'s state; the caller holds the group's lock. */
    private SharePartition.Rec state(long o) {
        return partition().get(o);
    }

    private String join(String client) throws Exception {
        return sc.heartbeat("p", new ShareGroupHeartbeatRequest("q", "", false, client, List.of("t")))
                .get(10, TimeUnit.SECONDS).body().memberId();
    }

    private CompletableFuture<ShareAcknowledgePartitionResult> ack(String member, Acknowledgement... acks) {
        return sc.acknowledge("p", new ShareAcknowledgeRequest("q", member, TopicPartitions.of("t", List.of(
                new ShareAcknowledgePartition(0, List.of(acks)))))).thenApply(o -> {
                    ShareAcknowledgeResponse r = o.body();
                    return r.partitions().topics().get(0).partitions().get(0);
                });
    }

    private Fetched fetchUnchecked(String member, int max) {
        return fixture.fetchUnchecked(member, max);
    }

    private Fetched fetch(String member, int max, Acknowledgement... acks) throws Exception {
        return fixture.fetch("q", member, "t", max, acks);
    }
}
