package io.streambus.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

    @Test
    void writesMadeDuringAForceShareTheNextOne() throws Exception {
        AtomicLong written = new AtomicLong(10);
        AtomicInteger forces = new AtomicInteger();
        CountDownLatch inForce = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit gc = new GroupCommit(written::get, () -> {
            if (forces.incrementAndGet() == 1) {
                inForce.countDown();
                awaitLatch(release);
            }
        }, 0);
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> sync(gc, 10));
        awaitLatch(inForce);
        written.set(30); // two more writes land while the first force runs
        Thread b = new Thread(() -> sync(gc, 20));
        Thread c = new Thread(() -> sync(gc, 30));
        b.start();
        c.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.getState() == Thread.State.WAITING
                && c.getState() == Thread.State.WAITING);
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        b.join(10_000);
        c.join(10_000);
        assertThat(forces).as("one force for the first write, one shared by the two written during it").hasValue(2);
        assertThat(gc.forces()).isEqualTo(2);
        assertThat(gc.durable()).isEqualTo(30);
        gc.sync(25);
        assertThat(forces).as("already durable: no force").hasValue(2);
    }

    @Test
    void aFailedForceFailsEveryLaterSync() {
        AtomicLong written = new AtomicLong(5);
        GroupCommit gc = new GroupCommit(written::get, () -> {
            throw new IOException("disk gone");
        }, 0);
        assertThatThrownBy(() -> gc.sync(5)).hasMessageContaining("disk gone");
        written.set(9);
        assertThatThrownBy(() -> gc.sync(9)).isInstanceOf(IOException.class).hasMessageContaining("earlier");
        assertThat(gc.durable()).isZero();
    }

    @Test
    void forcesAreCountedBrokerWide() throws Exception {
        long before = Fsyncs.total();
        java.nio.file.Path f = java.nio.file.Files.createTempFile("fsyncs", ".log");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f,
                java.nio.file.StandardOpenOption.WRITE)) {
            Fsyncs.force(ch, false);
        } finally {
            java.nio.file.Files.deleteIfExists(f);
        }
        assertThat(Fsyncs.total()).isGreaterThan(before);
    }

    private static void sync(GroupCommit gc, long position) {
        try {
            gc.sync(position);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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

    @Test
    void theBarrierRunsAfterTheCoveredPositionIsReadAndBeforeTheForce() throws Exception {
        AtomicLong written = new AtomicLong(7);
        java.util.List<String> events = new java.util.ArrayList<>();
        GroupCommit gc = new GroupCommit(() -> {
            events.add("read " + written.get());
            return written.get();
        }, () -> events.add("force log"), 0);
        gc.beforeForce(() -> events.add("force journal"));
        gc.sync(7);
        assertThat(events).containsExactly("read 7", "force journal", "force log");
        gc.sync(7);
        assertThat(events).as("durable already: neither force").hasSize(3);
    }

    @Test
    void aFailingBarrierFailsTheSyncBeforeTheLogIsForced() {
        AtomicInteger logForces = new AtomicInteger();
        GroupCommit gc = new GroupCommit(() -> 4, logForces::incrementAndGet, 0);
        gc.beforeForce(() -> {
            throw new IOException("journal disk gone");
        });
        assertThatThrownBy(() -> gc.sync(4)).hasMessageContaining("journal disk gone");
        assertThat(logForces).hasValue(0);
        assertThat(gc.durable()).isZero();
        assertThatThrownBy(() -> gc.sync(4)).hasMessageContaining("earlier");
    }

    /**
     * A waiter whose bytes the running force covers returns when that force ends, even when a waiter that wrote
     * later queued before it and leads the next force: it must not wait for that force too (which, held here, would
     * keep it waiting until the end of the test).
     */
    @Test
    void aWaiterCoveredByTheRunningForceDoesNotWaitForTheNextOne() throws Exception {
        AtomicLong written = new AtomicLong(20);
        AtomicInteger forces = new AtomicInteger();
        CountDownLatch inFirst = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CountDownLatch inSecond = new CountDownLatch(1);
        CountDownLatch releaseSecond = new CountDownLatch(1);
        GroupCommit gc = new GroupCommit(written::get, () -> {
            if (forces.incrementAndGet() == 1) {
                inFirst.countDown();
                holdGate(releaseFirst);
            } else {
                inSecond.countDown();
                holdGate(releaseSecond);
            }
        }, 0);
        try {
            CompletableFuture<Void> a = CompletableFuture.runAsync(() -> sync(gc, 10)); // covers 20
            awaitLatch(inFirst);
            written.set(30);
            Thread c = new Thread(() -> sync(gc, 30), "after-the-read"); // needs the next force
            c.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> c.getState() == Thread.State.WAITING);
            Thread b = new Thread(() -> sync(gc, 20), "covered"); // written before the first force read
            b.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> b.getState() == Thread.State.WAITING);
            releaseFirst.countDown();
            a.get(10, TimeUnit.SECONDS);
            awaitLatch(inSecond);
            await("the covered waiter returns during the second force").atMost(Duration.ofSeconds(10))
                    .until(() -> b.getState() == Thread.State.TERMINATED);
            assertThat(c.getState()).as("the later write waits for the second force").isNotEqualTo(
                    Thread.State.TERMINATED);
            releaseSecond.countDown();
            c.join(10_000);
            assertThat(c.isAlive()).isFalse();
        } finally {
            releaseFirst.countDown();
            releaseSecond.countDown();
        }
        assertThat(forces).hasValue(2);
        assertThat(gc.durable()).isEqualTo(30);
    }

    /**
     * Without a barrier, the round that follows a force reads how far the log is written only once that force
     * ended, so it covers the writes made during the force even by callers not waiting yet.
     */
    @Test
    void theNextRoundReadsTheWrittenPositionAfterTheRunningForce() throws Exception {
        AtomicLong written = new AtomicLong(10);
        AtomicInteger forces = new AtomicInteger();
        CountDownLatch inFirst = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        GroupCommit gc = new GroupCommit(written::get, () -> {
            if (forces.incrementAndGet() == 1) {
                inFirst.countDown();
                holdGate(releaseFirst);
            }
        }, 0);
        try {
            CompletableFuture<Void> a = CompletableFuture.runAsync(() -> sync(gc, 10));
            awaitLatch(inFirst);
            written.set(20);
            Thread b = new Thread(() -> sync(gc, 20));
            b.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> b.getState() == Thread.State.WAITING);
            written.set(30); // written during the force, its writer not syncing yet
            releaseFirst.countDown();
            a.get(10, TimeUnit.SECONDS);
            b.join(10_000);
            assertThat(b.isAlive()).isFalse();
        } finally {
            releaseFirst.countDown();
        }
        assertThat(gc.durable()).isEqualTo(30);
        gc.sync(30);
        assertThat(forces).hasValue(2);
    }

    /**
     * With a barrier, rounds are pipelined: the next round's barrier runs while this round's log force does, and
     * its log force starts only after this one ended (so each log force still follows its own barrier).
     */
    @Test
    void theNextRoundsBarrierRunsDuringThisRoundsForce() throws Exception {
        AtomicLong written = new AtomicLong(10);
        java.util.List<String> events = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        AtomicInteger forces = new AtomicInteger();
        AtomicInteger barriers = new AtomicInteger();
        CountDownLatch inFirst = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CountDownLatch secondBarrier = new CountDownLatch(1);
        GroupCommit gc = new GroupCommit(written::get, () -> {
            int n = forces.incrementAndGet();
            events.add("force log " + n);
            if (n == 1) {
                inFirst.countDown();
                holdGate(releaseFirst);
                events.add("force log 1 done");
            }
        }, 0);
        gc.beforeForce(() -> {
            int n = barriers.incrementAndGet();
            events.add("barrier " + n);
            if (n == 2) {
                secondBarrier.countDown();
            }
        });
        try {
            CompletableFuture<Void> a = CompletableFuture.runAsync(() -> sync(gc, 10));
            awaitLatch(inFirst);
            written.set(20);
            CompletableFuture<Void> b = CompletableFuture.runAsync(() -> sync(gc, 20));
            assertThat(secondBarrier.await(10, TimeUnit.SECONDS)).as("second barrier during the first log force")
                    .isTrue();
            assertThat(forces).as("the second log force waits for the first").hasValue(1);
            assertThat(b).isNotDone();
            releaseFirst.countDown();
            a.get(10, TimeUnit.SECONDS);
            b.get(10, TimeUnit.SECONDS);
        } finally {
            releaseFirst.countDown();
        }
        assertThat(events).containsExactly("barrier 1", "force log 1", "barrier 2", "force log 1 done",
                "force log 2");
        assertThat(gc.durable()).isEqualTo(20);
    }

    /** Holds a force (gate) longer than any of the tests' waits, so that a test fails by its own wait. */
    private static void holdGate(CountDownLatch gate) {
        try {
            if (!gate.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
