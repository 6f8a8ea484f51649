package io.streambus.broker.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * The bounded set of open segment files ({@code .log} and {@code .index}) of one {@link LogManager}: files are
 * opened when first used and, once more than {@link #limit()} are open, the least recently used ones that no thread
 * is using are closed (issue 16: a topic of many partitions no longer holds two descriptors per partition). A file
 * in use is never closed by the pool, so the limit may be exceeded briefly by the files in use at that moment.
 *
 * <p>Closing a file loses nothing: its writes are in the page cache, and a later force through a reopened
 * descriptor forces them too (fsync works on the file, not on the descriptor).
 *
 * <p>Thread-safe. Lock order: the pool's monitor may be taken before a {@link SegmentFile}'s, never the reverse.
 */
final class SegmentFilePool {
    /** Smallest accepted limit: the log and index file of one segment being appended while another is read. */
    static final int MIN_LIMIT = 4;

    private final int limit;
    /** Files open now, least recently used first. Guarded by this. */
    private final LinkedHashMap<SegmentFile, Boolean> open = new LinkedHashMap<>(64, 0.75f, true);
    private long opens;
    private long evictions;

    /** A pool keeping at most {@code limit} (at least {@link #MIN_LIMIT}) files open when none is in use. */
    SegmentFilePool(int limit) {
        if (limit < MIN_LIMIT) {
            throw new IllegalArgumentException("open segment file limit must be at least " + MIN_LIMIT + ", was "
                    + limit);
        }
        this.limit = limit;
    }

    /** The limit. */
    int limit() {
        return limit;
    }

    /**
     * A file at {@code path}, not opened yet; {@code reopen} are the options of each (re)open (READ and WRITE, plus
     * CREATE for a file that may not exist yet).
     */
    SegmentFile file(Path path, OpenOption... reopen) {
        return new SegmentFile(this, path, null, reopen);
    }

    /** A file whose {@code channel} the caller just opened (creating the file); the pool now manages it. */
    SegmentFile adopt(Path path, FileChannel channel, OpenOption... reopen) {
        SegmentFile f = new SegmentFile(this, path, channel, reopen);
        synchronized (this) {
            opens++;
        }
        used(f);
        return f;
    }

    /** Files open now; for tests and metrics. */
    synchronized int openCount() {
        return open.size();
    }

    /** Files opened since the pool was created (reopens included); for tests. */
    synchronized long opens() {
        return opens;
    }

    /** Files the pool closed to stay within its limit; for tests. */
    synchronized long evictions() {
        return evictions;
    }

    /** Records an open of {@code f} (by {@link SegmentFile}, outside its monitor). */
    synchronized void opened() {
        opens++;
    }

    /**
     * Marks {@code f} (open, and in use by the caller) as the most recently used file, closing idle files beyond the
     * limit. Called without {@code f}'s monitor.
     */
    void used(SegmentFile f) {
        synchronized (this) {
            if (f.isClosedForGood()) {
                return; // dropped meanwhile; forget() already ran or will
            }
            open.put(f, Boolean.TRUE);
            if (open.size() <= limit) {
                return;
            }
            Iterator<SegmentFile> it = open.keySet().iterator();
            while (open.size() > limit && it.hasNext()) {
                SegmentFile eldest = it.next();
                if (eldest != f && eldest.closeIfIdle()) {
                    it.remove();
                    evictions++;
                }
            }
        }
    }

    /** Forgets {@code f}, which was closed for good. */
    synchronized void forget(SegmentFile f) {
        open.remove(f);
    }

    /** Closes {@code channel} opened by {@link SegmentFile}; one place so that a failure is handled alike. */
    static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing a file nobody uses; the data is in the page cache already.
        }
    }
}
