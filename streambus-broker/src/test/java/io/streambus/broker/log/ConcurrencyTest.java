package io.streambus.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ConcurrencyTest {
    private static final int WRITERS = 4;
    private static final int BATCHES = 150;
    private static final int PER_BATCH = 5;

    @TempDir
    Path dir;

    private static Msg tagged(int writer, int seq) {
        byte[] v = ByteBuffer.allocate(8).putInt(writer).putInt(seq).array();
        return new Msg(0, seq, new byte[] {(byte) writer}, v, List.of());
    }

    @Test
    void concurrentAppendsAndReadsLoseAndDuplicateNothing() throws Exception {
        LogConfig config = LogConfig.builder().segmentBytes(8192).indexIntervalBytes(512)
                .flushPolicy(FlushPolicy.OS).build();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 2);
        try (LogManager m = LogManager.open(dir, config)) {
            m.createTopic("t", 1);
            PartitionLog log = m.partition("t", 0);
            CountDownLatch start = new CountDownLatch(1);
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Future<List<AppendResult>>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    start.await();
                    List<AppendResult> results = new ArrayList<>();
                    for (int b = 0; b < BATCHES; b++) {
                        List<Msg> batch = new ArrayList<>();
                        for (int i = 0; i < PER_BATCH; i++) {
                            batch.add(tagged(writer, b * PER_BATCH + i));
                        }
                        results.add(Msg.append(log, batch));
                    }
                    return results;
                }));
            }
            ConcurrentLinkedQueue<String> readerErrors = new ConcurrentLinkedQueue<>();
            AtomicInteger readerPasses = new AtomicInteger();
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int maxBytes = r == 0 ? 1 : 300;
                readers.add(pool.submit(() -> {
                    start.await();
                    long next = 0;
                    while (writing.get() || next < log.endOffset()) {
                        try (ReadResult res = log.read(next, maxBytes, 1 << 20)) {
                            List<Msg> got = Msg.decode(res.messages(), res.count());
                            for (Msg msg : got) {
                                if (msg.offset() != next) {
                                    readerErrors.add("expected offset " + next + " got " + msg.offset());
                                    return null;
                                }
                                next++;
                            }
                            if (res.count() > 0 && res.highWaterMark() <= res.lastOffset()) {
                                readerErrors.add("high-water mark " + res.highWaterMark() + " not above "
                                        + res.lastOffset());
                            }
                        }
                    }
                    readerPasses.incrementAndGet();
                    return null;
                }));
            }
            start.countDown();
            List<AppendResult> all = new ArrayList<>();
            for (Future<List<AppendResult>> f : writers) {
                all.addAll(f.get(30, TimeUnit.SECONDS));
            }
            writing.set(false);
            for (Future<?> f : readers) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertThat(readerErrors).isEmpty();
            assertThat(readerPasses.get()).isEqualTo(2);

            int total = WRITERS * BATCHES * PER_BATCH;
            assertThat(log.endOffset()).isEqualTo(total);
            boolean[] taken = new boolean[total];
            for (AppendResult r : all) {
                for (long o = r.baseOffset(); o < r.baseOffset() + r.count(); o++) {
                    assertThat(taken[(int) o]).as("offset %d handed out twice", o).isFalse();
                    taken[(int) o] = true;
                }
            }
            List<Msg> stored = Msg.readAll(log, 0, 1 << 16);
            assertThat(stored).hasSize(total);
            int[] nextSeq = new int[WRITERS];
            for (Msg msg : stored) {
                ByteBuffer v = ByteBuffer.wrap(msg.value());
                int writer = v.getInt();
                int seq = v.getInt();
                assertThat(seq).as("writer %d in order", writer).isEqualTo(nextSeq[writer]);
                nextSeq[writer]++;
            }
            assertThat(nextSeq).containsOnly(BATCHES * PER_BATCH);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void deletingATopicDuringAppendsFailsLaterAppendsCleanly() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (LogManager m = LogManager.open(dir, LogConfig.builder().flushPolicy(FlushPolicy.OS).build())) {
            m.createTopic("t", 1);
            PartitionLog log = m.partition("t", 0);
            CountDownLatch started = new CountDownLatch(2);
            List<Future<Throwable>> appenders = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                appenders.add(pool.submit(() -> {
                    started.countDown();
                    while (true) {
                        try {
                            Msg.append(log, List.of(Msg.of("k", "v")));
                            Msg.read(log, 0, 10, 1000);
                        } catch (Throwable t) {
                            return t;
                        }
                    }
                }));
            }
            started.await();
            while (log.endOffset() < 50) {
                Thread.onSpinWait();
            }
            m.deleteTopic("t");
            for (Future<Throwable> f : appenders) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isInstanceOf(UnknownTopicException.class);
            }
            assertThat(m.topics()).isEmpty();
            assertThat(m.createTopic("t", 1)).isEqualTo(CreateTopicResult.CREATED);
            assertThat(m.partition("t", 0).endOffset()).isZero();
            assertThat(m.partition("t", 0)).isNotSameAs(log);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentCreatesOfOneTopicAgree() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (LogManager m = LogManager.open(dir, LogConfig.defaults())) {
            List<Future<CreateTopicResult>> results = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return m.createTopic("auto", 1);
                }));
            }
            go.countDown();
            int created = 0;
            for (Future<CreateTopicResult> f : results) {
                created += f.get(10, TimeUnit.SECONDS).created() ? 1 : 0;
            }
            assertThat(created).isEqualTo(1);
            assertThat(m.topics()).containsEntry("auto", 1);
        } finally {
            pool.shutdownNow();
        }
    }
}
