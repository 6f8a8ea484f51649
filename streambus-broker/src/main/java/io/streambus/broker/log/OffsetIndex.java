package io.streambus.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Sparse in-memory index of one segment: (offset relative to the segment base, file position of a batch start),
 * both ascending. One writer (the appender or recovery) and any number of concurrent readers: the writer fills an
 * entry, then publishes it through the volatile count; arrays only grow and are published before the count.
 */
final class OffsetIndex {
    private volatile long[] entries = new long[16];
    private volatile int count;

    int count() {
        return count;
    }

    int relativeOffset(int i) {
        return (int) (entries[i] >>> 32);
    }

    int position(int i) {
        return (int) entries[i];
    }

    /** Appends an entry; offsets and positions must ascend. Single writer only. */
    void add(int relativeOffset, int position) {
        int n = count;
        long[] e = entries;
        if (n == e.length) {
            long[] bigger = new long[n * 2];
            System.arraycopy(e, 0, bigger, 0, n);
            entries = bigger;
            e = bigger;
        }
        e[n] = ((long) relativeOffset << 32) | (position & 0xFFFFFFFFL);
        count = n + 1;
    }

    /** Drops every entry at or after {@code i}. Single writer only. */
    void truncateTo(int n) {
        if (n < count) {
            count = n;
        }
    }

    /** Drops entries whose position is at or beyond {@code position}. */
    void truncateAtPosition(long position) {
        int n = count;
        while (n > 0 && position(n - 1) >= position) {
            n--;
        }
        truncateTo(n);
    }

    /** File position of the last indexed batch starting at or before {@code relativeOffset}, or 0. */
    int floorPosition(long relativeOffset) {
        int n = count;
        long[] e = entries;
        int lo = 0;
        int hi = n - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if ((e[mid] >>> 32) <= relativeOffset) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? 0 : (int) e[found];
    }

    /** Writes entry {@code i} at its place in {@code channel}. */
    void writeEntry(FileChannel channel, int i) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(BatchFormat.INDEX_ENTRY_SIZE);
        b.putInt(relativeOffset(i)).putInt(position(i)).flip();
        writeFully(channel, b, (long) i * BatchFormat.INDEX_ENTRY_SIZE);
    }

    /** Writes entry {@code i} at its place in {@code file}. */
    void writeEntry(SegmentFile file, int i) throws IOException {
        file.with(ch -> {
            writeEntry(ch, i);
            return null;
        });
    }

    /** Replaces the whole content of {@code channel} with this index. */
    void writeAll(FileChannel channel) throws IOException {
        int n = count;
        ByteBuffer b = ByteBuffer.allocate(n * BatchFormat.INDEX_ENTRY_SIZE);
        for (int i = 0; i < n; i++) {
            b.putInt(relativeOffset(i)).putInt(position(i));
        }
        b.flip();
        channel.truncate(0);
        writeFully(channel, b, 0);
    }

    /**
     * Loads an index file, checking its shape: whole entries, offsets and positions strictly ascending, positions
     * inside the log. Returns null when the file is unusable (the caller rebuilds it by scanning the log).
     */
    static OffsetIndex load(FileChannel channel, long logSize) throws IOException {
        long size = channel.size();
        if (size % BatchFormat.INDEX_ENTRY_SIZE != 0 || size > Integer.MAX_VALUE) {
            return null;
        }
        ByteBuffer b = ByteBuffer.allocate((int) size);
        while (b.hasRemaining()) {
            if (channel.read(b, b.position()) < 0) {
                return null;
            }
        }
        b.flip();
        OffsetIndex index = new OffsetIndex();
        long prevRel = -1;
        long prevPos = 0;
        while (b.hasRemaining()) {
            long rel = b.getInt() & 0xFFFFFFFFL;
            long pos = b.getInt() & 0xFFFFFFFFL;
            if (rel <= prevRel || pos <= prevPos || pos >= logSize || rel > Integer.MAX_VALUE) {
                return null;
            }
            index.add((int) rel, (int) pos);
            prevRel = rel;
            prevPos = pos;
        }
        return index;
    }

    static void writeFully(FileChannel channel, ByteBuffer b, long position) throws IOException {
        long p = position;
        while (b.hasRemaining()) {
            p += channel.write(b, p);
        }
    }
}
