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
 * appender after the bytes are written, so a reader never sees a partial batch.
 */
final class Segment {
    final long baseOffset;
    final Path logFile;
    final Path indexFile;
    final FileChannel log;
    volatile OffsetIndex index;
    /** Open only while this is the active segment; used by the appender only. */
    FileChannel indexChannel;
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

    private Segment(long baseOffset, Path logFile, Path indexFile, FileChannel log, OffsetIndex index) {
        this.baseOffset = baseOffset;
        this.logFile = logFile;
        this.indexFile = indexFile;
        this.log = log;
        this.index = index;
        this.endOffset = baseOffset;
    }

    /** Creates an empty segment (replacing empty leftovers of an earlier failed roll). */
    static Segment create(Path dir, long baseOffset) throws IOException {
        Path logFile = dir.resolve(BatchFormat.fileName(baseOffset, BatchFormat.LOG_SUFFIX));
        Path indexFile = dir.resolve(BatchFormat.fileName(baseOffset, BatchFormat.INDEX_SUFFIX));
        FileChannel log = PrivateFiles.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        Segment s = new Segment(baseOffset, logFile, indexFile, log, new OffsetIndex());
        try {
            s.indexChannel = PrivateFiles.open(indexFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            s.closeQuietly();
            throw e;
        }
        return s;
    }

    /** Opens an existing log file; the index is attached by recovery. */
    static Segment open(Path logFile, long baseOffset) throws IOException {
        Path indexFile = logFile.resolveSibling(BatchFormat.fileName(baseOffset, BatchFormat.INDEX_SUFFIX));
        FileChannel log = FileChannel.open(logFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new Segment(baseOffset, logFile, indexFile, log, new OffsetIndex());
    }

    /** Rewrites the index file from memory and keeps it open for appends when {@code active}. */
    void writeIndexFile(boolean active, boolean force) throws IOException {
        FileChannel ch = indexChannel != null ? indexChannel
                : PrivateFiles.open(indexFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
        try {
            index.writeAll(ch);
            if (force) {
                ch.force(true);
            }
        } finally {
            if (!active) {
                ch.close();
                indexChannel = null;
            } else {
                indexChannel = ch;
            }
        }
    }

    /** Opens the index file for appending entries after the ones in memory. */
    void openIndexForAppend() throws IOException {
        if (indexChannel == null) {
            indexChannel = PrivateFiles.open(indexFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
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
