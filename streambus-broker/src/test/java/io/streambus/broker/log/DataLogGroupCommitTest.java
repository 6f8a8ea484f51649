package io.streambus.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data log's Produce path shares fsyncs between concurrent appends with every-write, and forces none with os. */
class DataLogGroupCommitTest {
    private static final int WRITERS = 8;
    private static final int APPENDS = 100;

    @TempDir
    Path dir;

    @Test
    void concurrentAppendsShareForcesAndAllSurviveAReopen() throws Exception {
        LogConfig config = LogConfig.builder().flushPolicy(FlushPolicy.EVERY_WRITE).segmentBytes(64 * 1024).build();
        ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
        long before;
        long forces;
        try (LogManager m = LogManager.open(dir, config)) {
            m.createTopic("t", 1);
            PartitionLog log = m.partition("t", 0);
            before = Fsyncs.total();
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    int writer = w;
                    done.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        for (int i = 0; i < APPENDS; i++) {
                            String v = writer + "-" + i;
                            AppendResult r = Msg.append(log, List.of(Msg.of("k", v)));
                            // Acknowledged means visible: the end offset already covers it.
                            assertThat(log.endOffset()).isGreaterThanOrEqualTo(r.highWaterMark());
                            acked.add(v);
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            forces = Fsyncs.total() - before;
        }
        assertThat(forces).as("fsyncs for %d appends", WRITERS * APPENDS).isPositive().isLessThan(WRITERS * APPENDS);
        try (LogManager m = LogManager.open(dir, config)) {
            PartitionLog log = m.partition("t", 0);
            List<String> values = new ArrayList<>();
            for (Msg msg : Msg.readAll(log, 0, 1 << 20)) {
                values.add(new String(msg.value(), java.nio.charset.StandardCharsets.UTF_8));
            }
            assertThat(values).containsExactlyInAnyOrderElementsOf(acked);
        }
    }

    @Test
    void osPolicyForcesNothingOnAppend() {
        try (LogManager m = LogManager.open(dir, LogConfig.builder().flushPolicy(FlushPolicy.OS).build())) {
            m.createTopic("t", 1);
            long before = Fsyncs.total();
            for (int i = 0; i < 50; i++) {
                Msg.append(m.partition("t", 0), List.of(Msg.of("k", "v" + i)));
            }
            assertThat(Fsyncs.total() - before).isZero();
        }
    }
}
