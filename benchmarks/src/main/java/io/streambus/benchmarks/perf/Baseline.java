package io.streambus.benchmarks.perf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.streambus.client.ClientConfig;
import io.streambus.protocol.Frames;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.protocol.message.MessageBlockWriter;
import io.streambus.protocol.core.ProduceRequest;
import io.streambus.protocol.RequestCodec;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the broker and the codec do without the client: Produce frames encoded once and written on a plain blocking
 * socket. {@code baseline-produce} pipelines batches 5 deep (the client's default window); {@code baseline-sync}
 * sends one record per Produce and waits for each reply. The ratios client/baseline show what the client costs.
 */
public final class Baseline {
    /** Connect and read timeout, and the longest wait for a pipelining slot or the reader thread. */
    private static final int IO_TIMEOUT_MS = 30_000;

    private Baseline() {
    }

    public static String run(PerfOptions o, boolean sync) throws Exception {
        Map.Entry<String, Integer> hp = ClientConfig.parseHostPort(o.brokers.split(",")[0]);
        ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
        byte[] value = new byte[o.size];
        int perBatch = sync ? 1 : Math.max(1, (o.batchSize == null ? 16384 : o.batchSize)
                / MessageBlock.messageSize(0, o.size, 0));
        byte[] frame;
        try (MessageBlockWriter w = new MessageBlockWriter(alloc, 1024)) {
            for (int i = 0; i < perBatch; i++) {
                w.append(0, System.currentTimeMillis() * 1_000_000L, (byte[]) null, value, List.of());
            }
            MessageBlock block = w.finish();
            ProduceRequest req = new ProduceRequest(o.topic, 0, block);
            ByteBuf f = RequestCodec.encode(alloc, 1, Frames.FLAG_REQUIRE_ACK, req);
            frame = new byte[f.readableBytes()];
            f.readBytes(frame);
            f.release();
            req.release();
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(hp.getKey(), hp.getValue()), IO_TIMEOUT_MS);
            // A broker that stops answering must end the run with an error, not hang it.
            s.setSoTimeout(IO_TIMEOUT_MS);
            s.setTcpNoDelay(true);
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
            DataInputStream in = new DataInputStream(s.getInputStream());
            long warmRequests = Math.max(1, o.warmup / perBatch);
            long requests = Math.max(1, o.messages / perBatch);
            String label = sync ? "baseline-sync " + o.size + "B" : "baseline-produce " + o.size + "B x" + perBatch;
            exchange(out, in, frame, warmRequests, sync, null, perBatch);
            try (Stats stats = new Stats(label, o.size)) {
                stats.start();
                exchange(out, in, frame, requests, sync, stats, perBatch);
                stats.stop();
                return stats.summary();
            }
        }
    }

    private static void exchange(OutputStream out, DataInputStream in, byte[] frame, long requests, boolean sync,
                                 Stats stats, int perBatch) throws Exception {
        if (sync) {
            for (long i = 0; i < requests; i++) {
                long t0 = System.nanoTime();
                out.write(frame);
                out.flush();
                readResponse(in);
                if (stats != null) {
                    stats.record(System.nanoTime() - t0);
                }
            }
            return;
        }
        Semaphore window = new Semaphore(5);
        BlockingQueue<Long> sent = new ArrayBlockingQueue<>(16);
        AtomicReference<Exception> readerError = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                for (long i = 0; i < requests; i++) {
                    readResponse(in);
                    Long t0 = sent.poll(IO_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                    if (t0 == null) {
                        throw new IOException("response without a matching send");
                    }
                    if (stats != null) {
                        long lat = System.nanoTime() - t0;
                        stats.add(perBatch);
                        stats.latencyOnly(lat);
                    }
                    window.release();
                }
            } catch (IOException | InterruptedException e) {
                readerError.set(e);
            }
        }, "baseline-reader");
        reader.setDaemon(true);
        reader.start();
        for (long i = 0; i < requests; i++) {
            if (!window.tryAcquire(IO_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                throw new IOException("no response within " + IO_TIMEOUT_MS + " ms", readerError.get());
            }
            if (readerError.get() != null) {
                throw new IOException("reading responses failed", readerError.get());
            }
            sent.put(System.nanoTime());
            out.write(frame);
            out.flush();
        }
        reader.join(IO_TIMEOUT_MS);
        if (reader.isAlive() || readerError.get() != null) {
            throw new IOException("not every response arrived within " + IO_TIMEOUT_MS + " ms", readerError.get());
        }
    }

    private static void readResponse(DataInputStream in) throws IOException {
        int len = in.readInt();
        byte[] b = new byte[len];
        in.readFully(b);
        if (b[8] != 0) {
            throw new IOException("broker answered with error code " + (((b[9] & 0xFF) << 8) | (b[10] & 0xFF)));
        }
    }
}
