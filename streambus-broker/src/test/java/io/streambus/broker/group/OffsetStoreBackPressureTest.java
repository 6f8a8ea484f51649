package io.streambus.broker.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.log.FlushPolicy;
import io.streambus.broker.log.Fsyncs;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.ErrorCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offsets log's write queue is bounded: with its writer stalled (a slow disk), client commits beyond the limits
 * are refused at once without blocking the caller, the broker's own writes get twice the room, and what was
 * admitted is written by group commit once the writer moves again.
 */
class OffsetStoreBackPressureTest {
    private static final long WAIT_S = 10;

    @TempDir
    Path dataDir;

    private final StallingGate gate = new StallingGate();
    private OffsetStore store;

    @AfterEach
    void tearDown() {
        gate.release();
        if (store != null) {
            store.close();
        }
    }

    /** Stalls the writer before each batch until released; counts the batches it saw. */
    private static final class StallingGate implements OffsetStore.WriteGate {
        final CountDownLatch open = new CountDownLatch(1);
        final Semaphore entered = new Semaphore(0);
        final List<Integer> batches = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void beforeBatch(int ops) {
            batches.add(ops);
            entered.release();
            boolean released;
            try {
                released = open.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException("writer interrupted in the gate", e);
            }
            if (!released) {
                throw new IllegalStateException("test never released the writer");
            }
        }

        void release() {
            open.countDown();
        }
    }

    private OffsetStore open(OffsetStore.Limits limits) throws Exception {
        store = OffsetStore.open(dataDir, OffsetStore.DEFAULT_COMPACTION_THRESHOLD_BYTES, FlushPolicy.EVERY_WRITE,
                limits, gate);
        return store;
    }

    private static Map<TopicPartition, CommittedOffset> offset(int partition, long offset, String metadata) {
        return Map.of(new TopicPartition("t", partition), new CommittedOffset(offset, metadata, 1));
    }

    /** Commits once and waits until the writer holds that write in the gate (it counts as queued). */
    private CompletableFuture<Void> commitAndStall() throws Exception {
        CompletableFuture<Void> first = store.commit("g", offset(0, 1, ""));
        assertThat(gate.entered.tryAcquire(WAIT_S, TimeUnit.SECONDS)).as("writer reached the gate").isTrue();
        return first;
    }

    private static Throwable failure(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        try {
            f.getNow(null);
            throw new AssertionError("not failed");
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause();
        }
    }

    @Test
    void commitsBeyondTheLimitAreRefusedAtOnceAndTheRestIsWrittenByOneForce() throws Exception {
        open(new OffsetStore.Limits(4, 1 << 20));
        CompletableFuture<Void> first = commitAndStall();
        List<CompletableFuture<Void>> admitted = new ArrayList<>();
        for (int p = 1; p <= 3; p++) {
            admitted.add(store.commit("g", offset(p, 10 + p, "")));
        }
        assertThat(store.queuedWrites()).isEqualTo(4);

        CompletableFuture<Void> refused = store.commit("g", offset(9, 99, ""));
        assertThat(failure(refused)).isInstanceOf(OffsetStoreOverloadedException.class);
        assertThat(store.refusals()).isEqualTo(1);
        // The broker's own writes still get in (twice the limit).
        CompletableFuture<Void> state = store.putGroup("g", new StoredGroup("consumer", -1));
        assertThat(state).isNotCompletedExceptionally();

        long forcesBefore = Fsyncs.total();
        gate.release();
        first.get(WAIT_S, TimeUnit.SECONDS);
        for (CompletableFuture<Void> f : admitted) {
            f.get(WAIT_S, TimeUnit.SECONDS);
        }
        state.get(WAIT_S, TimeUnit.SECONDS);
        // Group commit: the stalled batch, then everything queued meanwhile in one batch with one force.
        assertThat(gate.batches).containsExactly(1, 4);
        // Two forces for five writes (the counter is JVM-wide, so another test's stray force is tolerated; one force
        // per write would be five).
        assertThat(Fsyncs.total() - forcesBefore).isBetween(2L, 4L);
        assertThat(store.offset("g", new TopicPartition("t", 3))).isEqualTo(new CommittedOffset(13, "", 1));
        assertThat(store.offset("g", new TopicPartition("t", 9))).as("refused commit stored nothing").isNull();
        assertThat(store.queuedWrites()).isZero();

        // Room again once the writer caught up.
        store.commit("g", offset(9, 99, "")).get(WAIT_S, TimeUnit.SECONDS);
        assertThat(store.offset("g", new TopicPartition("t", 9))).isEqualTo(new CommittedOffset(99, "", 1));
    }

    @Test
    void theByteLimitRefusesALargeCommitBehindOthersButNotAlone() throws Exception {
        open(new OffsetStore.Limits(100, 4096));
        String metadata = "m".repeat(4000); // about 8 KiB estimated: over the limit on its own
        CompletableFuture<Void> first = commitAndStall();
        assertThat(failure(store.commit("g", offset(1, 1, metadata))))
                .isInstanceOf(OffsetStoreOverloadedException.class);
        gate.release();
        first.get(WAIT_S, TimeUnit.SECONDS);
        // Alone in the queue it is admitted, so that it cannot be refused forever.
        store.commit("g", offset(1, 1, metadata)).get(WAIT_S, TimeUnit.SECONDS);
        assertThat(store.offset("g", new TopicPartition("t", 1)).metadata()).isEqualTo(metadata);
    }

    @Test
    void brokerWritesAreRefusedBeyondTwiceTheLimit() throws Exception {
        open(new OffsetStore.Limits(2, 1 << 20));
        CompletableFuture<Void> first = commitAndStall();
        CompletableFuture<Void> second = store.commit("g", offset(1, 1, ""));
        assertThat(failure(store.commit("g", offset(2, 2, "")))).isInstanceOf(OffsetStoreOverloadedException.class);
        CompletableFuture<Void> a = store.putGroup("a", new StoredGroup("consumer", -1));
        CompletableFuture<Void> b = store.deleteGroup("b");
        assertThat(store.queuedWrites()).isEqualTo(4);
        assertThat(failure(store.deleteTopic("t"))).isInstanceOf(OffsetStoreOverloadedException.class);
        gate.release();
        CompletableFuture.allOf(first, second, a, b).get(WAIT_S, TimeUnit.SECONDS);
        assertThat(store.offset("g", new TopicPartition("t", 1))).as("the refused topic deletion did nothing")
                .isNotNull();
    }

    @Test
    void aRefusedOffsetCommitIsAnsweredWithTheRetriableRequestTimeout() throws Exception {
        open(new OffsetStore.Limits(1, 1 << 20));
        CompletableFuture<Void> first = commitAndStall();
        GroupCoordinator coordinator = new GroupCoordinator(GroupCoordinatorConfig.defaults(), store,
                topic -> 4, new GroupAuthorizer() {
                    @Override
                    public boolean authorizeGroup(String principal, GroupAction action, String groupId) {
                        return true;
                    }

                    @Override
                    public boolean authorizeTopic(String principal, GroupAction action, String topic) {
                        return true;
                    }
                }, new ManualTimer());
        try {
            List<TopicData<CommitPartition>> offsets = List.of(new TopicData<>("t",
                    List.of(new CommitPartition(2, 5, ""))));
            // Answered at once (the caller may be an event loop): the writer is still stalled.
            CompletableFuture<OffsetCommitResult> busy = coordinator.offsetCommit("p", "standalone", -1, "",
                    offsets);
            assertThat(busy).isCompleted();
            assertThat(busy.get().errorCode()).isEqualTo(ErrorCode.REQUEST_TIMEOUT);
            assertThat(ErrorCode.isRetriable(busy.get().errorCode())).isTrue();

            gate.release();
            first.get(WAIT_S, TimeUnit.SECONDS);
            OffsetCommitResult ok = coordinator.offsetCommit("p", "standalone", -1, "", offsets)
                    .get(WAIT_S, TimeUnit.SECONDS);
            assertThat(ok.errorCode()).isEqualTo(ErrorCode.NONE);
            assertThat(ok.topics().get(0).partitions().get(0).errorCode()).isEqualTo(ErrorCode.NONE);
        } catch (ExecutionException e) {
            throw new AssertionError(e);
        } finally {
            coordinator.close();
        }
    }
}
