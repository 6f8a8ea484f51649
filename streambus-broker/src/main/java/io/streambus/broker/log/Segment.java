package io.streambus.broker.log;

import io.streambus.broker.security.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One segment: a {@code .log} file of batches and its sparse index (kept in memory; written through to the
 * {@code .index} file while the segment is active). {@code size} and {@code endOffset} are published by the
 * appender after the bytes are written, so a reader never sees a partial batch. Both files are
 * {@link SegmentFile}s of the log's {@link SegmentFilePool}: their descriptors are opened on use and closed by the
 * pool when too many are open.
 */
final class Segment {
    final long baseOffset;
    final Path logFile;
    final Path indexFile;
    final SegmentFile log;
    volatile OffsetIndex index;
    /** Set only while this is the active segment; used by the appender only. */
    SegmentFile indexChannel;
    private final SegmentFilePool pool;
    /** Bytes of complete batches. */
    volatile long size;
    /** Offset after the last message of this segment. */
    volatile long endOffset;
    /** Append time of the first batch, epoch ms; -1 when the segment is empty. Used to roll by time. */
    volatile long firstAppendTimeMs = -1;
    /** Append time of the newest batch, epoch ms; -1 when the segment is empty. */
    volatile long lastAppendTimeMs = -1;
    /** Position of the batch the last index entry points to (0 when none); appender and recovery only. */
    long lastIndexedPosition;

    private Segment(SegmentFilePool pool, long baseOffset, Path logFile, Path indexFile, SegmentFile log,
                    OffsetIndex index) {
        this.pool = pool;
        this.baseOffset = baseOffset;
        this.logFile = logFile;
        this.indexFile = indexFile;
        this.log = log;
        this.index = index;
        this.endOffset = baseOffset;
    }

    /** Creates an empty segment (replacing empty leftovers of an earlier failed roll) with files from {@code pool}. */
    static Segment create(Path dir, long baseOffset, SegmentFilePool pool) throws IOException {
        Path logFile = dir.resolve(BatchFormat.fileName(baseOffset, BatchFormat.LOG_SUFFIX));
        Path indexFile = dir.resolve(BatchFormat.fileName(baseOffset, BatchFormat.INDEX_SUFFIX));
        FileChannel log = PrivateFiles.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        Segment s = new Segment(pool, baseOffset, logFile, indexFile,
                pool.adopt(logFile, log, StandardOpenOption.READ, StandardOpenOption.WRITE), new OffsetIndex());
        try {
            FileChannel index = PrivateFiles.open(indexFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            s.indexChannel = pool.adopt(indexFile, index, INDEX_OPTIONS);
        } catch (IOException e) {
            s.closeQuietly();
            throw e;
        }
        return s;
    }

    /** Opens an existing log file (its descriptor on first use); the index is attached by recovery. */
    static Segment open(Path logFile, long baseOffset, SegmentFilePool pool) {
        Path indexFile = logFile.resolveSibling(BatchFormat.fileName(baseOffset, BatchFormat.INDEX_SUFFIX));
        SegmentFile log = pool.file(logFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new Segment(pool, baseOffset, logFile, indexFile, log, new OffsetIndex());
    }

    private static final StandardOpenOption[] INDEX_OPTIONS = {
        StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE};

    /** Rewrites the index file from memory and keeps it for appends when {@code active}. */
    void writeIndexFile(boolean active, boolean force) throws IOException {
        SegmentFile ch = indexChannel != null ? indexChannel : pool.file(indexFile, INDEX_OPTIONS);
        try {
            ch.with(c -> {
                index.writeAll(c);
                if (force) {
                    c.force(true);
                }
                return null;
            });
        } finally {
            if (!active) {
                ch.close();
                indexChannel = null;
            } else {
                indexChannel = ch;
            }
        }
    }

    /** Prepares the index file for appending entries after the ones in memory (opened on the first entry). */
    void openIndexForAppend() {
        if (indexChannel == null) {
            indexChannel = pool.file(indexFile, INDEX_OPTIONS);
        }
    }

    /** Sets {@link #firstAppendTimeMs} from the header of the first batch (recovery; {@code size} must be set). */
    void loadFirstAppendTime() throws IOException {
        if (size < BatchFormat.HEADER_SIZE) {
            firstAppendTimeMs = -1;
            return;
        }
        ByteBuffer b = ByteBuffer.allocate(8);
        IoUtil.readFully(log, b, BatchFormat.TIME_OFFSET);
        firstAppendTimeMs = b.getLong(0);
    }

    /** Forces log and index and closes the index file: the segment takes no more appends. */
    void seal() throws IOException {
        log.force(true);
        if (indexChannel != null) {
            indexChannel.force(true);
            indexChannel.close();
            indexChannel = null;
        }
    }

    void closeQuietly() {
        try {
            log.close();
        } catch (IOException ignored) {
            // Closing a file we no longer use; nothing to recover.
        }
        if (indexChannel != null) {
            try {
                indexChannel.close();
            } catch (IOException ignored) {
                // As above.
            }
            indexChannel = null;
        }
    }

    void deleteFiles() throws IOException {
        Files.deleteIfExists(logFile);
        Files.deleteIfExists(indexFile);
    }

    @Override
    public String toString() {
        return logFile.toString();
    }
}
