package io.streambus.broker.share;

import io.netty.buffer.ByteBufAllocator;
import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.log.FlushPolicy;
import io.streambus.broker.log.LogConfig;
import io.streambus.broker.log.LogManager;
import io.streambus.broker.testing.TestClient;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.share.Acknowledgement;
import io.streambus.protocol.share.AcquiredRecord;
import io.streambus.protocol.share.ShareFetchPartition;
import io.streambus.protocol.share.ShareFetchPartitionData;
import io.streambus.protocol.share.ShareFetchRequest;
import io.streambus.protocol.share.ShareFetchResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the share state storage-error tests share: a {@link ShareCoordinator} (principal "p") over a data directory
 * that already holds records, on a manual clock, whose share state writes can be made to fail, and that can be
 * restarted on the same directory. Not thread-safe: used from a test's thread.
 */
final class StorageErrorFixture implements AutoCloseable {
    /** Writes the test's records through an embedded broker before the coordinator opens. */
    @FunctionalInterface
    interface Records {
        void produce(TestClient c) throws Exception;
    }

    /** A fetch's request-level error, partition error (-1 if the request was refused) and records ("o count n"). */
    static final class Fetched {
        final int requestError;
        final int error;
        final List<String> records;

        Fetched(int requestError, int error, List<String> records) {
            this.requestError = requestError;
            this.error = error;
            this.records = records;
        }
    }

    /** The coordinator's clock (ms). */
    final AtomicLong clock = new AtomicLong(1_000_000);
    final LogManager logs;
    private final Path data;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService worker = Executors.newFixedThreadPool(2);
    private ShareCoordinator sc;

    StorageErrorFixture(Path dir, Records records) throws Exception {
        data = dir.resolve("data");
        try (EmbeddedBroker b = EmbeddedBroker.builder().dataDir(data).build();
             TestClient c = TestClient.connect(b.start())) {
            records.produce(c);
        }
        logs = LogManager.open(data, LogConfig.builder().build());
        sc = open();
    }

    private ShareCoordinator open() throws IOException {
        return ShareCoordinator.open(data, FlushPolicy.OS, ShareCoordinatorConfig.DEFAULTS, logs,
                ShareAccess.ALLOW_ALL, g -> false, worker, timers, clock::get);
    }

    ShareCoordinator coordinator() {
        return sc;
    }

    /** Closes the coordinator and opens a new one on the same directory (what a broker restart does to it). */
    ShareCoordinator restart() throws IOException {
        sc.close();
        sc = open();
        return sc;
    }

    /** Makes the next share state write fail; the store then fails every later one (fail-stop until a restart). */
    void failWrites() {
        sc.store().gate(n -> new IOException("injected write failure"));
    }

    /** Share-partition t-0 of group "q". */
    SharePartition partition() {
        return sc.liveGroup("q").partition("t", 0);
    }

    Fetched fetch(String group, String member, String topic, int max, Acknowledgement... acks) throws Exception {
        ShareCoordinator.Outcome<ShareFetchResponse> o = sc.fetch("p", new ShareFetchRequest(group, member, 0, "",
                TopicPartitions.of(topic, List.of(new ShareFetchPartition(0, max, 1 << 20, List.of(acks))))),
                () -> true, ByteBufAllocator.DEFAULT).get(10, TimeUnit.SECONDS);
        if (o.errorCode() != 0) {
            return new Fetched(o.errorCode(), -1, List.of());
        }
        ShareFetchResponse r = o.body();
        List<String> out = new ArrayList<>();
        try {
            ShareFetchPartitionData p = r.partitions().topics().get(0).partitions().get(0);
            for (AcquiredRecord x : p.records().toRecords()) {
                out.add(x.message().offset() + " count " + x.deliveryCount());
                x.release();
            }
            return new Fetched(0, p.errorCode(), out);
        } finally {
            r.release();
        }
    }

    /** {@link #fetch} of t-0 in group "q" for a thread that cannot throw checked exceptions. */
    Fetched fetchUnchecked(String member, int max) {
        try {
            return fetch("q", member, "t", max);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (sc != null) {
                sc.close();
            }
            logs.close();
        } finally {
            worker.shutdownNow();
            timers.shutdownNow();
        }
    }
}
