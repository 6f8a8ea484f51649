package io.streambus.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 item 4: the broker's file descriptors do not grow with its partitions. Segment files open on use and the
 * pool closes the least recently used idle ones beyond {@link LogConfig#maxOpenSegmentFiles()}; appends, fetches,
 * recovery and retention stay correct with far more partitions than the limit.
 */
@Timeout(120)
class OpenSegmentFilesTest {
    private static final int LIMIT = 8;

    @TempDir
    Path dir;

    /** Descriptors of this process (Linux), or -1 where /proc is not available. */
    private static long openDescriptors() {
        Path fd = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fd)) {
            return -1;
        }
        try (Stream<Path> s = Files.list(fd)) {
            return s.count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static Msg tagged(int writer, int seq) {
        byte[] v = ByteBuffer.allocate(8).putInt(writer).putInt(seq).array();
        return new Msg(0, seq, new byte[120], v, List.of()); // a key of 120 bytes fills segments quickly
    }

    @Test
    void manyMorePartitionsThanTheLimitKeepAtMostTheLimitOpen() {
        int partitions = 150;
        LogConfig config = LogConfig.builder().segmentBytes(1024).flushPolicy(FlushPolicy.OS)
                .maxOpenSegmentFiles(LIMIT).build();
        long before = openDescriptors();
        try (LogManager m = LogManager.open(dir, config)) {
            m.createTopic("many", partitions);
            assertThat(config.segmentFiles().openCount()).isLessThanOrEqualTo(LIMIT);
            if (before >= 0) {
                // Without the pool this topic alone would hold 300 descriptors.
                assertThat(openDescriptors() - before).isLessThan(LIMIT + 40);
            }
            for (int round = 0; round < 4; round++) {
                for (int p = 0; p < partitions; p++) {
                    Msg.append(m.partition("many", p), List.of(Msg.sized(10, 200), Msg.sized(10, 200)));
                }
            }
            assertThat(config.segmentFiles().openCount()).isLessThanOrEqualTo(LIMIT);
            for (int p = 0; p < partitions; p++) {
                assertThat(Msg.readAll(m.partition("many", p), 0, 1 << 16)).hasSize(8);
            }
            assertThat(config.segmentFiles().openCount()).isLessThanOrEqualTo(LIMIT);
            assertThat(config.segmentFiles().evictions()).isGreaterThan(partitions);
        }
        // Recovery of every partition also stays within the limit, and the data is all there.
        LogConfig again = config.toBuilder().build();
        try (LogManager m = LogManager.open(dir, again)) {
            assertThat(again.segmentFiles().openCount()).isLessThanOrEqualTo(LIMIT);
            for (int p = 0; p < partitions; p += 7) {
                assertThat(Msg.readAll(m.partition("many", p), 0, 1 << 16)).hasSize(8);
            }
            Msg.append(m.partition("many", 0), List.of(Msg.of("k", "after")));
            assertThat(m.partition("many", 0).endOffset()).isEqualTo(9);
        }
    }

    @Test
    void appendsFetchesAndRetentionRunConcurrentlyUnderATinyLimit() throws Exception {
        int partitions = 24;
        int writers = 3;
        int batches = 200;
        LogConfig config = LogConfig.builder().segmentBytes(1024).indexIntervalBytes(128)
                .flushPolicy(FlushPolicy.EVERY_WRITE).retentionBytes(4096)
                .retentionCheckInterval(Duration.ofMillis(5)).maxOpenSegmentFiles(4).build();
        ExecutorService exec = Executors.newFixedThreadPool(writers + 2);
        try (LogManager m = LogManager.open(dir, config)) {
            m.createTopic("t", partitions);
            CountDownLatch start = new CountDownLatch(1);
            AtomicBoolean writing = new AtomicBoolean(true);
            ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
            List<Future<?>> tasks = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                tasks.add(exec.submit(() -> {
                    start.await();
                    int[] seq = new int[partitions];
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (int b = 0; b < batches; b++) {
                        int p = rnd.nextInt(partitions);
                        Msg.append(m.partition("t", p), List.of(tagged(writer, seq[p]++), tagged(writer, seq[p]++)));
                    }
                    return null;
                }));
            }
            for (int r = 0; r < 2; r++) {
                tasks.add(exec.submit(() -> {
                    start.await();
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    while (writing.get()) {
                        PartitionLog log = m.partition("t", rnd.nextInt(partitions));
                        long next = log.startOffset();
                        int[] lastSeq = {-1, -1, -1};
                        while (next < log.endOffset()) {
                            List<Msg> got = Msg.read(log, next, 512, 1 << 20);
                            if (got.isEmpty()) {
                                next = Math.max(next, log.startOffset()); // retention moved the start meanwhile
                                lastSeq = new int[] {-1, -1, -1};
                                continue;
                            }
                            for (Msg msg : got) {
                                ByteBuffer v = ByteBuffer.wrap(msg.value());
                                int writer = v.getInt();
                                int s = v.getInt();
                                if (s <= lastSeq[writer]) {
                                    errors.add("writer " + writer + " seq " + s + " after " + lastSeq[writer]);
                                }
                                lastSeq[writer] = s;
                            }
                            next = got.get(got.size() - 1).offset() + 1;
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : tasks.subList(0, writers)) {
                f.get(90, TimeUnit.SECONDS);
            }
            writing.set(false);
            for (Future<?> f : tasks.subList(writers, tasks.size())) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertThat(errors).isEmpty();
            long total = 0;
            long deleted = 0;
            for (int p = 0; p < partitions; p++) {
                PartitionLog log = m.partition("t", p);
                long end = log.endOffset();
                long logStart = log.startOffset();
                total += end;
                deleted += logStart;
                // Retention may still move the start while this reads (its checks can lag on a loaded machine):
                // what is read must run without a gap from where the read found data up to the end.
                List<Msg> all = Msg.readAll(log, logStart, 1 << 16);
                if (end > logStart) {
                    assertThat(all).isNotEmpty();
                    long first = all.get(0).offset();
                    assertThat(first).isGreaterThanOrEqualTo(logStart);
                    assertThat(all.get(all.size() - 1).offset()).isEqualTo(end - 1);
                    assertThat(all).hasSize((int) (end - first));
                }
            }
            assertThat(total).isEqualTo((long) writers * batches * 2);
            assertThat(deleted).as("retention ran during the test").isPositive();
            assertThat(config.segmentFiles().openCount()).isLessThanOrEqualTo(4);
        } finally {
            exec.shutdownNow();
        }
    }
}
