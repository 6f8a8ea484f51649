package io.streambus.broker.txn;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.streambus.broker.log.FlushPolicy;
import io.streambus.broker.log.LogConfig;
import io.streambus.broker.log.LogManager;
import io.streambus.broker.log.PartitionLog;
import io.streambus.broker.testing.TestClient;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.DecodedResponse;
import io.streambus.protocol.Frames;
import io.streambus.protocol.RequestCodec;
import io.streambus.protocol.ResponseCodec;
import io.streambus.protocol.core.FetchRequest;
import io.streambus.protocol.core.FetchResponse;
import io.streambus.protocol.core.GetOffsetRequest;
import io.streambus.protocol.core.GetOffsetResponse;
import io.streambus.protocol.core.ProduceRequest;
import io.streambus.protocol.core.ProducerSequence;
import io.streambus.protocol.message.CompressionCodec;
import io.streambus.protocol.txn.ProducerIdAndEpoch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Helpers for the exactly-once tests: sequenced and transactional Produce requests, and read-committed Fetch with
 * its LSO (which {@link TestClient.Response} does not carry), over a {@link TestClient}'s socket.
 */
final class EosTestSupport {
    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false, true);
    private static long nextId = 1_000_000;

    private EosTestSupport() {
    }

    /** A read-committed reply: values, offsets, high-water mark and LSO. */
    /**
     * An every-write log directory with topic {@code t} (1 partition), its exactly-once service, and partition 0's
     * log and producer state: the fixture of the tests of forces and their order. Closes the service, then the logs.
     */
    record EveryWriteLog(LogManager logs, EosService eos, PartitionLog log, PartitionProducerState state)
            implements AutoCloseable {
        static EveryWriteLog open(Path dir) throws IOException {
            LogManager logs = LogManager.open(dir, LogConfig.builder().flushPolicy(FlushPolicy.EVERY_WRITE).build());
            try {
                EosService eos = EosService.open(dir, logs, FlushPolicy.EVERY_WRITE, EosConfig.defaults(),
                        System::currentTimeMillis, null);
                logs.createTopic("t", 1);
                PartitionLog log = logs.partition("t", 0);
                return new EveryWriteLog(logs, eos, log, eos.state(log));
            } catch (IOException | RuntimeException e) {
                logs.close();
                throw e;
            }
        }

        @Override
        public void close() {
            try {
                eos.close();
            } finally {
                logs.close();
            }
        }
    }

    record Committed(List<String> values, List<Long> offsets, long highWaterMark, long lastStableOffset) {
    }

    /** A Produce of {@code values} with a sequence trailer (and a transactional one when {@code txn}). */
    static ProduceRequest sequenced(String topic, int partition, long pid, short epoch, int seq, boolean txn,
            String... values) {
        ProduceRequest plain = TestClient.produce(topic, partition, values);
        return new ProduceRequest(topic, partition, plain.messages(), CompressionCodec.NONE,
                txn ? new ProducerIdAndEpoch(pid, epoch) : null,
                seq < 0 ? null : new ProducerSequence(pid, epoch, seq));
    }

    /** A transactional Produce without sequence. */
    static ProduceRequest transactional(String topic, int partition, long pid, short epoch, String... values) {
        return sequenced(topic, partition, pid, epoch, -1, true, values);
    }

    /** The partition's end offset (GetOffset). */
    static long endOffset(TestClient c, String topic, int partition) throws IOException {
        return c.send(new GetOffsetRequest(topic, partition)).body(GetOffsetResponse.class).endOffset();
    }

    /** Every value of the partition from {@code offset} (read uncommitted). */
    static List<String> readAll(TestClient c, String topic, int partition) throws IOException {
        List<String> out = new ArrayList<>();
        c.send(new FetchRequest(topic, partition, 0, 1 << 20)).fetched().forEach(f -> out.add(f.valueString()));
        return out;
    }

    /**
     * A read-committed Fetch (flag 0x0040) sent as a raw frame on {@code c}, which must have no request
     * outstanding; returns the messages and the LSO.
     */
    static Committed fetchCommitted(TestClient c, String topic, int partition, long offset) throws IOException {
        assertThat(c.outstanding()).isZero();
        long id = nextId++;
        FetchRequest f = new FetchRequest(topic, partition, offset, 1 << 20, CompressionCodec.NONE, true);
        ByteBuf frame = RequestCodec.encode(ALLOC, id, RequestCodec.VERSION, 0, f);
        byte[] bytes = new byte[frame.readableBytes()];
        frame.readBytes(bytes);
        frame.release();
        c.writeRaw(bytes);
        byte[] content = c.readFrameContent();
        ByteBuf buf = Unpooled.wrappedBuffer(content);
        try {
            ResponseCodec.decodeHeader(buf);
            try (DecodedResponse r = ResponseCodec.decode(buf, ApiKey.FETCH, Frames.FLAG_READ_COMMITTED, ALLOC)) {
                if (r.isError()) {
                    throw new AssertionError("read-committed fetch failed: " + r.errorCode() + " "
                            + r.errorMessage());
                }
                FetchResponse body = (FetchResponse) r.body();
                List<String> values = new ArrayList<>();
                List<Long> offsets = new ArrayList<>();
                body.messages().forEach(m -> {
                    values.add(new String(m.valueBytes(), StandardCharsets.UTF_8));
                    offsets.add(m.offset());
                });
                return new Committed(values, offsets, body.highWaterMark(), body.lastStableOffset());
            }
        } finally {
            buf.release();
        }
    }
}
