package io.streambus.benchmarks.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.streambus.client.serialization.Deserializer;
import io.streambus.client.serialization.Serdes;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.protocol.message.MessageBlockWriter;
import io.streambus.protocol.message.MessageCursor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The consumer's per-record decode of a fetched block of 1,000 messages with 100-byte values, per record (issue 17):
 * the value handed to the built-in {@code byte[]} and String deserializers through a slice per field
 * ({@code *Slice}, how the consumer called them before) or by index straight from the fetched buffer
 * ({@code *Indexed}, how it calls them now); {@link #copyFloor} is the bare copy into a fresh array, the floor. The
 * {@code walk*}/{@link #lastOffsetFromScan} pair is what the fetch callback pays to learn the block's last offset.
 * {@code buffer=direct} is what a pooled client receives. Run with {@code -prof gc} for bytes per record:
 * {@code java -cp benchmarks/target/streambus-perf.jar org.openjdk.jmh.Main ConsumeDecodeBenchmark -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConsumeDecodeBenchmark {
    static final int MESSAGES = 1000;
    static final int VALUE_SIZE = 100;
    private static final String TOPIC = "perf";

    @Param({"direct", "heap"})
    public String buffer;

    private MessageBlock block;
    private final Deserializer<byte[]> bytes = Serdes.byteArrayDeserializer();
    private final Deserializer<String> string = Serdes.stringDeserializer();

    @Setup
    public void setup() {
        byte[] value = new byte[VALUE_SIZE];
        Arrays.fill(value, (byte) 'v');
        ByteBuf raw;
        try (MessageBlockWriter w = new MessageBlockWriter(PooledByteBufAllocator.DEFAULT,
                4 + MESSAGES * (28 + 8 + VALUE_SIZE))) {
            for (int i = 0; i < MESSAGES; i++) {
                w.append(i, 1_700_000_000_000_000_000L + i, ("key-" + i).getBytes(StandardCharsets.US_ASCII), value,
                        List.of());
            }
            MessageBlock built = w.finish();
            raw = buffer.equals("direct") ? PooledByteBufAllocator.DEFAULT.directBuffer(built.sizeInBytes())
                    : PooledByteBufAllocator.DEFAULT.heapBuffer(built.sizeInBytes());
            raw.writeBytes(built.buffer(), built.buffer().readerIndex(), built.sizeInBytes());
            built.release();
        }
        block = MessageBlock.wrap(raw); // validated as a fetched block is: knows where its last message starts
    }

    @TearDown
    public void tearDown() {
        block.release();
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void bytesSlice(Blackhole bh) {
        MessageCursor c = block.cursor();
        while (c.next()) {
            bh.consume(bytes.deserialize(TOPIC, c.value()));
        }
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void bytesIndexed(Blackhole bh) {
        MessageCursor c = block.cursor();
        while (c.next()) {
            bh.consume(bytes.deserialize(TOPIC, c.buffer(), c.valueIndex(), c.valueLength()));
        }
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void stringSlice(Blackhole bh) {
        MessageCursor c = block.cursor();
        while (c.next()) {
            bh.consume(string.deserialize(TOPIC, c.value()));
        }
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void stringIndexed(Blackhole bh) {
        MessageCursor c = block.cursor();
        while (c.next()) {
            bh.consume(string.deserialize(TOPIC, c.buffer(), c.valueIndex(), c.valueLength()));
        }
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void copyFloor(Blackhole bh) {
        MessageCursor c = block.cursor();
        while (c.next()) {
            bh.consume(ByteBufUtil.getBytes(c.buffer(), c.valueIndex(), c.valueLength()));
        }
    }

    /** The fetch callback before: a full walk of the block for its last offset (per record of the block). */
    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long walkForLastOffset() {
        MessageCursor c = block.cursor();
        long last = -1;
        while (c.next()) {
            last = c.offset();
        }
        return last;
    }

    /** The fetch callback now: the index noted by validation (per record of the block). */
    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long lastOffsetFromScan() {
        return block.lastOffset();
    }
}
