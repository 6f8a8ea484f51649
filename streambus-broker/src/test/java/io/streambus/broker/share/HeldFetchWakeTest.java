package io.streambus.broker.share;

import static io.streambus.broker.share.ShareTestSupport.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBufAllocator;
import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.log.FlushPolicy;
import io.streambus.broker.log.LogConfig;
import io.streambus.broker.log.LogManager;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.share.AcknowledgeType;
import io.streambus.protocol.share.Acknowledgement;
import io.streambus.protocol.share.AcquiredRecord;
import io.streambus.protocol.share.ShareAcknowledgePartition;
import io.streambus.protocol.share.ShareAcknowledgeRequest;
import io.streambus.protocol.share.ShareFetchPartition;
import io.streambus.protocol.share.ShareFetchPartitionData;
import io.streambus.protocol.share.ShareFetchRequest;
import io.streambus.protocol.share.ShareFetchResponse;
import io.streambus.protocol.share.ShareGroupHeartbeatRequest;
import io.streambus.protocol.share.ShareGroupHeartbeatResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A held ShareFetch is answered as soon as records become acquirable for it (B.13.5), not only at its next poll: with
 * timers whose one-shot tasks never run (so the 20 ms poll of a held fetch never fires), only the wake-up on an
 * acknowledgement or a member's leave can answer it.
 */
@ExtendWith(LeakCheck.class)
class HeldFetchWakeTest {
    @TempDir
    Path dir;

    /** Periodic tasks (the sweep) run; one-shot tasks (held-fetch polls, dead-letter backoffs) are parked. */
    private static final class ParkingTimers extends ScheduledThreadPoolExecutor {
        ParkingTimers() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            return super.schedule(() -> { }, 1, TimeUnit.DAYS);
        }
    }

    @Test
    void aReleaseByAnotherMemberAnswersAHeldFetchAtOnce() throws Exception {
        held((sc, a) -> sc.acknowledge("p", new ShareAcknowledgeRequest("q", a, TopicPartitions.of("t", List.of(
                new ShareAcknowledgePartition(0, List.of(new Acknowledgement(0, 0, AcknowledgeType.RELEASE))))))));
    }

    @Test
    void theLeaveOfTheHolderAnswersAHeldFetchAtOnce() throws Exception {
        held((sc, a) -> sc.heartbeat("p", new ShareGroupHeartbeatRequest("q", a, true, "a", List.of())));
    }

    /** Member a holds record 0; b's fetch is held; {@code free} makes record 0 available to b. */
    private void held(java.util.function.BiConsumer<ShareCoordinator, String> free) throws Exception {
        Path data = dir.resolve("data");
        try (EmbeddedBroker b = EmbeddedBroker.builder().dataDir(data).build();
             TestClient c = TestClient.connect(b.start())) {
            produce(c, "t", "v0");
        }
        ParkingTimers timers = new ParkingTimers();
        ExecutorService worker = Executors.newFixedThreadPool(2);
        try (LogManager logs = LogManager.open(data, LogConfig.builder().build());
             ShareCoordinator sc = ShareCoordinator.open(data, FlushPolicy.OS, ShareCoordinatorConfig.DEFAULTS,
                     logs, ShareAccess.ALLOW_ALL, g -> false, worker, timers)) {
            String a = join(sc, "a");
            String bm = join(sc, "b");
            List<String> first = records(fetch(sc, a, 0).get(10, TimeUnit.SECONDS).body());
            assertThat(first).containsExactly("0 count 1");
            CompletableFuture<ShareCoordinator.Outcome<ShareFetchResponse>> waiting = fetch(sc, bm, 30_000);
            ShareGroup g = sc.liveGroup("q");
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                synchronized (g) {
                    return g.members.get(bm).heldFetches == 1;
                }
            });
            assertThat(waiting).isNotDone();
            free.accept(sc, a);
            List<String> got = records(waiting.get(10, TimeUnit.SECONDS).body());
            assertThat(got).as("offset 0, acquired a second time").containsExactly("0 count 2");
        } finally {
            worker.shutdownNow();
            timers.shutdownNow();
        }
    }

    private static String join(ShareCoordinator sc, String client) throws Exception {
        ShareGroupHeartbeatResponse r = sc.heartbeat("p", new ShareGroupHeartbeatRequest("q", "", false, client,
                List.of("t"))).get(10, TimeUnit.SECONDS).body();
        return r.memberId();
    }

    private static CompletableFuture<ShareCoordinator.Outcome<ShareFetchResponse>> fetch(ShareCoordinator sc,
                                                                                         String member, int maxWait) {
        return sc.fetch("p", new ShareFetchRequest("q", member, maxWait, "", TopicPartitions.of("t", List.of(
                new ShareFetchPartition(0, 10, 1 << 20, List.of())))), () -> true, ByteBufAllocator.DEFAULT);
    }

    /** "offset count n" of every record in {@code r}, which is released. */
    private static List<String> records(ShareFetchResponse r) {
        List<String> out = new ArrayList<>();
        try {
            for (TopicPartitions.Topic<ShareFetchPartitionData> t : r.partitions().topics()) {
                for (ShareFetchPartitionData p : t.partitions()) {
                    Consumer<AcquiredRecord> take = x -> {
                        out.add(x.message().offset() + " count " + x.deliveryCount());
                        x.release();
                    };
                    p.records().toRecords().forEach(take);
                }
            }
        } finally {
            r.release();
        }
        return out;
    }
}
