package io.streambus.benchmarks.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.streambus.protocol.ChecksumMismatchException;
import io.streambus.protocol.DecodedRequest;
import io.streambus.protocol.Frames;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.protocol.message.MessageBlockWriter;
import io.streambus.protocol.message.MessageCursor;
import io.streambus.protocol.core.ProduceRequest;
import io.streambus.protocol.RequestCodec;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encode + decode of a Produce of 100 messages with 100-byte values (issue 2 target: &lt; 20 µs per Produce and
 * &lt; 64 B allocated per message, with {@code -prof gc}). {@link #encodeDecode()} does what a client and a broker
 * do per batch: write the messages into a pooled block, encode the frame, verify its CRC as FrameDecoder does,
 * decode it and read every message. {@link #baselineByteArrayCopy()} copies the same number of bytes into a fresh
 * byte[] once, so results can be given as a ratio.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ProduceCodecBenchmark -f 1 -wi 3 -i 5 -prof gc} or
 * {@code java -cp <classpath> org.openjdk.jmh.Main ProduceCodecBenchmark ...}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ProduceCodecBenchmark {
    static final int MESSAGES = 100;
    static final int VALUE_SIZE = 100;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private byte[][] keys;
    private byte[][] values;
    private long timestamp;
    private byte[] frameBytes;

    @Setup
    public void setup() {
        Random r = new Random(1);
        keys = new byte[MESSAGES][];
        values = new byte[MESSAGES][];
        for (int i = 0; i < MESSAGES; i++) {
            keys[i] = ("key-" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            values[i] = new byte[VALUE_SIZE];
            r.nextBytes(values[i]);
        }
        timestamp = 1_700_000_000_000_000_000L;
        ByteBuf frame = encode();
        frameBytes = io.netty.buffer.ByteBufUtil.getBytes(frame);
        frame.release();
    }

    private ByteBuf encode() {
        MessageBlock block;
        try (MessageBlockWriter w = new MessageBlockWriter(alloc, 4 + MESSAGES * (28 + 8 + VALUE_SIZE))) {
            for (int i = 0; i < MESSAGES; i++) {
                w.append(0, timestamp + i, keys[i], values[i], List.of());
            }
            block = w.finish();
        }
        try {
            return RequestCodec.encode(alloc, 42, Frames.FLAG_REQUIRE_ACK, new ProduceRequest("orders", 0, block));
        } finally {
            block.release();
        }
    }

    @Benchmark
    public long encodeDecode() {
        ByteBuf frame = encode();
        try {
            int contentLength = frame.readableBytes() - Frames.LENGTH_FIELD_SIZE - Frames.CRC_SIZE;
            int crc = Frames.crc32(frame, Frames.LENGTH_FIELD_SIZE, contentLength);
            if (crc != frame.getInt(Frames.LENGTH_FIELD_SIZE + contentLength)) {
                throw new ChecksumMismatchException(contentLength, frame.getInt(contentLength), crc);
            }
            ByteBuf content = frame.slice(Frames.LENGTH_FIELD_SIZE, contentLength);
            long sum = 0;
            try (DecodedRequest req = RequestCodec.decode(content, alloc)) {
                MessageCursor c = ((ProduceRequest) req.body()).messages().cursor();
                while (c.next()) {
                    sum += c.offset() + c.timestampNanos() + c.keyLength() + c.valueLength()
                            + c.buffer().getByte(c.valueIndex());
                }
            }
            return sum;
        } finally {
            frame.release();
        }
    }

    @Benchmark
    public byte[] baselineByteArrayCopy() {
        byte[] copy = new byte[frameBytes.length];
        System.arraycopy(frameBytes, 0, copy, 0, frameBytes.length);
        return copy;
    }
}
