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
}
