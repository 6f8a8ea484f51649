package io.streambus.broker.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.log.Fsyncs;
import io.streambus.broker.log.PartitionLog;
import io.streambus.broker.testing.TestClient;
import io.streambus.protocol.message.MessageBlock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With every-write, sequenced appends on one partition wait for the disk outside the producer state's lock, so
 * appends written while a force runs share the next one (group commit), as plain appends do. The first append's
 * force is held at the crash point between the journal's force and the log's; two more producers append meanwhile.
 */
class SequencedGroupCommitTest {
    @TempDir
    Path dir;

    @AfterEach
    void resetHook() {
        CrashPoints.install(p -> { });
    }

    @Test
    void appendsWrittenDuringAForceShareTheNextOne() throws Exception {
        try (EosTestSupport.EveryWriteLog fixture = EosTestSupport.EveryWriteLog.open(dir)) {
            PartitionLog log = fixture.log();
            PartitionProducerState state = fixture.state();
            CountDownLatch inForce = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger journalForces = new AtomicInteger();
            CrashPoints.install(p -> {
                if (p == CrashPoints.Point.JOURNAL_FORCED && journalForces.incrementAndGet() == 1) {
                    inForce.countDown(); // the first append's journal is forced, its log not yet
                    awaitLatch(release);
                }
            });
            long fsyncsBefore = Fsyncs.total();
            long journalBefore = state.forceCount();
            try {
                CompletableFuture<PartitionProducerState.Outcome> first = appendAsync(state, log, 1001);
                assertThat(inForce.await(10, TimeUnit.SECONDS)).as("first force reached").isTrue();
                Thread[] waiting = new Thread[2];
                CompletableFuture<?>[] later = new CompletableFuture<?>[2];
                for (int i = 0; i < 2; i++) {
                    CompletableFuture<Thread> started = new CompletableFuture<>();
                    later[i] = appendAsync(state, log, 1002 + i, started);
                    waiting[i] = started.get(10, TimeUnit.SECONDS);
                }
                // Both have written their journal record and batch and queue for the log's force; before the fix
                // they stayed BLOCKED on the state's monitor, held by the first append through its force.
                await().atMost(Duration.ofSeconds(10)).until(() -> log.pendingEnd().result().baseOffset() == 3
                        && waiting[0].getState() == Thread.State.WAITING
                        && waiting[1].getState() == Thread.State.WAITING);
                assertThat(log.endOffset()).as("nothing published before its force").isZero();
                release.countDown();
                assertThat(first.get(10, TimeUnit.SECONDS).baseOffset()).isZero();
                assertThat(later[0].get(10, TimeUnit.SECONDS)).isNotNull();
                assertThat(later[1].get(10, TimeUnit.SECONDS)).isNotNull();
            } finally {
                release.countDown();
            }
            assertThat(log.endOffset()).isEqualTo(3);
            assertThat(state.forceCount() - journalBefore).as("journal forces: the first append's, one shared")
                    .isEqualTo(2);
            assertThat(Fsyncs.total() - fsyncsBefore).as("journal + log for the first, journal + log shared by two")
                    .isEqualTo(4);
            CrashPoints.install(p -> { }); // the close forces too
        }
    }

    private static CompletableFuture<PartitionProducerState.Outcome> appendAsync(PartitionProducerState state,
            PartitionLog log, long pid) {
        return appendAsync(state, log, pid, new CompletableFuture<>());
    }

    /** Appends sequence 0 of {@code pid} on a new thread, which it reports through {@code started}. */
    private static CompletableFuture<PartitionProducerState.Outcome> appendAsync(PartitionProducerState state,
            PartitionLog log, long pid, CompletableFuture<Thread> started) {
        CompletableFuture<PartitionProducerState.Outcome> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            MessageBlock block = TestClient.produce("t", 0, "v" + pid).messages();
            try {
                PartitionProducerState.Outcome out = state.append(log, block, pid, (short) 0, 0, false,
                        System.currentTimeMillis());
                assertThat(out.errorCode()).isZero();
                result.complete(out);
            } catch (Throwable e) {
                result.completeExceptionally(e);
            } finally {
                block.release();
            }
        }, "append-" + pid);
        t.setDaemon(true);
        started.complete(t);
        t.start();
        return result;
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
