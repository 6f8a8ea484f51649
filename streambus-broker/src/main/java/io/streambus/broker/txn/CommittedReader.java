package io.streambus.broker.txn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.streambus.broker.log.PartitionLog;
import io.streambus.broker.log.ReadResult;

/**
 * Read-committed Fetch (B.7.7): the messages below the last stable offset that do not belong to aborted
 * transactions. Reads the log as an ordinary Fetch does and copies the kept messages; when a read finds only
 * aborted messages it continues after them, so a reply is empty only when nothing committed lies between the
 * offset and the LSO. Stateless and thread-safe.
 */
final class CommittedReader {
    private CommittedReader() {
    }

    /** The reply's messages and the LSO sent with them. */
    record Result(ReadResult read, long lastStableOffset) {
    }

    static Result read(PartitionLog log, PartitionProducerState state, long offset, int maxBytes, int maxBlock,
            ByteBufAllocator alloc) {
        if (state == null) {
            ReadResult rr = log.read(offset, maxBytes, maxBlock);
            return new Result(rr, rr.highWaterMark());
        }
        long lso = state.lastStableOffset(log);
        long off = offset < log.startOffset() ? offset : state.skipAborted(offset);
        long hwm = log.highWaterMark();
        while (off < lso) {
            ReadResult rr = log.read(off, maxBytes, maxBlock);
            hwm = rr.highWaterMark();
            if (rr.count() == 0) {
                return new Result(rr, lso);
            }
            ByteBuf out = null;
            int kept = 0;
            long first = -1;
            long last = -1;
            try {
                ByteBuf in = rr.messages();
                int p = in.readerIndex();
                for (int i = 0; i < rr.count(); i++) {
                    int len = messageLength(in, p);
                    long o = in.getLong(p);
                    if (o >= lso) {
                        break;
                    }
                    if (!state.isAborted(o)) {
                        if (out == null) {
                            out = alloc.directBuffer(in.readableBytes());
                        }
                        out.writeBytes(in, p, len);
                        if (first < 0) {
                            first = o;
                        }
                        last = o;
                        kept++;
                    }
                    p += len;
                }
                if (kept > 0) {
                    ByteBuf result = out;
                    out = null;
                    return new Result(new ReadResult(result, kept, first, last, hwm), lso);
                }
                off = state.skipAborted(rr.lastOffset() + 1);
            } finally {
                rr.close();
                if (out != null) {
                    out.release();
                }
            }
        }
        return new Result(ReadResult.empty(hwm), lso);
    }

    /** Size of the A.5 message at {@code p}: offset, timestamp, key, value, headers. */
    private static int messageLength(ByteBuf b, int start) {
        int p = start + 16;
        p += 4 + b.getInt(p);
        p += 4 + b.getInt(p);
        int headers = b.getInt(p);
        p += 4;
        for (int i = 0; i < headers; i++) {
            p += 4 + b.getInt(p);
            p += 4 + b.getInt(p);
        }
        return p - start;
    }
}
