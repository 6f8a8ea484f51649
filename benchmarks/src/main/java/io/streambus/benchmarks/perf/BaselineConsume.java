package io.streambus.benchmarks.perf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.streambus.client.ClientConfig;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.DecodedResponse;
import io.streambus.protocol.Frames;
import io.streambus.protocol.RequestCodec;
import io.streambus.protocol.ResponseCodec;
import io.streambus.protocol.core.FetchRequest;
import io.streambus.protocol.core.FetchResponse;
import io.streambus.protocol.message.MessageCursor;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;

/**
 * {@code baseline-consume}: what reading costs without the client. Plain Fetch requests (1 MiB each) on a blocking
 * socket, round-robin over the partitions, one in flight; each reply is decoded with the wire codec and every
 * value copied to a {@code byte[]} (what a {@code byte[]} deserializer hands the application). Latency is per
 * Fetch. Not thread-safe; one run per call.
 */
public final class BaselineConsume {
    private static final int IO_TIMEOUT_MS = 30_000;
    private static final long FETCH_BYTES = 1 << 20;

    private BaselineConsume() {
    }

    /** Reads {@code o.warmup} then {@code o.messages} records (measured) and returns the summary line. */
    public static String run(PerfOptions o, int partitions) throws Exception {
        Map.Entry<String, Integer> hp = ClientConfig.parseHostPort(o.brokers.split(",")[0]);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(hp.getKey(), hp.getValue()), IO_TIMEOUT_MS);
            s.setSoTimeout(IO_TIMEOUT_MS);
            s.setTcpNoDelay(true);
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
            DataInputStream in = new DataInputStream(s.getInputStream());
            long[] next = new long[partitions];
            read(out, in, o, next, o.warmup, null);
            try (Stats stats = new Stats("baseline-consume " + o.size + "B x" + partitions + "p", o.size)) {
                stats.start();
                read(out, in, o, next, o.messages, stats);
                stats.stop();
                return stats.summary();
            }
        }
    }

    private static void read(OutputStream out, DataInputStream in, PerfOptions o, long[] next, long n, Stats stats)
            throws IOException {
        long read = 0;
        long id = 1;
        int p = 0;
        long idleSince = System.nanoTime();
        while (read < n) {
            long t0 = System.nanoTime();
            ByteBuf req = RequestCodec.encode(PooledByteBufAllocator.DEFAULT, id++, 0,
                    new FetchRequest(o.topic, p, next[p], FETCH_BYTES));
            try {
                req.readBytes(out, req.readableBytes());
            } finally {
                req.release();
            }
            out.flush();
            int len = in.readInt();
            byte[] b = new byte[len];
            in.readFully(b);
            int got = 0;
            ByteBuf frame = Unpooled.wrappedBuffer(b, 0, len - Frames.CRC_SIZE);
            try (DecodedResponse r = ResponseCodec.decode(frame, ApiKey.FETCH, 0)) {
                if (r.isError()) {
                    throw new IOException("fetch failed: " + r.errorCode() + " " + r.errorMessage());
                }
                FetchResponse f = r.body(FetchResponse.class);
                MessageCursor c = f.messages().cursor();
                while (c.next() && read + got < n) {
                    byte[] value = c.valueBytes();
                    if (value.length != o.size) {
                        throw new IOException("value of " + value.length + " B, expected " + o.size);
                    }
                    next[p] = c.offset() + 1;
                    got++;
                }
            }
            if (got > 0) {
                read += got;
                idleSince = System.nanoTime();
                if (stats != null) {
                    stats.latencyOnly(System.nanoTime() - t0);
                    stats.add(got);
                }
            } else if (System.nanoTime() - idleSince > 10_000_000_000L) {
                throw new IOException("no records for 10 s after " + read + " of " + n + " (is the topic filled?)");
            }
            p = (p + 1) % next.length;
        }
    }
}
