package io.streambus.benchmarks.log;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.streambus.broker.log.AppendResult;
import io.streambus.broker.log.FlushPolicy;
import io.streambus.broker.log.LogConfig;
import io.streambus.broker.log.LogManager;
import io.streambus.broker.log.PartitionLog;
import io.streambus.protocol.message.MessageBlock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Broker storage append throughput: one batch of 100 messages with 100-byte values (no key, no headers) per call,
 * to one partition, reported in messages per second. {@code flush=OS} is the figure; {@code EVERY_WRITE}
 * (an fsync per append, the dev-broker default) is the contrast. Retention keeps the data directory at about
 * 256 MiB so that long runs do not fill the disk.
 *
 * <p>Run: {@code java -cp benchmarks/target/streambus-perf.jar org.openjdk.jmh.Main LogAppendBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(LogAppendBenchmark.MESSAGES)
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class LogAppendBenchmark {
    static final int MESSAGES = 100;
    static final int VALUE_BYTES = 100;

    @Param({"OS", "EVERY_WRITE"})
    public String flush;

    private Path dir;
    private LogManager manager;
    private PartitionLog log;
    /** Validated once, as the codec hands a Produce to the log. */
    private MessageBlock block;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("streambus-log-bench");
        FlushPolicy policy = "OS".equals(flush) ? FlushPolicy.OS : FlushPolicy.EVERY_WRITE;
        LogConfig config = LogConfig.builder()
                .flushPolicy(policy)
                .segmentBytes(32 * 1024 * 1024)
                .retentionBytes(256L * 1024 * 1024)
                .retentionCheckInterval(Duration.ofSeconds(1))
                .build();
        manager = LogManager.open(dir, config);
        manager.createTopic("bench", 1);
        log = manager.partition("bench", 0);
        ByteBuf batch = PooledByteBufAllocator.DEFAULT.directBuffer(MESSAGES * (28 + VALUE_BYTES));
        byte[] value = new byte[VALUE_BYTES];
        for (int i = 0; i < VALUE_BYTES; i++) {
            value[i] = (byte) ('a' + i % 26);
        }
        for (int i = 0; i < MESSAGES; i++) {
            batch.writeLong(0).writeLong(System.nanoTime());
            batch.writeInt(0);
            batch.writeInt(VALUE_BYTES).writeBytes(value);
            batch.writeInt(0);
        }
        block = MessageBlock.of(PooledByteBufAllocator.DEFAULT, MESSAGES, batch); // takes the buffer
    }

    @Benchmark
    public AppendResult append() {
        return log.append(block);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        block.release();
        manager.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
