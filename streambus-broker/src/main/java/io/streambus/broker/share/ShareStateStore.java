package io.streambus.broker.share;

import io.streambus.broker.log.FlushPolicy;
import io.streambus.broker.log.Fsyncs;
import io.streambus.broker.security.PrivateFiles;
import io.streambus.protocol.share.AcknowledgeType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable state of every share group (spec B.13.11): an append-only log of records ({@code settings},
 * share-partition {@code delta} (SPSO and runs of offsets with equal state),
 * {@code stage} (records Staged by a Prepared or committing transaction, B.13.15),
 * {@code delete group}, {@code delete topic}) in
 * {@code <dataDir>/__share_groups/state.log}, replayed on open and then rewritten compacted.
 *
 * <p><b>Group commit.</b> {@link #append} queues a record and returns a future; one writer thread takes every
 * queued record, writes them with one {@code write}, syncs them as the broker's {@link FlushPolicy} says (every
 * batch for {@code EVERY_WRITE}; at most once per interval for {@code INTERVAL}; never for {@code OS}, as for the
 * data logs), and completes their futures in queue order. A completed future means the record survives a kill -9
 * (it is in the file) and, with {@code EVERY_WRITE}, a power cut. Records are written in {@link #append} order.
 *
 * <p><b>Failure.</b> The store is fail-stop: once a batch fails to be written or synced, its records and every
 * record queued or appended after it fail with the same error until the broker restarts, so what is durable is
 * always a prefix of the append order (the share coordinator relies on this to undo, newest first, what it had
 * applied for the failed records). A failed sync may still leave the failed batch in the file, so a restart can find
 * it there: a failed record is not applied, but it is not known to be absent either.
 *
 * <p>Record layout: u32 body length, u32 CRC-32C of the body, body (u8 type, fields). A torn or corrupt tail found
 * on open is cut off. Thread-safe.
 */
public final class ShareStateStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShareStateStore.class);
    private static final int SETTINGS = 1;
    private static final int DELTA = 2;
    private static final int DELETE_GROUP = 3;
    private static final int DELETE_TOPIC = 4;
    private static final int STAGE = 5;
    /**
     * A share-partition delta whose entries are runs of offsets (type 6); type 2 (one entry per offset, 12 bytes
     * each) is still replayed, so logs written before runs existed open unchanged.
     */
    private static final int DELTA_RUNS = 6;
    /** Bytes of one stored run: first offset, length, state, count, reason. */
    public static final int ENTRY_BYTES = 8 + 4 + 1 + 2 + 1;

    /**
     * A run of {@code length} consecutive offsets of a share-partition from {@code offset} with the same state, count
     * and reason. Immutable.
     */
    public record Entry(long offset, long length, RecordState state, int count, ArchiveReason reason) {
        /** Checks the run. */
        public Entry {
            if (length < 1 || length > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("run of " + length + " offsets");
            }
        }

        /** One offset. */
        public Entry(long offset, RecordState state, int count, ArchiveReason reason) {
            this(offset, 1, state, count, reason);
        }
    }

    /** One record Staged by a transaction (B.13.15): offset, delivery count, staged type. Immutable. */
    public record StagedEntry(long offset, int count, AcknowledgeType type) {
    }

    /**
     * The records of one share-partition Staged by one transaction, made durable by PrepareTxn or a commit decision
     * (B.13.11). Immutable.
     */
    public record Staging(String group, String topic, int partition, String transactionalId,
                          List<StagedEntry> entries) {
    }

    /** A share-partition change: its SPSO and the entries that changed. Immutable. */
    public record Delta(String group, String topic, int partition, long spso, List<Entry> entries) {
    }

    /** A restored group: settings and partition images in replay order. Mutable during replay only. */
    public static final class GroupImage {
        /** The group's settings. */
        public ShareGroupSettings settings = ShareGroupSettings.DEFAULTS;
        /** Partitions by "topic\0partition" key. */
        public final Map<String, SharePartition> partitions = new LinkedHashMap<>();
    }

    private record Pending(byte[] bytes, CompletableFuture<Void> done) {
    }

    /** Default size of the log above which it is rewritten compacted while running. */
    public static final long DEFAULT_COMPACTION_BYTES = 64L * 1024 * 1024;

    /** Writes the live state of every group for a compaction; called on the writer thread. */
    public interface SnapshotSource {
        /** Writes every live group's settings and share-partitions to {@code out}. */
        void snapshot(SnapshotWriter out);
    }

    /** Receives a compaction snapshot. Not thread-safe; used on the writer thread only. */
    public interface SnapshotWriter {
        /** One group's settings. */
        void settings(String group, ShareGroupSettings settings);

        /** One share-partition, complete. */
        void partition(Delta snapshot);

        /** Durable Staged records of a share-partition written by {@link #partition} before. */
        void staged(Staging staging);
    }

    private final Path file;
    private final FlushPolicy policy;
    private FileChannel channel;
    private volatile SnapshotSource snapshotSource;
    private volatile long compactionBytes = DEFAULT_COMPACTION_BYTES;
    private volatile long compactionBase = DEFAULT_COMPACTION_BYTES;
    private long fileBytes;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final Map<String, GroupImage> restored;
    private volatile boolean closed;
    private volatile IOException failure;
    private long lastForceNanos = System.nanoTime();
    private long bytesWritten;
    /** Called by the writer before each batch (tests: holds it, or fails it); null normally. */
    private volatile WriteGate gate;

    /** A test seam in front of each batch write. */
    @FunctionalInterface
    interface WriteGate {
        /**
         * Called on the writer thread before a batch of {@code records} is written; may wait (with a timeout).
         *
         * @return an error to fail the batch with, as if the write had failed, or null to write it
         */
        IOException beforeWrite(int records) throws InterruptedException;
    }

    private ShareStateStore(Path file, FlushPolicy policy, FileChannel channel, Map<String, GroupImage> restored)
            throws IOException {
        this.file = file;
        this.policy = policy;
        this.channel = channel;
        this.fileBytes = channel.size();
        this.restored = restored;
        this.writer = new Thread(this::run, "streambus-share-state-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Opens (or creates) the store under {@code dataDir}, replays it, rewrites it compacted and starts the writer.
     */
    public static ShareStateStore open(Path dataDir, FlushPolicy policy) throws IOException {
        Path dir = dataDir.resolve("__share_groups");
        PrivateFiles.createDirectories(dir); // queue progress is the broker's business only (700/600)
        Path file = dir.resolve("state.log");
        Map<String, GroupImage> groups = new LinkedHashMap<>();
        if (Files.exists(file)) {
            replay(file, groups);
        }
        // Rewrite compacted: the live state only, forced, then renamed over the log.
        Path tmp = dir.resolve("state.log.tmp");
        try (FileChannel out = PrivateFiles.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (Map.Entry<String, GroupImage> g : groups.entrySet()) {
                writeFully(out, frame(encodeSettings(g.getKey(), g.getValue().settings)));
                for (SharePartition p : g.getValue().partitions.values()) {
                    writeFully(out, frame(encodeDelta(p.snapshot(g.getKey()))));
                    for (Staging st : stagings(g.getKey(), p)) {
                        writeFully(out, frame(encodeStaging(st)));
                    }
                }
            }
            out.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(dir);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        return new ShareStateStore(file, policy, ch, groups);
    }

    /**
     * Enables compaction while running: once the log holds more than {@code thresholdBytes}, the writer thread asks
     * {@code source} for the live state and rewrites the log with it before writing further records. Records queued
     * meanwhile are written after the snapshot; replaying them over it gives the same state, because every change
     * is queued in the same critical section that makes it (so a queued record is never newer than the snapshot).
     */
    public void compactWith(SnapshotSource source, long thresholdBytes) {
        this.compactionBase = thresholdBytes;
        this.compactionBytes = thresholdBytes;
        this.snapshotSource = source;
    }

    /** Number of compactions while running (for tests). */
    public int compactions() {
        return compactions;
    }

    private volatile int compactions;

    /** The groups found on open (the caller takes them over). */
    public Map<String, GroupImage> restored() {
        return restored;
    }

    /** Bytes appended since open (for tests and the cost estimate). */
    public long bytesWritten() {
        return bytesWritten;
    }

    // ------------------------------------------------------------------------------------------- writing

    /** Queues the settings of {@code group}. */
    public CompletableFuture<Void> appendSettings(String group, ShareGroupSettings s) {
        return append(encodeSettings(group, s));
    }

    /** Queues a share-partition delta. */
    public CompletableFuture<Void> appendDelta(Delta d) {
        return append(encodeDelta(d));
    }

    /** Queues durable Staged records (B.13.15). */
    public CompletableFuture<Void> appendStaging(Staging s) {
        return append(encodeStaging(s));
    }

    /** The durable Staged records of {@code p}, one {@link Staging} per transaction. */
    static List<Staging> stagings(String group, SharePartition p) {
        List<Staging> out = new ArrayList<>();
        p.durableStaged().forEach((txn, entries) -> out.add(new Staging(group, p.topic, p.partition, txn,
                List.copyOf(entries))));
        return out;
    }

    /** Queues the deletion of {@code group}. */
    public CompletableFuture<Void> appendDeleteGroup(String group) {
        Buf b = new Buf().u8(DELETE_GROUP).str(group);
        return append(b.bytes());
    }

    /** Queues the deletion of every share-partition of {@code topic}. */
    public CompletableFuture<Void> appendDeleteTopic(String topic) {
        Buf b = new Buf().u8(DELETE_TOPIC).str(topic);
        return append(b.bytes());
    }

    private CompletableFuture<Void> append(byte[] body) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (closed) {
            f.completeExceptionally(new IOException("share state store is closed"));
            return f;
        }
        if (failure != null) {
            f.completeExceptionally(failure);
            return f;
        }
        queue.add(new Pending(frame(body), f));
        return f;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            Pending first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (first == null) {
                if (closed) {
                    break;
                }
                maybeForceOnInterval();
                continue;
            }
            batch.add(first);
            queue.drainTo(batch);
            writeBatch(batch);
            batch.clear();
        }
        List<Pending> rest = new ArrayList<>();
        queue.drainTo(rest);
        if (!rest.isEmpty()) {
            writeBatch(rest);
        }
    }

    /** Installs (or with null removes) the seam in front of each batch write. For tests. */
    void gate(WriteGate g) {
        this.gate = g;
    }

    private void writeBatch(List<Pending> batch) {
        IOException error = failure;
        if (error == null) {
            try {
                WriteGate g = gate;
                IOException injected = null;
                if (g != null) {
                    try {
                        injected = g.beforeWrite(batch.size());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        injected = new IOException("interrupted", e);
                    }
                }
                if (injected != null) {
                    throw injected;
                }
                int size = 0;
                for (Pending p : batch) {
                    size += p.bytes.length;
                }
                ByteBuffer buf = ByteBuffer.allocate(size);
                for (Pending p : batch) {
                    buf.put(p.bytes);
                }
                buf.flip();
                writeFully(channel, buf);
                bytesWritten += size;
                fileBytes += size;
                if (policy.kind() == FlushPolicy.Kind.EVERY_WRITE) {
                    Fsyncs.force(channel, false);
                    lastForceNanos = System.nanoTime();
                } else {
                    maybeForceOnInterval();
                }
            } catch (IOException e) {
                LOG.error("share state log {}: write failed; share groups refuse further changes", file, e);
                failure = e;
                error = e;
            }
        }
        if (error == null && snapshotSource != null && fileBytes > compactionBytes) {
            try {
                compactNow();
            } catch (IOException e) {
                // The old log is intact (the rename did not happen, or did and the new one is complete).
                LOG.warn("share state log {}: compaction failed: {}", file, e.toString());
            }
        }
        for (Pending p : batch) {
            if (error == null) {
                p.done.complete(null);
            } else {
                p.done.completeExceptionally(error);
            }
        }
    }

    /** Rewrites the log with a snapshot of the live state (writer thread). */
    private void compactNow() throws IOException {
        Path tmp = file.resolveSibling("state.log.tmp");
        long[] size = {0};
        try (FileChannel out = PrivateFiles.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            IOException[] failed = {null};
            snapshotSource.snapshot(new SnapshotWriter() {
                @Override
                public void settings(String group, ShareGroupSettings settings) {
                    write(encodeSettings(group, settings));
                }

                @Override
                public void partition(Delta snapshot) {
                    write(encodeDelta(snapshot));
                }

                @Override
                public void staged(Staging staging) {
                    write(encodeStaging(staging));
                }

                private void write(byte[] body) {
                    if (failed[0] == null) {
                        try {
                            byte[] f = frame(body);
                            writeFully(out, f);
                            size[0] += f.length;
                        } catch (IOException e) {
                            failed[0] = e;
                        }
                    }
                }
            });
            if (failed[0] != null) {
                throw failed[0];
            }
            out.force(true);
        }
        channel.force(true);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(file.getParent());
        FileChannel old = channel;
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        old.close();
        LOG.info("share state log {}: compacted from {} to {} bytes", file, fileBytes, size[0]);
        fileBytes = size[0];
        // Do not compact again before the log has grown by the threshold above the live state.
        compactionBytes = Math.max(compactionBase, 2 * size[0]);
        compactions++;
    }

    private void maybeForceOnInterval() {
        if (policy.kind() != FlushPolicy.Kind.INTERVAL || failure != null) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastForceNanos >= policy.interval().toNanos()) {
            try {
                Fsyncs.force(channel, false);
            } catch (IOException e) {
                LOG.warn("share state log {}: periodic sync failed: {}", file, e.toString());
            }
            lastForceNanos = now;
        }
    }

    /** Writes what is queued, syncs and closes. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            channel.force(true);
            channel.close();
        } catch (IOException e) {
            LOG.warn("closing share state log {}: {}", file, e.toString());
        }
    }

    // ------------------------------------------------------------------------------------------- encoding

    private static byte[] encodeSettings(String group, ShareGroupSettings s) {
        return new Buf().u8(SETTINGS).str(group).i32(s.maxDeliveryAttempts()).i32(s.acquisitionLockMs())
                .str(s.deadLetterTopic()).u8(s.autoOffsetReset()).i32(s.maxInFlightRecords()).bytes();
    }

    private static byte[] encodeDelta(Delta d) {
        Buf b = new Buf().u8(DELTA_RUNS).str(d.group()).str(d.topic()).i32(d.partition()).i64(d.spso())
                .i32(d.entries().size());
        for (Entry e : d.entries()) {
            b.i64(e.offset()).i32((int) e.length()).u8(e.state().code()).u16(e.count()).u8(e.reason().code());
        }
        return b.bytes();
    }

    private static byte[] encodeStaging(Staging s) {
        Buf b = new Buf().u8(STAGE).str(s.group()).str(s.topic()).i32(s.partition()).str(s.transactionalId())
                .i32(s.entries().size());
        for (StagedEntry e : s.entries()) {
            b.i64(e.offset()).u16(e.count()).u8(e.type().code());
        }
        return b.bytes();
    }

    private static byte[] frame(byte[] body) {
        CRC32C crc = new CRC32C();
        crc.update(body);
        ByteBuffer b = ByteBuffer.allocate(8 + body.length);
        b.putInt(body.length).putInt((int) crc.getValue()).put(body);
        return b.array();
    }

    private static void writeFully(FileChannel ch, byte[] bytes) throws IOException {
        writeFully(ch, ByteBuffer.wrap(bytes));
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    static String key(String topic, int partition) {
        return topic + '\0' + partition;
    }

    private static void replay(Path file, Map<String, GroupImage> groups) throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(all);
        while (in.remaining() >= 8) {
            int start = in.position();
            int len = in.getInt();
            int crc = in.getInt();
            if (len < 1 || len > in.remaining()) {
                LOG.warn("share state log {}: torn record at byte {}; the tail is dropped", file, start);
                break;
            }
            byte[] body = new byte[len];
            in.get(body);
            CRC32C c = new CRC32C();
            c.update(body);
            if ((int) c.getValue() != crc) {
                LOG.warn("share state log {}: bad checksum at byte {}; the tail is dropped", file, start);
                break;
            }
            apply(ByteBuffer.wrap(body), groups);
        }
    }

    private static void apply(ByteBuffer b, Map<String, GroupImage> groups) {
        int type = b.get() & 0xFF;
        switch (type) {
            case SETTINGS -> {
                String group = str(b);
                ShareGroupSettings s = new ShareGroupSettings(b.getInt(), b.getInt(), str(b), b.get() & 0xFF,
                        b.getInt());
                groups.computeIfAbsent(group, g -> new GroupImage()).settings = s;
            }
            case DELTA, DELTA_RUNS -> {
                String group = str(b);
                String topic = str(b);
                int partition = b.getInt();
                long spso = b.getLong();
                int n = b.getInt();
                GroupImage g = groups.computeIfAbsent(group, x -> new GroupImage());
                SharePartition p = g.partitions.computeIfAbsent(key(topic, partition),
                        k -> new SharePartition(topic, partition, spso));
                p.restoreSpso(spso);
                for (int i = 0; i < n; i++) {
                    long offset = b.getLong();
                    int length = type == DELTA_RUNS ? b.getInt() : 1;
                    RecordState state = RecordState.forCode(b.get() & 0xFF);
                    int count = b.getShort() & 0xFFFF;
                    ArchiveReason reason = ArchiveReason.forCode(b.get() & 0xFF);
                    for (int k = 0; k < length; k++) {
                        p.restore(offset + k, state, count, reason);
                    }
                }
            }
            case STAGE -> {
                String group = str(b);
                String topic = str(b);
                int partition = b.getInt();
                String txn = str(b);
                int n = b.getInt();
                GroupImage g = groups.computeIfAbsent(group, x -> new GroupImage());
                SharePartition p = null;
                for (int i = 0; i < n; i++) {
                    long offset = b.getLong();
                    int count = b.getShort() & 0xFFFF;
                    AcknowledgeType ackType = AcknowledgeType.forCode(b.get() & 0xFF);
                    if (p == null) {
                        p = g.partitions.computeIfAbsent(key(topic, partition),
                                k -> new SharePartition(topic, partition, offset));
                    }
                    p.restoreStaged(offset, count, txn, ackType);
                }
            }
            case DELETE_GROUP -> groups.remove(str(b));
            case DELETE_TOPIC -> {
                String topic = str(b);
                for (GroupImage g : groups.values()) {
                    g.partitions.values().removeIf(p -> p.topic.equals(topic));
                }
            }
            default -> throw new IllegalStateException("unknown share state record type " + type);
        }
    }

    private static String str(ByteBuffer b) {
        int n = b.getShort() & 0xFFFF;
        byte[] s = new byte[n];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            LOG.debug("directory sync not supported for {}", dir, e);
        }
    }

    /** A growable big-endian byte builder. Not thread-safe. */
    private static final class Buf {
        private ByteBuffer b = ByteBuffer.allocate(64);

        private Buf ensure(int n) {
            if (b.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + n));
                b.flip();
                bigger.put(b);
                b = bigger;
            }
            return this;
        }

        Buf u8(int v) {
            ensure(1).b.put((byte) v);
            return this;
        }

        Buf u16(int v) {
            ensure(2).b.putShort((short) v);
            return this;
        }

        Buf i32(int v) {
            ensure(4).b.putInt(v);
            return this;
        }

        Buf i64(long v) {
            ensure(8).b.putLong(v);
            return this;
        }

        Buf str(String s) {
            byte[] x = s.getBytes(StandardCharsets.UTF_8);
            ensure(2 + x.length).b.putShort((short) x.length).put(x);
            return this;
        }

        byte[] bytes() {
            byte[] out = new byte[b.position()];
            b.flip();
            b.get(out);
            return out;
        }
    }
}
