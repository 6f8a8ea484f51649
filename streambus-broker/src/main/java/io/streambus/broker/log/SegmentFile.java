package io.streambus.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import io.streambus.broker.security.PrivateFiles;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * One file of a segment whose descriptor is opened on demand and may be closed by its {@link SegmentFilePool} while
 * no thread uses it. Every operation pins the file for its duration, so the pool never closes a descriptor under a
 * read, write or force. {@link #close()} closes it for good (segment deleted or log closed); later operations throw
 * {@link ClosedChannelException}, as a closed {@link FileChannel} would.
 *
 * <p>Thread-safe.
 */
final class SegmentFile {
    /** An operation on the open channel. */
    @FunctionalInterface
    interface ChannelOp<T> {
        T apply(FileChannel channel) throws IOException;
    }

    private final SegmentFilePool pool;
    private final Path path;
    private final OpenOption[] reopen;
    /** Open descriptor or null. Guarded by this. */
    private FileChannel channel;
    /** Threads using the descriptor now. Guarded by this. */
    private int pins;
    private volatile boolean closedForGood;

    SegmentFile(SegmentFilePool pool, Path path, FileChannel channel, OpenOption... reopen) {
        this.pool = pool;
        this.path = path;
        this.channel = channel;
        this.reopen = reopen.clone();
    }

    /** Runs {@code op} on the open descriptor, opening it first if the pool closed it. */
    <T> T with(ChannelOp<T> op) throws IOException {
        FileChannel ch = pin();
        try {
            return op.apply(ch);
        } finally {
            unpin();
        }
    }

    /** As {@link FileChannel#write(ByteBuffer, long)}. */
    int write(ByteBuffer src, long position) throws IOException {
        return with(ch -> ch.write(src, position));
    }

    /** As {@link FileChannel#truncate(long)}. */
    void truncate(long size) throws IOException {
        with(ch -> ch.truncate(size));
    }

    /** As {@link FileChannel#force(boolean)}; forces what was written through earlier descriptors too. */
    void force(boolean metadata) throws IOException {
        with(ch -> {
            ch.force(metadata);
            return null;
        });
    }

    /** As {@link FileChannel#size()}. */
    long size() throws IOException {
        return with(FileChannel::size);
    }

    /** Whether a descriptor is open now; for tests. */
    synchronized boolean isOpen() {
        return channel != null;
    }

    boolean isClosedForGood() {
        return closedForGood;
    }

    private FileChannel pin() throws IOException {
        FileChannel ch;
        boolean opened = false;
        synchronized (this) {
            if (closedForGood) {
                throw new ClosedChannelException();
            }
            if (channel == null) {
                channel = PrivateFiles.open(path, reopen);
                opened = true;
            }
            pins++;
            ch = channel;
        }
        if (opened) {
            pool.opened();
        }
        pool.used(this);
        return ch;
    }

    private synchronized void unpin() {
        pins--;
    }

    /** Closes the descriptor if no thread uses it; true when none is open afterwards. Pool only. */
    synchronized boolean closeIfIdle() {
        if (pins > 0) {
            return false;
        }
        if (channel != null) {
            SegmentFilePool.closeQuietly(channel);
            channel = null;
        }
        return true;
    }

    /** Closes the file for good. A thread still using it sees the close as a closed channel. */
    void close() throws IOException {
        FileChannel ch;
        synchronized (this) {
            closedForGood = true;
            ch = channel;
            channel = null;
        }
        pool.forget(this);
        if (ch != null) {
            ch.close();
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
