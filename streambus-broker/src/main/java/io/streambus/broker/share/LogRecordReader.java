package io.streambus.broker.share;

import io.netty.buffer.ByteBufAllocator;
import io.streambus.broker.log.PartitionLog;
import io.streambus.broker.log.ReadResult;
import io.streambus.protocol.Frames;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.protocol.message.MessageCursor;

/**
 * Reads a partition's records by ascending offset for acquisition: {@link #seek} positions a cursor on the record
 * at an offset, reading the log in chunks so that consecutive offsets cost one read per chunk. Holds at most one
 * chunk; {@link #close()} releases it. Not thread-safe.
 */
final class LogRecordReader implements AutoCloseable {
    /** Key and value bytes per chunk read (soft, A.6.2). */
    private static final int CHUNK_BYTES = 1 << 20;

    private final PartitionLog log;
    private final ByteBufAllocator alloc;
    private MessageBlock block;
    private MessageCursor cursor;
    private boolean positioned;

    LogRecordReader(PartitionLog log, ByteBufAllocator alloc) {
        this.log = log;
        this.alloc = alloc;
    }

    /**
     * Positions on the first record at or above {@code offset} (below the high-water mark) and returns it, or null
     * when there is none. The cursor stays valid until the next call.
     */
    MessageCursor seek(long offset) {
        if (positioned && cursor.offset() == offset) {
            return cursor;
        }
        if (positioned && cursor.offset() < offset) {
            while (cursor.next()) {
                if (cursor.offset() >= offset) {
                    return cursor;
                }
            }
        }
        release();
        ReadResult rr = log.read(offset, CHUNK_BYTES, Frames.MAX_FRAME_SIZE);
        if (rr.count() == 0) {
            rr.close();
            return null;
        }
        try {
            block = MessageBlock.of(alloc, rr.count(), rr.messages());
        } catch (RuntimeException e) {
            rr.close();
            throw e;
        }
        cursor = block.cursor();
        while (cursor.next()) {
            if (cursor.offset() >= offset) {
                positioned = true;
                return cursor;
            }
        }
        release();
        return null;
    }

    private void release() {
        positioned = false;
        cursor = null;
        if (block != null) {
            block.release();
            block = null;
        }
    }

    @Override
    public void close() {
        release();
    }
}
