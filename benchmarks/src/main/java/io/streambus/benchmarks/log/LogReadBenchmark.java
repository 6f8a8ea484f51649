package io.streambus.benchmarks.log;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.streambus.broker.log.FlushPolicy;
import io.streambus.broker.log.LogConfig;
import io.streambus.broker.log.LogManager;
import io.streambus.broker.log.PartitionLog;
import io.streambus.broker.log.ReadResult;
import io.streambus.protocol.message.MessageBlock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Broker storage reads as a Fetch does them: {@code maxBytes} of key+value bytes from a random offset of a
 * partition holding 500,000 messages with 100-byte values (page cache warm). Messages per read = maxBytes / 100;
 * the score is reads per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class LogReadBenchmark {
    private static final int MESSAGES = 500_000;

    @Param({"1048576", "10000"})
    public int maxBytes;

    private Path dir;
    private LogManager manager;
    private PartitionLog log;
    private final SplittableRandom random = new SplittableRandom(1);

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("streambus-log-read-bench");
        manager = LogManager.open(dir, LogConfig.builder().flushPolicy(FlushPolicy.OS).build());
        manager.createTopic("bench", 1);
        log = manager.partition("bench", 0);
        ByteBuf batch = PooledByteBufAllocator.DEFAULT.directBuffer(100 * 128);
        for (int i = 0; i < 100; i++) {
            batch.writeLong(0).writeLong(i).writeInt(0).writeInt(100).writeZero(100).writeInt(0);
        }
        MessageBlock block = MessageBlock.of(PooledByteBufAllocator.DEFAULT, 100, batch); // takes the buffer
        try {
            for (int i = 0; i < MESSAGES / 100; i++) {
                log.append(block);
            }
        } finally {
            block.release();
        }
    }

    @Benchmark
    public void read(Blackhole bh) {
        long offset = random.nextLong(MESSAGES);
        try (ReadResult r = log.read(offset, maxBytes, 10 * 1024 * 1024 - 64)) {
            bh.consume(r.count());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        manager.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
