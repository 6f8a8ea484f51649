package io.streambus.broker.log;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.protocol.message.MessageCursor;
import io.streambus.broker.security.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of one partition: a sequence of segments holding stored batches (see {@link LogManager} for the layout).
 *
 * <p>Thread-safe. Appends are serialized by a per-partition lock; reads run concurrently with appends and with each
 * other and see a consistent prefix of the log: the high-water mark is published only after a batch is completely
 * written (and forced, with {@link FlushPolicy#EVERY_WRITE}), so a reader never sees a partial batch. Obtain
 * instances from {@link LogManager#partition}; after the topic is deleted every call throws
 * {@link UnknownTopicException}, after the manager is closed {@link StorageException}.
 */
public final class PartitionLog {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);
    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
    private static final int MIN_WINDOW = 16 * 1024;
    private static final int MAX_WINDOW = 1024 * 1024;

    private enum State { OPEN, CLOSED, DELETED }

    private final String topic;
    private final int partition;
    private final Path dir;
    private final LogConfig config;
    private final String name;
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    /** Serializes appends, rolls and close. */
    private final ReentrantLock appendLock = new ReentrantLock();
    /** Readers hold the read lock; removing segments (retention, close) takes the write lock. */
    private final ReentrantReadWriteLock segmentsLock = new ReentrantReadWriteLock();
    private final CRC32C crc = new CRC32C();
    private volatile Segment active;
    /** Offset the next append gets; guarded by appendLock. Ahead of nextOffset while a write awaits its force. */
    private long writeOffset;
    /** Published end: readers see offsets below it. With every-write only data already forced. */
    private volatile long nextOffset;
    /** Bytes ever appended by this process (across segments): the positions of {@link #commits}. */
    private volatile long appendedBytes;
    /** Shares forces between concurrent appends with every-write; null with the other policies. */
    private final GroupCommit commits;
    private final Object publishLock = new Object();
    private volatile long startOffset;
    private volatile State state = State.OPEN;
    /** Set when an I/O error left the active segment in an unknown state; appends refuse until a restart. */
    private volatile String failure;
    private volatile boolean dirty;
    /** Offsets at and above this are kept by retention (open or prepared transactions, B.7.8.6); none when null. */
    private volatile java.util.function.LongSupplier retentionFloor;
    /** Forced before any force of this log's data ({@link #forceBarrier}); does nothing by default. */
    private volatile GroupCommit.Forcer barrier = () -> { };
    /** The last point {@link #recoveryPoint()} returned; checkpoint task only. */
    private volatile RecoveryPoint lastRecoveryPoint;

    private PartitionLog(String topic, int partition, Path dir, LogConfig config) {
        this.topic = topic;
        this.partition = partition;
        this.dir = dir;
        this.config = config;
        this.name = topic + "-" + partition;
        this.commits = config.flushPolicy().kind() == FlushPolicy.Kind.EVERY_WRITE
                ? new GroupCommit(() -> appendedBytes, () -> Fsyncs.force(active.log, false), 0)
                : null;
    }

    /**
     * Sets what must be on disk before any of this log's data is: {@code b} runs before every force of the log
     * (group commit, interval flush, segment seal, recovery point, clean close). The exactly-once layer forces its
     * producer journal there, whose records (transaction markers among them) are written before the batches that
     * follow them, so no force makes a batch durable ahead of a journal record written before it. A failing barrier
     * fails the force it precedes.
     */
    public void forceBarrier(GroupCommit.Forcer b) {
        this.barrier = Objects.requireNonNull(b, "barrier");
        if (commits != null) {
            commits.beforeForce(b); // only then: a log without a barrier needs no pipelined rounds
        }
    }

    /** Opens (and recovers) the partition stored in {@code dir}, creating it when empty. */
    static PartitionLog open(String topic, int partition, Path dir, LogConfig config) throws IOException {
        return open(topic, partition, dir, config, null, new java.util.concurrent.atomic.LongAdder());
    }

    /** As above, recovering an unclean active segment from {@code point} (or null); adds bytes scanned to {@code scanned}. */
    static PartitionLog open(String topic, int partition, Path dir, LogConfig config, RecoveryPoint point,
            java.util.concurrent.atomic.LongAdder scanned) throws IOException {
        PartitionLog log = new PartitionLog(topic, partition, dir, config);
        List<Segment> recovered = LogRecovery.recover(dir, config, log.name, point, scanned);
        for (Segment s : recovered) {
            log.segments.put(s.baseOffset, s);
        }
        Segment last = recovered.get(recovered.size() - 1);
        log.active = last;
        log.startOffset = recovered.get(0).baseOffset;
        log.nextOffset = last.endOffset;
        log.writeOffset = last.endOffset;
        return log;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    /** First offset still readable (advances when retention deletes segments). */
    public long startOffset() {
        checkOpen();
        return startOffset;
    }

    /** Offset the next appended message will get; equal to the high-water mark (A.8.2). */
    public long endOffset() {
        checkOpen();
        return nextOffset;
    }

    /** Same as {@link #endOffset()}: without replication every appended message is committed. */
    public long highWaterMark() {
        return endOffset();
    }

    /** Bytes stored in this partition's segments (batch headers included). */
    public long sizeInBytes() {
        long total = 0;
        for (Segment s : segments.values()) {
            total += s.size;
        }
        return total;
    }

    /** Number of segment files; for tests and metrics. */
    int segmentCount() {
        return segments.size();
    }

    Path directory() {
        return dir;
    }

    /**
     * Appends the messages of {@code block} as one stored batch with the offsets {@code base .. base + count - 1},
     * written into each message's offset field of the stored copy (the value the producer sent is ignored, A.5).
     * The block was validated when the codec made it, so its A.5 records are not walked for errors again. The
     * caller keeps ownership of {@code block}; neither its content nor its indexes are changed.
     *
     * @throws InvalidRecordException when the block is empty or larger than a batch may be (nothing is appended)
     * @throws StorageException       on an I/O error (nothing is appended, or the partition refuses further appends
     *                                until a restart when the file state is unknown)
     */
    public AppendResult append(MessageBlock block) {
        return append(block, System.currentTimeMillis(), null);
    }

    /**
     * {@link #append(MessageBlock)} that first tells {@code beforeWrite} the base offset the batch gets, under the
     * append lock and before any byte of the batch is written: the exactly-once layer records its producer data
     * there, so that no crash can leave a batch in the log without it (B.12.5). If {@code beforeWrite} throws,
     * nothing is appended; if the append fails after it ran, the caller undoes what it recorded.
     */
    public AppendResult append(MessageBlock block, java.util.function.LongConsumer beforeWrite) {
        return append(block, System.currentTimeMillis(), Objects.requireNonNull(beforeWrite, "beforeWrite"));
    }

    /**
     * {@link #append(MessageBlock, java.util.function.LongConsumer)} without the wait for the disk: returns once the
     * batch is written. With {@link FlushPolicy#EVERY_WRITE} the batch is neither forced nor visible to readers yet,
     * and the caller must call {@link #awaitDurable} before acknowledging it; this lets the caller release its own
     * locks first, so that concurrent appends share one force (group commit). With the other policies the batch is
     * already published and {@link #awaitDurable} returns at once.
     */
    public PendingAppend appendPending(MessageBlock block, java.util.function.LongConsumer beforeWrite) {
        return write(block, System.currentTimeMillis(), Objects.requireNonNull(beforeWrite, "beforeWrite"), false,
                0, (short) 0, 0, false);
    }

    /**
     * {@link #appendPending(MessageBlock, java.util.function.LongConsumer)} of the batch of a sequenced or
     * transactional Produce: the batch is stored with its producer id, epoch, base sequence and whether it is
     * transactional (batch magic 2), which is how the log itself records what B.12.5 asks of it, and what
     * {@link #scanProducerBatches} reports at a rebuild.
     *
     * @param baseSequence the batch's base sequence, or -1 for a transactional batch without sequence
     */
    public PendingAppend appendPending(MessageBlock block, long producerId, short epoch, int baseSequence,
            boolean transactional, java.util.function.LongConsumer beforeWrite) {
        return write(block, System.currentTimeMillis(), Objects.requireNonNull(beforeWrite, "beforeWrite"), true,
                producerId, epoch, baseSequence, transactional);
    }

    /** What {@link #scanProducerBatches} reports for each batch stored with producer fields. */
    @FunctionalInterface
    public interface ProducerBatchVisitor {
        /**
         * One batch of a sequenced or transactional Produce.
         *
         * @param baseSequence -1 for a transactional batch without sequence
         */
        void batch(long baseOffset, int count, long appendTimeMs, long producerId, short epoch, int baseSequence,
                boolean transactional);
    }

    /**
     * Reports, in offset order, every batch stored with producer fields whose base offset is at least
     * {@code fromOffset} and below the end offset as of the call (offsets below the start offset are gone and
     * skipped). Walks batch headers only, from the sparse index entry at or before {@code fromOffset}: the cost is
     * one read per batch between there and the end. Runs concurrently with appends (it does not see batches
     * appended meanwhile) and holds off retention while it runs.
     *
     * @return the number of batches reported
     * @throws StorageException when the file cannot be read or a batch header is inconsistent
     */
    public int scanProducerBatches(long fromOffset, ProducerBatchVisitor visitor) {
        Objects.requireNonNull(visitor, "visitor");
        ReentrantReadWriteLock.ReadLock lock = segmentsLock.readLock();
        lock.lock();
        try {
            checkOpen();
            long end = nextOffset;
            long from = Math.max(fromOffset, startOffset);
            if (from >= end) {
                return 0;
            }
            Map.Entry<Long, Segment> e = segments.floorEntry(from);
            if (e == null) {
                throw new StorageException("no segment of " + name + " holds offset " + from);
            }
            Segment seg = e.getValue();
            long fp = seg.index.floorPosition(from - seg.baseOffset);
            ByteBuffer window = ByteBuffer.allocate(64 * 1024);
            long windowStart = 0;
            window.limit(0); // empty
            int found = 0;
            while (true) {
                long visible = seg.size;
                while (fp < visible) {
                    if (visible - fp < BatchFormat.HEADER_SIZE) {
                        throw new StorageException("truncated batch header in " + seg + " at byte " + fp);
                    }
                    int need = (int) Math.min(BatchFormat.PRODUCER_HEADER_SIZE, visible - fp);
                    if (fp < windowStart || fp + need > windowStart + window.limit()) {
                        window.clear();
                        window.limit((int) Math.min(window.capacity(), visible - fp));
                        IoUtil.readFully(seg.log, window, fp);
                        windowStart = fp;
                    }
                    int h = (int) (fp - windowStart);
                    long batchEnd = fp + 4 + (window.getInt(h + BatchFormat.LENGTH_OFFSET) & 0xFFFFFFFFL);
                    byte magic = window.get(h + BatchFormat.MAGIC_OFFSET);
                    long base = window.getLong(h + BatchFormat.BASE_OFFSET_OFFSET);
                    int count = window.getInt(h + BatchFormat.COUNT_OFFSET);
                    int hs = BatchFormat.headerSize(magic);
                    if (hs < 0 || need < hs || batchEnd > visible || base < seg.baseOffset) {
                        throw new StorageException("inconsistent batch header in " + seg + " at byte " + fp);
                    }
                    if (base >= end) {
                        return found;
                    }
                    if (magic == BatchFormat.MAGIC_PRODUCER && base >= from) {
                        visitor.batch(base, count, window.getLong(h + BatchFormat.TIME_OFFSET),
                                window.getLong(h + BatchFormat.PRODUCER_ID_OFFSET),
                                window.getShort(h + BatchFormat.EPOCH_OFFSET),
                                window.getInt(h + BatchFormat.BASE_SEQUENCE_OFFSET),
                                (window.get(h + BatchFormat.ATTRIBUTES_OFFSET) & BatchFormat.ATTR_TRANSACTIONAL) != 0);
                        found++;
                    }
                    fp = batchEnd;
                }
                Map.Entry<Long, Segment> n = segments.higherEntry(seg.baseOffset);
                if (n == null) {
                    return found;
                }
                seg = n.getValue();
                fp = 0;
                windowStart = 0;
                window.limit(0);
            }
        } catch (IOException e) {
            throw new StorageException("scan of the producer batches of " + name + " failed: " + e, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Everything written so far as one pending append (its result has count 0 and the write end as base offset and
     * high-water mark): {@link #awaitDurable} on it waits until every batch written before this call is on disk and
     * published, e.g. the original of a duplicate whose own append is still waiting for its force.
     */
    public PendingAppend pendingEnd() {
        appendLock.lock();
        try {
            checkOpen();
            return new PendingAppend(new AppendResult(writeOffset, 0, writeOffset), appendedBytes);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * With {@link FlushPolicy#EVERY_WRITE}, waits until {@code pending} is on disk (the force barrier first, then the
     * log; concurrent waiters share the force) and publishes it to readers; returns at once with the other policies.
     *
     * @throws StorageException if the force failed (now or earlier): the partition then refuses appends until a
     *                          restart, whose recovery keeps the batch only if it reached the disk
     */
    public void awaitDurable(PendingAppend pending) {
        if (commits == null) {
            return;
        }
        try {
            commits.sync(pending.position());
        } catch (IOException e) {
            failure = e.toString();
            throw new StorageException("sync of " + name + " failed: " + e, e);
        }
        publish(pending.result().highWaterMark());
    }

    /** {@link #append(MessageBlock)} with the append time given (tests use it to simulate the passing of time). */
    AppendResult append(MessageBlock block, long nowMs) {
        return append(block, nowMs, null);
    }

    private AppendResult append(MessageBlock block, long nowMs, java.util.function.LongConsumer beforeWrite) {
        PendingAppend p = write(block, nowMs, beforeWrite, false, 0, (short) 0, 0, false);
        // Outside the append lock, so that the appends that arrive meanwhile are covered by one later force.
        awaitDurable(p);
        return p.result();
    }

    /**
     * Writes the batch under the append lock; with every-write it is not forced or published yet. With
     * {@code producer} the batch gets magic 2 and the producer fields that follow, otherwise magic 1.
     */
    private PendingAppend write(MessageBlock block, long nowMs, java.util.function.LongConsumer beforeWrite,
            boolean producer, long producerId, short epoch, int baseSequence, boolean transactional) {
        Objects.requireNonNull(block, "block");
        int count = block.count();
        if (count < 1) {
            throw new InvalidRecordException("message count", 0, "must be at least 1, was " + count);
        }
        int header = producer ? BatchFormat.PRODUCER_HEADER_SIZE : BatchFormat.HEADER_SIZE;
        ByteBuf messages = block.messagesSlice();
        int len = messages.readableBytes();
        if (len > BatchFormat.MAX_BATCH_BYTES - header) {
            throw new InvalidRecordException("messages", 0, len + " bytes exceed the batch limit of "
                    + (BatchFormat.MAX_BATCH_BYTES - header));
        }
        int total = header + len;
        // One bulk copy into a direct buffer: it gets the batch header in front, the offsets written in, and is what
        // the kernel reads from (a heap buffer would be copied by the JDK anyway).
        ByteBuf batch = ALLOC.directBuffer(total, total);
        try {
            if (producer) {
                batch.setByte(BatchFormat.MAGIC_OFFSET, BatchFormat.MAGIC_PRODUCER);
                batch.setLong(BatchFormat.PRODUCER_ID_OFFSET, producerId);
                batch.setShort(BatchFormat.EPOCH_OFFSET, epoch);
                batch.setInt(BatchFormat.BASE_SEQUENCE_OFFSET, baseSequence);
                batch.setByte(BatchFormat.ATTRIBUTES_OFFSET, transactional ? BatchFormat.ATTR_TRANSACTIONAL : 0);
            } else {
                batch.setByte(BatchFormat.MAGIC_OFFSET, BatchFormat.MAGIC);
            }
            batch.writerIndex(header);
            batch.writeBytes(messages, messages.readerIndex(), len);
            // Where each message starts in the batch, from the block's own (validated) layout.
            int[] starts = new int[count];
            MessageCursor c = block.cursor();
            for (int i = 0; c.next(); i++) {
                starts[i] = c.messageIndex() - (block.buffer().readerIndex() + MessageBlock.BLOCK_OVERHEAD)
                        + header;
            }
            return appendBatch(batch, starts, count, nowMs, beforeWrite);
        } finally {
            batch.release();
        }
    }

    private PendingAppend appendBatch(ByteBuf batch, int[] starts, int count, long now,
            java.util.function.LongConsumer beforeWrite) {
        appendLock.lock();
        try {
            AppendResult r = appendLocked(batch, starts, count, now, beforeWrite);
            return new PendingAppend(r, appendedBytes);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Makes offsets below {@code end} visible to readers. A force covers every write before it, so publishing a
     * later end also covers earlier batches whose own sync has not returned yet.
     */
    private void publish(long end) {
        synchronized (publishLock) {
            if (end > nextOffset) {
                nextOffset = end;
            }
        }
    }

    /** Writes the batch; caller holds appendLock. */
    private AppendResult appendLocked(ByteBuf batch, int[] starts, int count, long now,
            java.util.function.LongConsumer beforeWrite) {
        int total = batch.readableBytes();
        checkOpen();
        if (failure != null) {
            throw new StorageException("partition " + name + " refuses appends after an earlier I/O error ("
                    + failure + "); restart the broker to recover it");
        }
        long base = writeOffset;
        if (beforeWrite != null) {
            beforeWrite.accept(base);
        }
        for (int i = 0; i < count; i++) {
            batch.setLong(starts[i], base + i);
        }
        batch.setInt(BatchFormat.LENGTH_OFFSET, total - 4); // the magic and producer fields are set already
        batch.setLong(BatchFormat.BASE_OFFSET_OFFSET, base);
        batch.setInt(BatchFormat.COUNT_OFFSET, count);
        batch.setLong(BatchFormat.TIME_OFFSET, now);
        crc.reset();
        crc.update(batch.nioBuffer(BatchFormat.CRC_START, total - BatchFormat.CRC_START));
        batch.setInt(BatchFormat.CRC_OFFSET, (int) crc.getValue());

        Segment seg = maybeRoll(total, count, now);
        long pos = seg.size;
        int indexEntries = seg.index.count();
        long indexedBefore = seg.lastIndexedPosition;
        try {
            ByteBuffer nio = batch.nioBuffer();
            long at = pos;
            while (nio.hasRemaining()) {
                at += seg.log.write(nio, at);
            }
            if (pos - seg.lastIndexedPosition >= config.indexIntervalBytes()) {
                seg.index.add((int) (base - seg.baseOffset), (int) pos);
                seg.lastIndexedPosition = pos;
                seg.index.writeEntry(seg.indexChannel, seg.index.count() - 1);
            }
        } catch (IOException e) {
            seg.index.truncateTo(indexEntries);
            seg.lastIndexedPosition = indexedBefore;
            undoWrite(seg, pos, e);
            throw new StorageException("append to " + name + " failed: " + e, e);
        }
        if (pos == 0) {
            seg.firstAppendTimeMs = now;
        }
        seg.lastAppendTimeMs = now;
        seg.size = pos + total;
        seg.endOffset = base + count;
        if (config.flushPolicy().kind() != FlushPolicy.Kind.EVERY_WRITE) {
            dirty = true;
        }
        writeOffset = base + count;
        appendedBytes += total;
        if (commits == null) {
            publish(writeOffset); // publishes the batch to readers; with every-write only after the force
        }
        return new AppendResult(base, count, base + count);
    }

    /** Cuts a partly written batch off again; if even that fails, no further append may follow it. */
    private void undoWrite(Segment seg, long pos, IOException cause) {
        try {
            seg.log.truncate(pos);
        } catch (IOException e) {
            failure = cause.toString();
            LOG.error("{}: could not truncate {} back to {} after a failed write; appends disabled", name, seg, pos,
                    e);
        }
    }

    private Segment maybeRoll(int batchBytes, int count, long now) {
        Segment seg = active;
        long segmentMs = config.segmentTime() == null ? -1 : config.segmentTime().toMillis();
        boolean full = seg.size > 0 && (seg.size + batchBytes > config.segmentBytes()
                || seg.size + batchBytes > Integer.MAX_VALUE
                || writeOffset + count - seg.baseOffset > Integer.MAX_VALUE
                || (segmentMs >= 0 && now - seg.firstAppendTimeMs > segmentMs));
        return full ? roll(seg) : seg;
    }

    /** Starts a new active segment at {@code writeOffset} after sealing {@code seg}; caller holds appendLock. */
    private Segment roll(Segment seg) {
        Segment next;
        try {
            next = Segment.create(dir, writeOffset, config.segmentFiles());
        } catch (IOException e) {
            throw new StorageException("could not create a new segment for " + name + ": " + e, e);
        }
        try {
            // Older segments are always complete on disk, so recovery only has to scan the last one.
            barrier.force();
            seg.seal();
            IoUtil.fsyncDirectory(dir);
        } catch (IOException e) {
            next.closeQuietly();
            try {
                next.deleteFiles();
                seg.openIndexForAppend();
            } catch (IOException e2) {
                e.addSuppressed(e2);
            }
            throw new StorageException("could not roll segment of " + name + ": " + e, e);
        }
        segments.put(next.baseOffset, next);
        active = next;
        return next;
    }

    /**
     * Reads messages from {@code offset} on, with the rules of A.6.2:
     *
     * <ul>
     *   <li>{@code offset} below the start offset or at/after the high-water mark, or {@code maxBytes} 0: no
     *       messages (never an error);</li>
     *   <li>otherwise messages are added while the running total of key + value bytes, compared <em>before</em>
     *       adding each message, is below {@code maxBytes}: at least one message, the last one may overshoot;</li>
     *   <li>and while the encoded messages stay within {@code maxBlockBytes} (the room left in the reply frame): a
     *       message that would not fit ends the read, even the first one.</li>
     * </ul>
     *
     * @param maxBytes      read as an unsigned 32-bit value, so the wire's u32 can be passed unchanged
     * @param maxBlockBytes at least 0
     * @return the messages, owned by the caller (release them)
     * @throws StorageException when the file cannot be read or its content is inconsistent
     */
    public ReadResult read(long offset, int maxBytes, int maxBlockBytes) {
        return read(offset, maxBytes, maxBlockBytes, 0, Reader::result, ReadResult::empty);
    }

    /**
     * As {@link #read(long, int, int)}, as a {@link MessageBlock} over one contiguous buffer (the u32 count written
     * in front of the messages as they are copied, so nothing is copied again or re-validated: the read checked
     * every message as {@link MessageBlock#wrap} would). For readers that walk the messages one by one (share-group
     * acquisition), which would otherwise pay for a composite buffer and a second validation pass.
     *
     * @return the block, owned by the caller (release it); null when there are no messages
     * @throws StorageException when the file cannot be read or its content is inconsistent
     */
    public MessageBlock readBlock(long offset, int maxBytes, int maxBlockBytes) {
        // The count field and the messages are one buffer: they cannot exceed what an int indexes.
        int maxMessages = Math.min(maxBlockBytes, Integer.MAX_VALUE - MessageBlock.BLOCK_OVERHEAD);
        return read(offset, maxBytes, maxMessages, MessageBlock.BLOCK_OVERHEAD, (r, hwm) -> r.block(), hwm -> null);
    }

    /** Turns a finished {@link Reader} into a result. */
    @FunctionalInterface
    private interface Finish<T> {
        T apply(Reader r, long hwm);
    }

    /**
     * The read of {@link #read(long, int, int)}, with {@code prefix} bytes reserved in front of the messages;
     * {@code empty} (given the high-water mark) when there are none.
     */
    private <T> T read(long offset, int maxBytes, int maxBlockBytes, int prefix, Finish<T> finish,
                       java.util.function.LongFunction<T> empty) {
        if (maxBlockBytes < 0) {
            throw new IllegalArgumentException("maxBlockBytes must be at least 0, was " + maxBlockBytes);
        }
        long maxKv = Integer.toUnsignedLong(maxBytes);
        ReentrantReadWriteLock.ReadLock lock = segmentsLock.readLock();
        lock.lock();
        try {
            checkOpen();
            long hwm = nextOffset;
            if (offset < startOffset || offset >= hwm || maxKv == 0
                    || maxBlockBytes < MessageScanner.MIN_MESSAGE_SIZE) {
                return empty.apply(hwm);
            }
            int window = (int) Math.max(MIN_WINDOW, Math.min(MAX_WINDOW, Math.min(maxKv, maxBlockBytes)));
            try (Reader r = new Reader(offset, hwm, maxKv, maxBlockBytes, window, prefix)) {
                r.read();
                return r.count == 0 ? empty.apply(hwm) : finish.apply(r, hwm);
            } catch (IOException e) {
                throw new StorageException("read of " + name + " at offset " + offset + " failed: " + e, e);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * One read: walks batch headers from the sparse index position to the batch holding {@code offset}, then
     * copies the kept messages, one contiguous run per batch, from a window of file bytes into the result.
     */
    private final class Reader implements AutoCloseable {
        private final long offset;
        private final long hwm;
        private final long maxKv;
        private final int maxBlock;
        private final int windowSize;
        private Segment seg;
        private ByteBuf window;
        private long windowStart;
        private ByteBuf out;
        private int count;
        private long kv;
        private int outBytes;
        /** Bytes reserved in front of the messages of {@link #out}. */
        private final int prefix;
        /** Largest message kept, and where the last one starts among the kept bytes. */
        private int maxSize;
        private int lastAt;
        private long first = -1;
        private long last = -1;
        /** File position of the first message of the current run of kept messages, or -1. */
        private long runStart = -1;

        Reader(long offset, long hwm, long maxKv, int maxBlock, int windowSize, int prefix) {
            this.prefix = prefix;
            this.offset = offset;
            this.hwm = hwm;
            this.maxKv = maxKv;
            this.maxBlock = maxBlock;
            this.windowSize = windowSize;
        }

        void read() throws IOException {
            Map.Entry<Long, Segment> e = segments.floorEntry(offset);
            if (e == null) {
                throw new StorageException("no segment of " + name + " holds offset " + offset);
            }
            seg = e.getValue();
            long fp = seg.index.floorPosition(offset - seg.baseOffset);
            long visible = seg.size;
            boolean more = true;
            while (more) {
                if (fp >= visible) {
                    Map.Entry<Long, Segment> n = segments.higherEntry(seg.baseOffset);
                    if (n == null) {
                        break;
                    }
                    seg = n.getValue();
                    fp = 0;
                    visible = seg.size;
                    releaseWindow();
                    continue;
                }
                // The smallest header tells the magic, and with it where the messages start (magic 1 or 2).
                ensure(fp, BatchFormat.HEADER_SIZE, visible);
                int h = (int) (fp - windowStart);
                long batchEnd = fp + 4 + (window.getInt(h + BatchFormat.LENGTH_OFFSET) & 0xFFFFFFFFL);
                long base = window.getLong(h + BatchFormat.BASE_OFFSET_OFFSET);
                long batchCount = window.getInt(h + BatchFormat.COUNT_OFFSET) & 0xFFFFFFFFL;
                int header = BatchFormat.headerSize(window.getByte(h + BatchFormat.MAGIC_OFFSET));
                if (header < 0 || fp + header > batchEnd || batchEnd > visible || base < seg.baseOffset
                        || (first < 0 && base > offset)) {
                    throw new StorageException("inconsistent batch header in " + seg + " at byte " + fp);
                }
                if (base + batchCount <= offset) {
                    fp = batchEnd;
                    continue;
                }
                more = readBatch(fp + header, batchEnd, base, base + batchCount);
                fp = batchEnd;
            }
        }

        /** The messages read (at least one), handed over to the caller. */
        ReadResult result(long hwm) {
            ByteBuf result = out;
            out = null;
            return new ReadResult(result, count, first, last, hwm);
        }

        /** The messages read (at least one) as a block, handed over to the caller; needs a prefix of 4. */
        MessageBlock block() {
            ByteBuf result = out.setInt(0, count).readerIndex(0);
            out = null;
            return new MessageBlock(result, count, maxSize, prefix + lastAt);
        }

        /** Handles the messages of one batch; false when the read is complete. */
        private boolean readBatch(long mp, long batchEnd, long base, long batchNext) throws IOException {
            long mo = base;
            while (mp < batchEnd) {
                if (mo >= hwm) {
                    flushRun(mp);
                    return false;
                }
                int size = measure(mp, batchEnd);
                if (mo >= offset) {
                    int at = (int) (mp - windowStart);
                    if ((count > 0 && kv >= maxKv) || (long) outBytes + size > maxBlock) {
                        flushRun(mp);
                        return false;
                    }
                    if (runStart < 0) {
                        runStart = mp;
                    }
                    kv += MessageScanner.keyValueBytes(window, at);
                    lastAt = outBytes;
                    maxSize = Math.max(maxSize, size);
                    outBytes += size;
                    count++;
                    if (first < 0) {
                        first = mo;
                    }
                    last = mo;
                }
                mp += size;
                mo++;
            }
            flushRun(mp);
            if (mo != batchNext) {
                throw new StorageException("batch " + base + " in " + seg + " holds " + (mo - base)
                        + " messages, its header says " + (batchNext - base));
            }
            return mo < hwm;
        }

        /** Size of the message at file position {@code mp}, reading more of the file as needed. */
        private int measure(long mp, long batchEnd) throws IOException {
            int want = windowSize;
            while (true) {
                ensure(mp, 1, batchEnd);
                int at = (int) (mp - windowStart);
                int avail = window.writerIndex();
                int hard = (int) (batchEnd - windowStart);
                int size;
                try {
                    size = MessageScanner.measure(window, at, avail, hard, at);
                } catch (InvalidRecordException e) {
                    throw new StorageException("corrupt message in " + seg + " at byte " + mp + ": "
                            + e.getMessage());
                }
                if (size != MessageScanner.NEED_MORE) {
                    return size;
                }
                // The message runs past the window: restart the window at it, larger each time.
                flushRun(mp);
                want = (int) Math.min(Math.max((long) want * 2, (long) (avail - at) * 2), batchEnd - mp);
                refill(mp, want, batchEnd);
            }
        }

        /** Makes bytes [fp, fp + n) available in the window, reading up to {@code limit}. */
        private void ensure(long fp, int n, long limit) throws IOException {
            if (window != null && fp >= windowStart && fp + n <= windowStart + window.writerIndex()) {
                return;
            }
            if (limit - fp < n) {
                throw new StorageException("truncated data in " + seg + " at byte " + fp);
            }
            flushRun(fp);
            refill(fp, (int) Math.min(Math.max(windowSize, n), limit - fp), limit);
        }

        private void refill(long fp, int size, long limit) throws IOException {
            if (window == null || window.capacity() < size) {
                releaseWindow();
                window = ALLOC.directBuffer(size);
            }
            window.clear();
            IoUtil.readFully(seg.log, window, fp, (int) Math.min(size, limit - fp));
            windowStart = fp;
        }

        /** Copies the kept messages [runStart, end) from the window into the result. */
        private void flushRun(long end) {
            if (runStart < 0) {
                return;
            }
            int len = (int) (end - runStart);
            if (len > 0) {
                if (out == null) {
                    out = ALLOC.directBuffer(prefix + Math.min(maxBlock, Math.max(outBytes, 4096)), prefix + maxBlock);
                    out.writerIndex(prefix).readerIndex(prefix);
                }
                out.writeBytes(window, (int) (runStart - windowStart), len);
            }
            runStart = -1;
        }

        private void releaseWindow() {
            if (window != null) {
                window.release();
                window = null;
            }
        }

        @Override
        public void close() {
            releaseWindow();
            if (out != null) {
                out.release();
                out = null;
            }
        }
    }

    /** Forces appended data to disk. */
    public void flush() {
        Segment seg = active;
        if (state != State.OPEN) {
            return;
        }
        dirty = false;
        try {
            barrier.force();
            Fsyncs.force(seg.log, false);
        } catch (ClosedChannelException e) {
            if (state == State.OPEN) {
                throw new StorageException("flush of " + name + " failed: file closed", e);
            }
        } catch (IOException e) {
            dirty = true;
            throw new StorageException("flush of " + name + " failed: " + e, e);
        }
    }

    /**
     * The partition's current recovery point after forcing the active segment's log and index up to it (skipped
     * when nothing was appended since the last point); the previous point when the partition failed or the segment
     * rolled meanwhile; null once closed or deleted. Called by the log manager's checkpoint task only; takes the
     * append lock just long enough to read the end of the log, so appends continue while the force runs.
     */
    RecoveryPoint recoveryPoint() {
        Segment seg;
        long size;
        long end;
        SegmentFile indexChannel;
        appendLock.lock();
        try {
            if (state != State.OPEN) {
                return null; // a deleted partition must not leave a point a recreated one could pick up
            }
            if (failure != null) {
                return lastRecoveryPoint;
            }
            seg = active;
            size = seg.size;
            end = seg.endOffset;
            indexChannel = seg.indexChannel;
        } finally {
            appendLock.unlock();
        }
        RecoveryPoint point = new RecoveryPoint(seg.baseOffset, size, end);
        if (point.equals(lastRecoveryPoint)) {
            return point;
        }
        try {
            if (config.flushPolicy().kind() != FlushPolicy.Kind.EVERY_WRITE) {
                barrier.force();
                seg.log.force(false);
            }
            if (indexChannel != null) {
                indexChannel.force(false);
            }
        } catch (IOException e) {
            // Closed by a roll, retention or close meanwhile, or a failing disk: keep the older point.
            LOG.debug("{}: recovery point not advanced: {}", name, e.toString());
            return lastRecoveryPoint;
        }
        lastRecoveryPoint = point;
        return point;
    }

    /** True when appends since the last flush may not be on disk yet (never with EVERY_WRITE). */
    boolean hasUnflushedData() {
        return dirty;
    }

    /** Flush for the interval policy: only when something was appended since the last flush. */
    void flushIfDirty() {
        if (dirty) {
            flush();
        }
    }

    /**
     * Sets what retention must keep: no segment holding an offset at or above {@code floor.getAsLong()} is deleted
     * (the exactly-once layer passes the first offset of the oldest open or prepared transaction).
     */
    public void retentionFloor(java.util.function.LongSupplier floor) {
        this.retentionFloor = floor;
    }

    /**
     * Deletes whole old segments (never the active one) that retention by size or age no longer needs, advancing
     * the start offset. With retention by age, an idle active segment whose newest batch is already too old is
     * rolled first, so it can be deleted too: the partition is then empty, with the start offset equal to the end
     * offset, and offsets continue where they were. Returns the number of segments deleted.
     */
    int applyRetention(long nowMs) {
        long retentionBytes = config.retentionBytes();
        long retentionMs = config.retentionTime() == null ? -1 : config.retentionTime().toMillis();
        if (retentionBytes < 0 && retentionMs < 0) {
            return 0;
        }
        if (retentionMs >= 0) {
            rollIfExpired(nowMs, retentionMs);
        }
        List<Segment> doomed = new ArrayList<>();
        ReentrantReadWriteLock.WriteLock lock = segmentsLock.writeLock();
        lock.lock();
        try {
            if (state != State.OPEN) {
                return 0;
            }
            Segment current = active;
            long total = sizeInBytes();
            java.util.function.LongSupplier floorSupplier = retentionFloor;
            long floor = floorSupplier == null ? Long.MAX_VALUE : floorSupplier.getAsLong();
            for (Segment s : segments.values()) {
                if (s == current || s.baseOffset >= current.baseOffset || s.endOffset > floor) {
                    break;
                }
                boolean bySize = retentionBytes >= 0 && total - s.size >= retentionBytes;
                boolean byAge = retentionMs >= 0 && nowMs - s.lastAppendTimeMs > retentionMs;
                if (!bySize && !byAge) {
                    break;
                }
                doomed.add(s);
                total -= s.size;
            }
            if (doomed.isEmpty()) {
                return 0;
            }
            for (Segment s : doomed) {
                segments.remove(s.baseOffset);
            }
            startOffset = segments.firstKey();
            for (Segment s : doomed) {
                s.closeQuietly();
                try {
                    s.deleteFiles();
                } catch (IOException e) {
                    LOG.warn("{}: could not delete retired segment {}: {}", name, s, e.toString());
                }
            }
        } finally {
            lock.unlock();
        }
        LOG.info("{}: retention deleted {} segment(s); start offset now {}", name, doomed.size(), startOffset);
        return doomed.size();
    }

    /** Rolls the active segment when it holds batches and even its newest one is older than the retention time. */
    private void rollIfExpired(long nowMs, long retentionMs) {
        Segment seg = active;
        if (seg.size == 0 || nowMs - seg.lastAppendTimeMs <= retentionMs) {
            return; // cheap check first: the usual case takes no lock
        }
        appendLock.lock();
        try {
            seg = active;
            if (state != State.OPEN || failure != null || seg.size == 0
                    || nowMs - seg.lastAppendTimeMs <= retentionMs) {
                return;
            }
            try {
                roll(seg);
            } catch (StorageException e) {
                // The old segment stays active and keeps its data; the next run tries again.
                LOG.warn("{}: could not roll idle segment {} for retention: {}", name, seg, e.getMessage());
                return;
            }
            LOG.info("{}: rolled idle segment {} for retention by age", name, seg);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Closes the partition. A clean close forces everything and writes the clean-shutdown marker; a close for
     * deletion just releases the files. Waits for a running append or read to finish.
     */
    void close(boolean deleted) throws IOException {
        appendLock.lock();
        try {
            ReentrantReadWriteLock.WriteLock lock = segmentsLock.writeLock();
            lock.lock();
            try {
                if (state != State.OPEN) {
                    return;
                }
                state = deleted ? State.DELETED : State.CLOSED;
                IOException error = null;
                if (!deleted) {
                    try {
                        Segment seg = active;
                        barrier.force();
                        seg.log.force(true);
                        if (seg.indexChannel != null) {
                            seg.indexChannel.force(true);
                        }
                        if (failure == null) {
                            PrivateFiles.write(dir.resolve(BatchFormat.CLEAN_MARKER), new byte[0]);
                            IoUtil.fsyncDirectory(dir);
                        }
                    } catch (IOException e) {
                        error = e;
                    }
                }
                for (Segment s : segments.values()) {
                    s.closeQuietly();
                }
                if (error != null) {
                    throw error;
                }
            } finally {
                lock.unlock();
            }
        } finally {
            appendLock.unlock();
        }
    }

    private void checkOpen() {
        State s = state;
        if (s == State.DELETED) {
            throw new UnknownTopicException(topic);
        }
        if (s == State.CLOSED) {
            throw new StorageException("partition " + name + " is closed");
        }
    }

    @Override
    public String toString() {
        return "PartitionLog{" + name + ", start=" + startOffset + ", end=" + nextOffset + '}';
    }
}
