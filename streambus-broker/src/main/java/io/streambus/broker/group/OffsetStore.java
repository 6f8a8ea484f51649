package io.streambus.broker.group;

import io.streambus.broker.log.FlushPolicy;
import io.streambus.broker.log.Fsyncs;
import io.streambus.broker.security.PrivateFiles;
import io.streambus.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * Durable store of committed offsets (spec B.6.8) and of the little group state that must outlive a restart
 * ({@link StoredGroup}): an append-only log file {@code <dataDir>/__offsets/offsets.log}.
 *
 * <p><b>Format.</b> An 8-byte magic {@code "SBOFFS\0\1"}, then records {@code [i32 body length][i32 CRC32C of
 * body][body]}; the body starts with a type byte: commit (a group's offsets of one request, applied atomically),
 * partition tombstones (expiry), group tombstone (deletion or expiry), topic tombstone (topic deletion), group
 * state, group membership (an opaque record kept for {@link DurableMembership}, empty when cleared). Replaying the
 * records in order gives the current state. Membership lives in this log, as Kafka keeps group metadata in its
 * offsets topic, so that it follows the same flush policy and ordering: an offset commit acknowledged after a
 * membership change implies that the change is in the file too.
 *
 * <p><b>Durability.</b> A single writer thread takes every queued write, appends the batch, syncs it as the broker's
 * {@link FlushPolicy} says, and only then applies it to the in-memory view and completes the futures: an offset
 * whose future completed normally survives a kill -9 (it is in the file); with {@code every-write} (one force per
 * batch, shared by every commit queued at that moment) it also survives a power cut. With {@code os} nothing is
 * forced on the request path, as for the messages themselves (forcing offsets but not the messages they point
 * at would buy nothing); with an interval the writer forces at most once per interval, and when idle.
 * If a write fails the file is truncated back to the end of the last good batch and the batch's futures fail; if
 * even that fails, the store refuses every later write.
 *
 * <p><b>Recovery.</b> At open, records are replayed until the first one that is incomplete or fails its CRC; the
 * file is truncated there (a torn tail after a crash) with a WARN line. A record with a valid CRC but an unknown
 * type stops the start instead, so that no data written by a newer version is thrown away.
 *
 * <p><b>Compaction.</b> The live state is rewritten to a new file, forced, and atomically renamed over the log: at
 * open when the log holds superseded records, and while running when the file exceeds the threshold and twice its
 * size after the last compaction.
 *
 * <p><b>Back-pressure.</b> The queue is bounded ({@link Limits}): writes admitted and not yet completed (queued or
 * being written) count against a number of writes and an estimate of their bytes. A client's {@link #commit} is
 * refused once the queue is at either limit: its future fails at once with an {@link OffsetStoreOverloadedException}
 * and nothing is queued, so that the caller, often a network event loop, never waits for the disk (OffsetCommit then
 * answers the retriable code 6). The broker's own writes (group state, membership, deletions, offsets of committed
 * transactions) must not be dropped for a busy queue, so they may use twice the limits; beyond that they fail with
 * the same exception, as a write error would.
 *
 * <p>Thread-safe: reads see the durable state and never block; writes are queued or refused and never block either.
 * One store per directory: a lock file keeps a second broker from opening it.
 */
public final class OffsetStore implements AutoCloseable {

    /** Directory under the broker's data directory. */
    public static final String DIRECTORY = "__offsets";
    /** Default size above which the log is compacted while running. */
    public static final long DEFAULT_COMPACTION_THRESHOLD_BYTES = 64L << 20;

    static final String FILE = "offsets.log";
    static final String COMPACT_FILE = "offsets.log.compact";
    static final String LOCK_FILE = ".lock";
    static final byte[] MAGIC = {'S', 'B', 'O', 'F', 'F', 'S', 0, 1};
    static final int MAX_RECORD_BYTES = 16 << 20;
    private static final int COMPACT_CHUNK = 1000;
    private static final int MAX_BATCH = 1024;
    /** Broker writes may use this many times the limits before they are refused too. */
    private static final int REQUIRED_HEADROOM = 2;

    /** Rough heap cost of a queued write and of one partition entry in it, for the byte limit. */
    private static final long OP_BYTES = 128;
    private static final long ENTRY_BYTES = 96;

    private static final byte T_COMMIT = 1;
    private static final byte T_DELETE_PARTITIONS = 2;
    private static final byte T_DELETE_GROUP = 3;
    private static final byte T_DELETE_TOPIC = 4;
    private static final byte T_GROUP = 5;
    private static final byte T_MEMBERSHIP = 6;

    private static final Logger log = LoggerFactory.getLogger(OffsetStore.class);

    private final Path dir;
    private final Path file;
    private final long compactionThresholdBytes;
    private final FlushPolicy policy;
    private final Limits limits;
    private final WriteGate gate;
    private final ConcurrentHashMap<String, Entry> groups = new ConcurrentHashMap<>();
    /** Bounded by admission ({@link #admit}); one more slot for the close marker. */
    private final BlockingQueue<Op> queue;
    private final Object admission = new Object();
    private final AtomicLong refusals = new AtomicLong();
    /** Writes admitted and not yet completed, and their estimated bytes; guarded by {@link #admission}. */
    private int queuedWrites;
    private long queuedBytes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Thread writer;
    private final AtomicInteger compactions = new AtomicInteger();
    private final Op poison = new DeleteTopic("");

    // Owned by the writer thread after the constructor.
    private FileChannel channel;
    private long fileSize;
    private long sizeAfterCompaction;
    private boolean dirty;
    private long lastForceNanos = System.nanoTime();
    private int unreleasedWrites;
    private long unreleasedBytes;

    private volatile boolean closed;
    private volatile IOException failure;

    private OffsetStore(Path dir, long compactionThresholdBytes, FlushPolicy policy, Limits limits, WriteGate gate)
            throws IOException {
        this.dir = dir;
        this.policy = policy;
        this.limits = limits;
        this.gate = gate;
        this.queue = new LinkedBlockingQueue<>(limits.maxQueuedWrites() * REQUIRED_HEADROOM + 1);
        this.file = dir.resolve(FILE);
        this.compactionThresholdBytes = compactionThresholdBytes;
        PrivateFiles.createDirectories(dir);
        lockChannel = PrivateFiles.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            lockChannel.close();
            throw new IOException("offsets directory " + dir + " is in use by another broker");
        }
        lock = l;
        try {
            recover();
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            throw e;
        }
        writer = new Thread(this::writeLoop, "streambus-offsets-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Opens (creating if needed) the store under {@code <dataDir>/__offsets} with the default threshold, forcing
     * every write ({@link FlushPolicy#EVERY_WRITE}).
     */
    public static OffsetStore open(Path dataDir) throws IOException {
        return open(dataDir, DEFAULT_COMPACTION_THRESHOLD_BYTES);
    }

    /** {@link #open(Path, long, FlushPolicy)} forcing every write ({@link FlushPolicy#EVERY_WRITE}). */
    public static OffsetStore open(Path dataDir, long compactionThresholdBytes) throws IOException {
        return open(dataDir, compactionThresholdBytes, FlushPolicy.EVERY_WRITE);
    }

    /**
     * Opens (creating if needed) the store under {@code <dataDir>/__offsets}, recovering its content.
     *
     * @param compactionThresholdBytes file size above which the log is compacted while running
     * @param policy                   when writes are forced (the broker's flush policy)
     * @throws IOException if the directory cannot be used, is locked by another broker, or holds a file that is not
     *                     an offsets log
     */
    public static OffsetStore open(Path dataDir, long compactionThresholdBytes, FlushPolicy policy)
            throws IOException {
        return open(dataDir, compactionThresholdBytes, policy, Limits.DEFAULT);
    }

    /**
     * As {@link #open(Path, long, FlushPolicy)}, with the bounds of the write queue.
     *
     * @param limits when writes are refused instead of queued
     */
    public static OffsetStore open(Path dataDir, long compactionThresholdBytes, FlushPolicy policy, Limits limits)
            throws IOException {
        return open(dataDir, compactionThresholdBytes, policy, limits, WriteGate.OPEN);
    }

    /** As {@link #open(Path, long, FlushPolicy, Limits)}; {@code gate} runs on the writer before each batch. */
    static OffsetStore open(Path dataDir, long compactionThresholdBytes, FlushPolicy policy, Limits limits,
                            WriteGate gate) throws IOException {
        if (compactionThresholdBytes <= 0) {
            throw new IllegalArgumentException("compaction threshold must be positive");
        }
        return new OffsetStore(dataDir.resolve(DIRECTORY), compactionThresholdBytes,
                java.util.Objects.requireNonNull(policy, "policy"), java.util.Objects.requireNonNull(limits, "limits"),
                java.util.Objects.requireNonNull(gate, "gate"));
    }

    /**
     * Bounds of the write queue: writes admitted and not yet durable, counted and by estimated encoded size. A
     * client commit is refused at either limit (a single commit larger than {@code maxQueuedBytes} is admitted when
     * nothing else is queued, so that it is not refused forever); the broker's own writes may use twice the limits.
     *
     * @param maxQueuedWrites at least 1
     * @param maxQueuedBytes  at least 1
     */
    public record Limits(int maxQueuedWrites, long maxQueuedBytes) {
        /** 4,096 writes or 16 MiB: far more than the writer's batch of 1,024, a few MiB of heap at most. */
        public static final Limits DEFAULT = new Limits(4096, 16L << 20);

        /** Validates the bounds. */
        public Limits {
            if (maxQueuedWrites < 1 || maxQueuedBytes < 1) {
                throw new IllegalArgumentException("offset store limits must be at least 1, got "
                        + maxQueuedWrites + " writes, " + maxQueuedBytes + " bytes");
            }
        }
    }

    /**
     * Runs on the writer thread before each batch is written: a test stalls the writer through it. It must not leave
     * the thread interrupted (an interrupted thread closes the file channel it touches).
     */
    @FunctionalInterface
    interface WriteGate {
        WriteGate OPEN = ops -> { };

        /** Called with the number of writes in the batch about to be written. */
        void beforeBatch(int ops);
    }

    // ------------------------------------------------------------------------------------------------ reads

    /** The durable committed offset of a partition, or null. */
    public CommittedOffset offset(String group, TopicPartition partition) {
        Entry e = groups.get(group);
        return e == null ? null : e.offsets.get(partition);
    }

    /** A snapshot of the durable committed offsets of a group (empty if none). */
    public Map<TopicPartition, CommittedOffset> offsets(String group) {
        Entry e = groups.get(group);
        return e == null ? Map.of() : Map.copyOf(e.offsets);
    }

    /** The stored group state, or null if none was stored. */
    public StoredGroup storedGroup(String group) {
        Entry e = groups.get(group);
        return e == null ? null : e.group;
    }

    /** The stored membership record of a group (see {@link DurableMembership}), or null. */
    public byte[] membership(String group) {
        Entry e = groups.get(group);
        return e == null ? null : e.membership;
    }

    /** Every group with stored offsets, state or membership. */
    public Set<String> groups() {
        return Set.copyOf(groups.keySet());
    }

    // ------------------------------------------------------------------------------------------------ writes

    /**
     * Stores a client's committed offsets of one group atomically. The future completes once they are durable; it
     * fails with an {@link IOException} if they could not be written, at once with an
     * {@link OffsetStoreOverloadedException} if the write queue is full (nothing is stored then).
     */
    public CompletableFuture<Void> commit(String group, Map<TopicPartition, CommittedOffset> offsets) {
        return enqueue(new Commit(group, Map.copyOf(offsets)), false);
    }

    /**
     * As {@link #commit}, for offsets the broker must store (those of a committed transaction): refused only
     * beyond twice the queue's limits.
     */
    public CompletableFuture<Void> commitRequired(String group, Map<TopicPartition, CommittedOffset> offsets) {
        return enqueue(new Commit(group, Map.copyOf(offsets)), true);
    }

    /** Deletes the offsets of some partitions of a group (per-partition expiry). */
    public CompletableFuture<Void> deletePartitions(String group, Collection<TopicPartition> partitions) {
        return enqueue(new DeletePartitions(group, List.copyOf(partitions)), true);
    }

    /** Deletes a group's offsets and state. */
    public CompletableFuture<Void> deleteGroup(String group) {
        return enqueue(new DeleteGroup(group), true);
    }

    /** Deletes the offsets of every partition of {@code topic} in every group. */
    public CompletableFuture<Void> deleteTopic(String topic) {
        return enqueue(new DeleteTopic(topic), true);
    }

    /** Stores a group's protocol type and "Empty since" time. */
    public CompletableFuture<Void> putGroup(String group, StoredGroup state) {
        return enqueue(new PutGroup(group, state), true);
    }

    /**
     * Stores a group's membership record, replacing the previous one; an empty record clears it. The record must
     * stay below {@link #MAX_RECORD_BYTES} with its group id (else the future fails and nothing else is affected).
     */
    public CompletableFuture<Void> putMembership(String group, byte[] record) {
        if (record.length + group.length() * 3L + 16 > MAX_RECORD_BYTES) {
            return CompletableFuture.failedFuture(new IOException("membership record of " + record.length
                    + " bytes exceeds " + MAX_RECORD_BYTES));
        }
        return enqueue(new PutMembership(group, record), true);
    }

    private CompletableFuture<Void> enqueue(Op op, boolean required) {
        if (closed) {
            return CompletableFuture.failedFuture(new IOException("offset store " + dir + " is closed"));
        }
        IOException f = failure;
        if (f != null) {
            return CompletableFuture.failedFuture(new IOException("offset store " + dir + " failed earlier", f));
        }
        if (!admit(op.bytes, required ? REQUIRED_HEADROOM : 1)) {
            refusals.incrementAndGet();
            return CompletableFuture.failedFuture(new OffsetStoreOverloadedException("offset store " + dir
                    + " is busy: " + limits.maxQueuedWrites() + " writes or " + limits.maxQueuedBytes()
                    + " bytes queued"));
        }
        if (!queue.offer(op)) {
            // Cannot happen: admission keeps the queue below its capacity. Fail rather than block.
            release(1, op.bytes);
            return CompletableFuture.failedFuture(new OffsetStoreOverloadedException("offset store " + dir
                    + " queue is full"));
        }
        return op.done;
    }

    /** Counts a write in, unless it would pass {@code factor} times the limits. */
    private boolean admit(long bytes, int factor) {
        synchronized (admission) {
            if (queuedWrites >= (long) limits.maxQueuedWrites() * factor
                    || (queuedWrites > 0 && queuedBytes + bytes > limits.maxQueuedBytes() * factor)) {
                return false;
            }
            queuedWrites++;
            queuedBytes += bytes;
            return true;
        }
    }

    private void release(int writes, long bytes) {
        synchronized (admission) {
            queuedWrites -= writes;
            queuedBytes -= bytes;
        }
    }

    /** Gives the room of the batch being written back to admission, once. Writer thread. */
    private void releaseBatch() {
        if (unreleasedWrites > 0) {
            release(unreleasedWrites, unreleasedBytes);
            unreleasedWrites = 0;
            unreleasedBytes = 0;
        }
    }

    /** Writes admitted and not yet completed (queued or being written). */
    int queuedWrites() {
        synchronized (admission) {
            return queuedWrites;
        }
    }

    /** How many writes were refused because the queue was full, since the store opened. */
    public long refusals() {
        return refusals.get();
    }

    /** Stops the writer after the queued writes and closes the file. Waits at most 10 s for the writer. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!queue.offer(poison)) {
            // Cannot happen (one slot is kept for it); the writer would never stop, so say so.
            log.error("offsets writer queue has no room for the close marker; {} stays open", file);
            return;
        }
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Op> left = new ArrayList<>();
        queue.drainTo(left);
        for (Op op : left) {
            if (op != poison) {
                release(1, op.bytes);
            }
            op.done.completeExceptionally(new IOException("offset store " + dir + " is closed"));
        }
        if (!writer.isAlive()) {
            closeQuietly();
        } else {
            log.warn("offsets writer did not stop within 10 s; leaving {} open", file);
        }
    }

    long fileSize() {
        return fileSize;
    }

    int compactions() {
        return compactions.get();
    }

    Path file() {
        return file;
    }

    // ------------------------------------------------------------------------------------------------ writer

    private void writeLoop() {
        List<Op> batch = new ArrayList<>();
        while (true) {
            try {
                Op first = policy.kind() == FlushPolicy.Kind.INTERVAL && dirty
                        ? queue.poll(policy.interval().toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)
                        : queue.take();
                if (first == null) {
                    forceOnInterval(); // idle: what the last batches wrote goes to disk within one interval
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                continue; // only close() stops the writer, by the poison op
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            boolean stop = batch.remove(poison);
            if (!batch.isEmpty()) {
                gate.beforeBatch(batch.size());
                long bytes = 0;
                for (Op op : batch) {
                    bytes += op.bytes;
                }
                unreleasedWrites = batch.size();
                unreleasedBytes = bytes;
                try {
                    writeBatch(batch);
                } finally {
                    releaseBatch(); // if writeBatch failed unexpectedly before completing the batch
                }
            }
            batch.clear();
            if (stop) {
                return;
            }
        }
    }

    private void writeBatch(List<Op> batch) {
        IOException failed = failure;
        if (failed == null) {
            long start = fileSize;
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                for (Op op : batch) {
                    frame(op, bytes);
                }
                writeFully(channel, ByteBuffer.wrap(bytes.toByteArray()), start);
                if (policy.kind() == FlushPolicy.Kind.EVERY_WRITE) {
                    Fsyncs.force(channel, false); // one force for every commit queued at this moment
                } else {
                    dirty = true;
                }
                fileSize = start + bytes.size();
            } catch (IOException e) {
                log.error("could not write committed offsets to {}: {}", file, e.toString());
                failed = e;
                try {
                    channel.truncate(start);
                    channel.force(true);
                } catch (IOException e2) {
                    log.error("could not truncate {} after a failed write; refusing further writes", file, e2);
                    failure = e2;
                }
            }
        }
        if (failed != null) {
            IOException cause = failed;
            releaseBatch();
            batch.forEach(op -> op.done.completeExceptionally(cause));
            return;
        }
        for (Op op : batch) {
            op.apply(groups);
        }
        releaseBatch(); // before the completions: a caller that saw its write done finds the room again
        for (Op op : batch) {
            try {
                op.done.complete(null);
            } catch (RuntimeException e) {
                log.error("offset store completion callback failed", e);
            }
        }
        if (policy.kind() == FlushPolicy.Kind.INTERVAL
                && System.nanoTime() - lastForceNanos >= policy.interval().toNanos()) {
            forceOnInterval();
        }
        if (fileSize > compactionThresholdBytes && fileSize > 2 * sizeAfterCompaction) {
            compact();
        }
    }

    /** Interval policy: forces what was written since the last force. Writer thread. */
    private void forceOnInterval() {
        lastForceNanos = System.nanoTime();
        if (!dirty || failure != null) {
            return;
        }
        try {
            Fsyncs.force(channel, false);
            dirty = false;
        } catch (IOException e) {
            log.warn("offsets log {}: periodic sync failed: {}", file, e.toString());
        }
    }

    private static void frame(Op op, ByteArrayOutputStream out) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        op.encode(new DataOutputStream(body));
        byte[] b = body.toByteArray();
        if (b.length > MAX_RECORD_BYTES) {
            throw new IOException("offsets record of " + b.length + " bytes exceeds " + MAX_RECORD_BYTES);
        }
        CRC32C crc = new CRC32C();
        crc.update(b);
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(b.length);
        d.writeInt((int) crc.getValue());
        d.write(b);
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
    }

    /** Rewrites the live state into a new file and renames it over the log. Writer thread (or constructor). */
    private void compact() {
        Path tmp = dir.resolve(COMPACT_FILE);
        long size;
        try (FileChannel out = PrivateFiles.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.write(MAGIC);
            long pos = 0;
            for (Map.Entry<String, Entry> e : groups.entrySet()) {
                Entry entry = e.getValue();
                if (entry.group != null) {
                    frame(new PutGroup(e.getKey(), entry.group), bytes);
                }
                if (entry.membership != null) {
                    frame(new PutMembership(e.getKey(), entry.membership), bytes);
                }
                List<Map.Entry<TopicPartition, CommittedOffset>> offsets = new ArrayList<>(entry.offsets.entrySet());
                for (int i = 0; i < offsets.size(); i += COMPACT_CHUNK) {
                    Map<TopicPartition, CommittedOffset> chunk = new java.util.HashMap<>();
                    for (Map.Entry<TopicPartition, CommittedOffset> o
                            : offsets.subList(i, Math.min(offsets.size(), i + COMPACT_CHUNK))) {
                        chunk.put(o.getKey(), o.getValue());
                    }
                    frame(new Commit(e.getKey(), chunk), bytes);
                }
                if (bytes.size() > (1 << 20)) {
                    writeFully(out, ByteBuffer.wrap(bytes.toByteArray()), pos);
                    pos += bytes.size();
                    bytes.reset();
                }
            }
            writeFully(out, ByteBuffer.wrap(bytes.toByteArray()), pos);
            size = pos + bytes.size();
            out.force(true);
        } catch (IOException e) {
            log.warn("compaction of {} failed, keeping the current log: {}", file, e.toString());
            deleteQuietly(tmp);
            return;
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            log.warn("could not rename {} over {}, keeping the current log: {}", tmp, file, e.toString());
            deleteQuietly(tmp);
            return;
        }
        fsyncDirectory(dir);
        long before = fileSize;
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing the old offsets log", e);
        }
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            log.error("could not reopen {} after compaction; refusing further writes", file, e);
            failure = e;
            return;
        }
        fileSize = size;
        sizeAfterCompaction = size;
        compactions.incrementAndGet();
        log.info("compacted {} from {} to {} bytes", file, before, size);
    }

    // ------------------------------------------------------------------------------------------------ recovery

    private void recover() throws IOException {
        deleteQuietly(dir.resolve(COMPACT_FILE));
        boolean created = !Files.exists(file);
        channel = PrivateFiles.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        long size = channel.size();
        if (size < MAGIC.length) {
            byte[] head = new byte[(int) size];
            channel.read(ByteBuffer.wrap(head), 0);
            if (!Arrays.equals(head, Arrays.copyOf(MAGIC, head.length))) {
                throw new IOException(file + " is not a StreamBus offsets log (bad magic)");
            }
            // New, or torn while its header was written: start it over.
            channel.truncate(0);
            writeFully(channel, ByteBuffer.wrap(MAGIC), 0);
            channel.force(true);
            if (created) {
                fsyncDirectory(dir);
            }
            fileSize = MAGIC.length;
            sizeAfterCompaction = fileSize;
            return;
        }
        byte[] head = new byte[MAGIC.length];
        channel.read(ByteBuffer.wrap(head), 0);
        if (!Arrays.equals(head, MAGIC)) {
            throw new IOException(file + " is not a StreamBus offsets log (bad magic)");
        }
        long pos = MAGIC.length;
        long units = 0;
        String torn = null;
        InputStream raw = Channels.newInputStream(channel.position(pos));
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
        while (pos < size) {
            if (size - pos < 8) {
                torn = "incomplete record header";
                break;
            }
            int len = in.readInt();
            int crc = in.readInt();
            if (len <= 0 || len > MAX_RECORD_BYTES) {
                torn = "invalid record length " + len;
                break;
            }
            if (size - pos - 8 < len) {
                torn = "record of " + len + " bytes cut short";
                break;
            }
            byte[] body = new byte[len];
            in.readFully(body);
            CRC32C c = new CRC32C();
            c.update(body);
            if ((int) c.getValue() != crc) {
                torn = "checksum mismatch";
                break;
            }
            Op op = decode(body, pos);
            op.apply(groups);
            units += op.units();
            pos += 8 + len;
        }
        if (torn != null) {
            log.warn("offsets log {}: {} at byte {}; truncating {} bytes of torn tail", file, torn, pos, size - pos);
            channel.truncate(pos);
            channel.force(true);
        }
        fileSize = pos;
        sizeAfterCompaction = pos;
        long live = 0;
        for (Entry e : groups.values()) {
            live += e.offsets.size() + (e.group != null ? 1 : 0) + (e.membership != null ? 1 : 0);
        }
        if (units > live) {
            compact();
        }
    }

    private Op decode(byte[] body, long position) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
        try {
            byte type = in.readByte();
            Op op = switch (type) {
                case T_COMMIT -> Commit.read(in);
                case T_DELETE_PARTITIONS -> DeletePartitions.read(in);
                case T_DELETE_GROUP -> new DeleteGroup(readString(in));
                case T_DELETE_TOPIC -> new DeleteTopic(readString(in));
                case T_GROUP -> new PutGroup(readString(in), new StoredGroup(readString(in), in.readLong()));
                case T_MEMBERSHIP -> new PutMembership(readString(in), readBytes(in));
                default -> throw new IOException("unknown record type " + type);
            };
            if (in.available() != 0) {
                throw new IOException(in.available() + " unexpected bytes after the record");
            }
            return op;
        } catch (IOException | RuntimeException e) {
            // The CRC matched, so this was written like this: refuse to guess rather than drop data.
            throw new IOException("offsets log " + file + ": unreadable record at byte " + position + ": " + e, e);
        }
    }

    private void closeQuietly() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            log.debug("closing {}", file, e);
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            log.debug("releasing {}", dir, e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.debug("deleting {}", p, e);
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            log.debug("directory fsync not supported for {}", dir, e);
        }
    }

    // ------------------------------------------------------------------------------------------------ records

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > in.available()) {
            throw new EOFException("string length " + len);
        }
        return new String(in.readNBytes(len), StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > in.available()) {
            throw new EOFException("byte string length " + len);
        }
        return in.readNBytes(len);
    }

    /** Per-group state: the stored group record, the membership record and the offsets. */
    private static final class Entry {
        volatile StoredGroup group;
        volatile byte[] membership;
        final ConcurrentHashMap<TopicPartition, CommittedOffset> offsets = new ConcurrentHashMap<>();

        boolean isEmpty() {
            return group == null && membership == null && offsets.isEmpty();
        }
    }

    private abstract static class Op {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        /** Estimated heap and file bytes of this write, for the queue's byte limit. */
        long bytes;

        abstract void encode(DataOutputStream out) throws IOException;

        abstract void apply(ConcurrentHashMap<String, Entry> groups);

        /** Entries this record holds, to tell at open whether the log has superseded records. */
        long units() {
            return 1;
        }
    }

    private static final class Commit extends Op {
        final String group;
        final Map<TopicPartition, CommittedOffset> offsets;

        Commit(String group, Map<TopicPartition, CommittedOffset> offsets) {
            this.group = group;
            this.offsets = offsets;
            long b = OP_BYTES + 2L * group.length();
            for (Map.Entry<TopicPartition, CommittedOffset> e : offsets.entrySet()) {
                b += ENTRY_BYTES + 2L * (e.getKey().topic().length() + e.getValue().metadata().length());
            }
            bytes = b;
        }

        static Commit read(DataInputStream in) throws IOException {
            String group = readString(in);
            int n = in.readInt();
            if (n < 0 || n > in.available() / 28) {
                throw new EOFException("commit count " + n);
            }
            Map<TopicPartition, CommittedOffset> offsets = new java.util.HashMap<>();
            for (int i = 0; i < n; i++) {
                String topic = readString(in);
                int partition = in.readInt();
                long offset = in.readLong();
                long time = in.readLong();
                String metadata = readString(in);
                offsets.put(new TopicPartition(topic, partition), new CommittedOffset(offset, metadata, time));
            }
            return new Commit(group, offsets);
        }

        @Override
        void encode(DataOutputStream out) throws IOException {
            out.writeByte(T_COMMIT);
            writeString(out, group);
            out.writeInt(offsets.size());
            for (Map.Entry<TopicPartition, CommittedOffset> e : offsets.entrySet()) {
                writeString(out, e.getKey().topic());
                out.writeInt(e.getKey().partition());
                out.writeLong(e.getValue().offset());
                out.writeLong(e.getValue().commitTimeMs());
                writeString(out, e.getValue().metadata());
            }
        }

        @Override
        void apply(ConcurrentHashMap<String, Entry> groups) {
            groups.computeIfAbsent(group, g -> new Entry()).offsets.putAll(offsets);
        }

        @Override
        long units() {
            return offsets.size();
        }
    }

    private static final class DeletePartitions extends Op {
        final String group;
        final List<TopicPartition> partitions;

        DeletePartitions(String group, List<TopicPartition> partitions) {
            this.group = group;
            this.partitions = partitions;
            long b = OP_BYTES + 2L * group.length();
            for (TopicPartition tp : partitions) {
                b += ENTRY_BYTES + 2L * tp.topic().length();
            }
            bytes = b;
        }

        static DeletePartitions read(DataInputStream in) throws IOException {
            String group = readString(in);
            int n = in.readInt();
            if (n < 0 || n > in.available() / 8) {
                throw new EOFException("partition count " + n);
            }
            List<TopicPartition> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(new TopicPartition(readString(in), in.readInt()));
            }
            return new DeletePartitions(group, list);
        }

        @Override
        void encode(DataOutputStream out) throws IOException {
            out.writeByte(T_DELETE_PARTITIONS);
            writeString(out, group);
            out.writeInt(partitions.size());
            for (TopicPartition tp : partitions) {
                writeString(out, tp.topic());
                out.writeInt(tp.partition());
            }
        }

        @Override
        void apply(ConcurrentHashMap<String, Entry> groups) {
            groups.computeIfPresent(group, (g, e) -> {
                partitions.forEach(e.offsets::remove);
                return e.isEmpty() ? null : e;
            });
        }
    }

    private static final class DeleteGroup extends Op {
        final String group;

        DeleteGroup(String group) {
            this.group = group;
            bytes = OP_BYTES + 2L * group.length();
        }

        @Override
        void encode(DataOutputStream out) throws IOException {
            out.writeByte(T_DELETE_GROUP);
            writeString(out, group);
        }

        @Override
        void apply(ConcurrentHashMap<String, Entry> groups) {
            groups.remove(group);
        }
    }

    private static final class DeleteTopic extends Op {
        final String topic;

        DeleteTopic(String topic) {
            this.topic = topic;
            bytes = OP_BYTES + 2L * topic.length();
        }

        @Override
        void encode(DataOutputStream out) throws IOException {
            out.writeByte(T_DELETE_TOPIC);
            writeString(out, topic);
        }

        @Override
        void apply(ConcurrentHashMap<String, Entry> groups) {
            for (String g : groups.keySet()) {
                groups.computeIfPresent(g, (k, e) -> {
                    e.offsets.keySet().removeIf(tp -> tp.topic().equals(topic));
                    return e.isEmpty() ? null : e;
                });
            }
        }
    }

    private static final class PutGroup extends Op {
        final String group;
        final StoredGroup state;

        PutGroup(String group, StoredGroup state) {
            this.group = group;
            this.state = state;
            bytes = OP_BYTES + 2L * (group.length() + state.protocolType().length());
        }

        @Override
        void encode(DataOutputStream out) throws IOException {
            out.writeByte(T_GROUP);
            writeString(out, group);
            writeString(out, state.protocolType());
            out.writeLong(state.emptySinceMs());
        }

        @Override
        void apply(ConcurrentHashMap<String, Entry> groups) {
            groups.computeIfAbsent(group, g -> new Entry()).group = state;
        }
    }

    private static final class PutMembership extends Op {
        final String group;
        final byte[] record;

        PutMembership(String group, byte[] record) {
            this.group = group;
            this.record = record;
            bytes = OP_BYTES + 2L * group.length() + record.length;
        }

        @Override
        void encode(DataOutputStream out) throws IOException {
            out.writeByte(T_MEMBERSHIP);
            writeString(out, group);
            out.writeInt(record.length);
            out.write(record);
        }

        @Override
        void apply(ConcurrentHashMap<String, Entry> groups) {
            if (record.length > 0) {
                groups.computeIfAbsent(group, g -> new Entry()).membership = record;
                return;
            }
            groups.computeIfPresent(group, (g, e) -> {
                e.membership = null;
                return e.isEmpty() ? null : e;
            });
        }
    }
}
