package io.streambus.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The bounded LRU of open segment files: limit, reopen, pinning while in use, closing for good, concurrency. */
@Timeout(60)
class SegmentFilePoolTest {
    private static final StandardOpenOption[] RW = {StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE};

    @TempDir
    Path dir;

    private static long readLong(SegmentFile f, long position) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8);
        IoUtil.readFully(f, b, position);
        return b.getLong(0);
    }

    private static void writeLong(SegmentFile f, long position, long v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8).putLong(0, v);
        while (b.hasRemaining()) {
            f.write(b, position + b.position());
        }
    }

    @Test
    void keepsAtMostTheLimitOpenAndReopensWhatItClosed() throws IOException {
        SegmentFilePool pool = new SegmentFilePool(4);
        List<SegmentFile> files = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            SegmentFile f = pool.file(dir.resolve(i + ".log"), RW);
            writeLong(f, 0, i);
            files.add(f);
            assertThat(pool.openCount()).isLessThanOrEqualTo(4);
        }
        assertThat(pool.evictions()).isEqualTo(16);
        assertThat(files.get(0).isOpen()).isFalse();
        assertThat(files.get(19).isOpen()).isTrue();
        for (int i = 0; i < 20; i++) {
            assertThat(readLong(files.get(i), 0)).as("written before the pool closed it").isEqualTo(i);
        }
        assertThat(pool.openCount()).isEqualTo(4);
        assertThat(pool.opens()).isEqualTo(40); // 20 first opens; reading them back in order reopened each once
        files.get(3).force(false); // forcing through a reopened descriptor
    }

    @Test
    void aFileInUseIsNeverClosedByThePool() throws IOException {
        SegmentFilePool pool = new SegmentFilePool(4);
        SegmentFile busy = pool.file(dir.resolve("busy.log"), RW);
        writeLong(busy, 0, 42);
        long read = busy.with(ch -> {
            for (int i = 0; i < 10; i++) {
                writeLong(pool.file(dir.resolve(i + ".log"), RW), 0, i); // pushes busy out of the LRU order
            }
            ByteBuffer b = ByteBuffer.allocate(8);
            ch.read(b, 0); // the descriptor held by this operation is still open
            return b.getLong(0);
        });
        assertThat(read).isEqualTo(42);
        assertThat(pool.openCount()).isLessThanOrEqualTo(4);
    }

    @Test
    void aFileClosedForGoodFailsLikeAClosedChannelAndLeavesThePool() throws IOException {
        SegmentFilePool pool = new SegmentFilePool(4);
        FileChannel ch = FileChannel.open(dir.resolve("a.log"), RW);
        SegmentFile f = pool.adopt(dir.resolve("a.log"), ch, RW);
        assertThat(pool.openCount()).isEqualTo(1);
        f.close();
        assertThat(ch.isOpen()).isFalse();
        assertThat(pool.openCount()).isZero();
        assertThatThrownBy(() -> f.size()).isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void theLimitHasAFloor() {
        assertThatThrownBy(() -> new SegmentFilePool(3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogConfig.builder().maxOpenSegmentFiles(1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentReadsAndWritesOverManyMoreFilesThanTheLimitSeeTheirOwnData() throws Exception {
        SegmentFilePool pool = new SegmentFilePool(4);
        int files = 40;
        int threads = 6;
        List<SegmentFile> all = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            all.add(pool.file(dir.resolve(i + ".log"), RW));
        }
        ExecutorService exec = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(exec.submit(() -> {
                    // Each thread owns slot `thread` of every file: what it wrote there it must read back.
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    long[] last = new long[files];
                    for (int n = 0; n < 3000; n++) {
                        int i = rnd.nextInt(files);
                        long v = ((long) thread << 32) | n;
                        writeLong(all.get(i), thread * 8L, v);
                        last[i] = v;
                        int j = rnd.nextInt(files);
                        if (last[j] != 0) {
                            assertThat(readLong(all.get(j), thread * 8L)).isEqualTo(last[j]);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(50, TimeUnit.SECONDS);
            }
        } finally {
            exec.shutdownNow();
        }
        assertThat(pool.openCount()).isLessThanOrEqualTo(4);
        assertThat(pool.evictions()).isPositive();
    }
}
