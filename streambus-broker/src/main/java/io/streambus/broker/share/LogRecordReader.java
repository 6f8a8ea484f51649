package io.streambus.broker.share;

import io.streambus.broker.log.PartitionLog;
import io.streambus.protocol.Frames;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.protocol.message.MessageCursor;

/**
 * Reads a partition's records by ascending offset for acquisition: {@link #seek} positions a cursor on the record
 * at an offset, reading the log in chunks so that consecutive offsets cost one read per chunk. The first chunk is
 * small and each further one twice as large (up to {@value #MAX_CHUNK_BYTES} key and value bytes): a ShareFetch
 * usually takes a few hundred records, and reading (and scanning) a whole large chunk for them cost more than the
 * acquisition itself. Holds at most one chunk; {@link #close()} releases it. Not thread-safe.
 */
final class LogRecordReader implements AutoCloseable {
    /** Most key and value bytes per chunk read (soft, A.6.2). */
    static final int MAX_CHUNK_BYTES = 1 << 20;
    /** Fewest key and value bytes of the first chunk. */
    static final int MIN_CHUNK_BYTES = 4 << 10;

    private final PartitionLog log;
    private int chunkBytes;
    private MessageBlock block;
    private MessageCursor cursor;
    private boolean positioned;

    /**
     * @param firstChunkBytes key and value bytes of the first read, clamped to [{@value #MIN_CHUNK_BYTES},
     *                        {@value #MAX_CHUNK_BYTES}]; each further read doubles it
     */
    LogRecordReader(PartitionLog log, long firstChunkBytes) {
        this.log = log;
        this.chunkBytes = (int) Math.max(MIN_CHUNK_BYTES, Math.min(MAX_CHUNK_BYTES, firstChunkBytes));
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
        // One contiguous buffer, checked by the read itself: no composite and no second validation pass.
        block = log.readBlock(offset, chunkBytes, Frames.MAX_FRAME_SIZE);
        chunkBytes = Math.min(MAX_CHUNK_BYTES, chunkBytes * 2);
        if (block == null) {
            return null;
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
