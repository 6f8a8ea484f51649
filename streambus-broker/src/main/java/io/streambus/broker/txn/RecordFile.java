package io.streambus.broker.txn;

import io.streambus.broker.log.FlushPolicy;
import io.streambus.broker.log.Fsyncs;
import io.streambus.broker.log.GroupCommit;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only file of CRC-framed records ({@code [i32 body length][i32 CRC32C of body][body]}) with group
 * commit ({@link GroupCommit}): {@link #sync(long)} forces the file only if the position asked for is not on disk
 * yet, and concurrent callers share one {@code force}. Appends follow the broker's {@link FlushPolicy}: with
 * {@link FlushPolicy.Kind#EVERY_WRITE} {@link #appendDurable} forces before it returns; with the other policies only
 * the writes that a reply must wait for are forced ({@link #appendDurable} with {@code mustSync}), the rest is
 * forced by {@link #flushIfDirty()} (the broker's interval task) or at close.
 *
 * <p>At open, records are read until the first torn or corrupt one, and the file is cut there (a crash while
 * appending). Thread-safe.
 */
final class RecordFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RecordFile.class);
    /** Largest record body accepted (a corrupt length beyond it ends recovery). */
    static final int MAX_RECORD = 16 << 20;

    private final Path file;
    private final FlushPolicy policy;
    private final ReentrantLock writeLock = new ReentrantLock();
    private GroupCommit commits;
    private volatile FileChannel channel;
    private volatile long size;
    /** Whether {@link #open} created the file. */
    private boolean created;

    private RecordFile(Path file, FlushPolicy policy) {
        this.file = file;
        this.policy = policy;
    }

    /**
     * Opens (creating) {@code file}, passing every intact record body to {@code replay} in order and cutting off a
     * torn tail.
     */
    static RecordFile open(Path file, FlushPolicy policy, Consumer<ByteBuffer> replay) throws IOException {
        // The deepest directory that exists already: the entries below it are new and get forced with the file's.
        Path existing = file.getParent();
        while (existing != null && !Files.isDirectory(existing)) {
            existing = existing.getParent();
        }
        boolean create = !Files.exists(file);
        // private like every file of the data directory (PrivateFiles)
        io.streambus.broker.security.PrivateFiles.createDirectories(file.getParent());
        RecordFile f = new RecordFile(file, policy);
        f.channel = io.streambus.broker.security.PrivateFiles.open(file, StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (create) {
            // A created file is on disk (its directory entries forced) before anything that relies on its existence:
            // a producer journal's absence tells the rebuild that the log holds no batch it must look for.
            f.created = true;
            for (Path d = file.getParent(); d != null; d = d.getParent()) {
                forceDirectory(d);
                if (d.equals(existing)) {
                    break;
                }
            }
        }
        long len = f.channel.size();
        long pos = 0;
        ByteBuffer head = ByteBuffer.allocate(8);
        CRC32C crc = new CRC32C();
        while (pos + 8 <= len) {
            head.clear();
            readFully(f.channel, head, pos);
            int n = head.getInt(0);
            int sum = head.getInt(4);
            // No record is empty (each starts with its type): a zero length is a region of zeros that a power loss
            // left where records were to be (its CRC would match), and records after it are not trusted either.
            if (n <= 0 || n > MAX_RECORD || pos + 8 + n > len) {
                break;
            }
            ByteBuffer body = ByteBuffer.allocate(n);
            readFully(f.channel, body, pos + 8);
            crc.reset();
            crc.update(body.array(), 0, n);
            if ((int) crc.getValue() != sum) {
                break;
            }
            body.flip();
            replay.accept(body.asReadOnlyBuffer());
            pos += 8 + n;
        }
        if (pos < len) {
            LOG.warn("{}: cutting a torn or corrupt tail of {} bytes at {}", file, len - pos, pos);
            f.channel.truncate(pos);
            f.channel.force(true);
        }
        f.size = pos;
        f.commits = new GroupCommit(() -> f.size, () -> Fsyncs.force(f.channel, false), pos);
        return f;
    }

    /** Whether {@link #open} created the file (it did not exist). */
    boolean created() {
        return created;
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            LOG.debug("directory fsync not supported: {}", e.toString());
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        long p = pos;
        while (b.hasRemaining()) {
            int r = ch.read(b, p);
            if (r < 0) {
                throw new IOException("unexpected end of file");
            }
            p += r;
        }
    }

    /** Appends one record; returns the file position after it (pass it to {@link #sync}). */
    long append(byte[] body) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(8 + body.length);
        CRC32C crc = new CRC32C();
        crc.update(body);
        buf.putInt(body.length).putInt((int) crc.getValue()).put(body).flip();
        writeLock.lock();
        try {
            long pos = size;
            try {
                while (buf.hasRemaining()) {
                    pos += channel.write(buf, pos);
                }
            } catch (IOException e) {
                channel.truncate(size); // leave no torn record behind a later good one
                throw e;
            }
            size = pos;
            return pos;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Appends a record and, when the policy is every-write or {@code mustSync} is set, waits until it is on disk
     * (group commit).
     */
    void appendDurable(byte[] body, boolean mustSync) throws IOException {
        long pos = append(body);
        if (mustSync || policy.kind() == FlushPolicy.Kind.EVERY_WRITE) {
            sync(pos);
        }
    }

    /** Waits for {@code position} to be on disk when the policy is every-write (otherwise returns at once). */
    void syncIfPolicy(long position) throws IOException {
        if (policy.kind() == FlushPolicy.Kind.EVERY_WRITE) {
            sync(position);
        }
    }

    /** Forces the file unless everything up to {@code position} is on disk already; concurrent callers share. */
    void sync(long position) throws IOException {
        commits.sync(position);
    }

    /**
     * Forces everything appended so far unless it is on disk already (the barrier before a partition log's force);
     * a closed file was forced when it closed, so there is nothing left to do.
     */
    void syncAll() throws IOException {
        if (!channel.isOpen()) {
            return;
        }
        try {
            sync(size);
        } catch (IOException e) {
            if (channel.isOpen()) {
                throw e;
            }
        }
    }

    /** Forces whatever was appended since the last force (the interval flush task). */
    void flushIfDirty() throws IOException {
        sync(size);
    }

    /** Number of {@code force} calls so far (tests check the batching with it). */
    long forceCount() {
        return commits.forces();
    }

    /** Bytes in the file. */
    long size() {
        return size;
    }

    /**
     * Replaces the content with {@code records} (a snapshot of the live state): written to a new file, forced and
     * renamed over this one.
     */
    void rewrite(List<byte[]> records) throws IOException {
        writeLock.lock();
        try {
            commits.rewrite(() -> replace(records), () -> size);
        } finally {
            writeLock.unlock();
        }
    }

    /** Writes {@code records} to a new file and renames it over this one; caller holds both locks. */
    private void replace(List<byte[]> records) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        long pos = 0;
        try (FileChannel out = io.streambus.broker.security.PrivateFiles.open(tmp, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            CRC32C crc = new CRC32C();
            for (byte[] body : records) {
                crc.reset();
                crc.update(body);
                ByteBuffer buf = ByteBuffer.allocate(8 + body.length);
                buf.putInt(body.length).putInt((int) crc.getValue()).put(body).flip();
                while (buf.hasRemaining()) {
                    pos += out.write(buf, pos);
                }
            }
            out.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(file.getParent());
        channel.close();
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        size = pos;
    }

    /** Forces and closes the file. */
    @Override
    public void close() throws IOException {
        writeLock.lock();
        try {
            if (channel.isOpen()) {
                channel.force(true);
                channel.close();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Closes and deletes the file (its partition was deleted). */
    void delete() throws IOException {
        writeLock.lock();
        try {
            channel.close();
            Files.deleteIfExists(file);
        } finally {
            writeLock.unlock();
        }
    }

}
