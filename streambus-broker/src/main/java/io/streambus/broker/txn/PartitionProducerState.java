package io.streambus.broker.txn;

import io.streambus.broker.log.AppendResult;
import io.streambus.broker.log.FlushPolicy;
import io.streambus.broker.log.LogException;
import io.streambus.broker.log.PartitionLog;
import io.streambus.broker.log.PendingAppend;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.message.MessageBlock;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exactly-once state of one partition: per producer id the epoch, the last sequence, the last 5 batches and the
 * last append time (B.12.1); the batches of open transactions (which hold the last stable offset, B.7.7) and the
 * offset ranges of aborted transactions (which read-committed Fetch skips).
 *
 * <p><b>Log and journal.</b> The producer data B.12.5 asks the log to record is in the log itself: a sequenced or
 * transactional batch is stored with its producer id, epoch, base sequence and transactional flag in its header
 * ({@link PartitionLog#appendPending(MessageBlock, long, short, int, boolean, java.util.function.LongConsumer)};
 * count and append time are in every header). A journal next to the partition
 * ({@code <dataDir>/__eos/partitions/<topic>/<partition>.journal}) holds the rest and spares the rebuild a scan of
 * the whole log: one record per such batch (base offset, count, producer id, epoch, base sequence, append time), one
 * per transaction marker (producer id, commit or abort), "covered" records (every such batch below an offset is
 * described by the records before it) and snapshot records. Markers live only here, so they spend no offsets and
 * can never appear in a Fetch. A batch's journal record is written under the log's append lock just before the
 * batch, with the offsets it gets: a crash between the two leaves a record beyond the log end, which the rebuild at
 * open drops (rewriting the journal as a snapshot), as it drops what a snapshot describes beyond the log end (a
 * snapshot is forced, the log's tail may not be). A power loss can leave a batch on disk without its record (the
 * kernel writes dirty log pages back when it likes, and a log force writes batches appended after the journal's
 * force): the rebuild finds such batches in the log, after the last one the journal describes
 * ({@link #recoverFromLog}), and writes them to the journal. So the state never claims a batch the log does not
 * hold, and never misses one the log holds (B.12.5).
 *
 * <p>Thread-safe: every method runs under this object's monitor, except the waits for the disk, which run after
 * it so that concurrent producers on the partition share forces (group commit): the journal sync
 * ({@link RecordFile#sync}) and, with every-write, the force of the log that holds an appended batch
 * ({@link PartitionLog#awaitDurable}, whose barrier forces the journal first).
 */
final class PartitionProducerState {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionProducerState.class);
    /** Batches remembered per producer id (B.12.1). */
    static final int REMEMBERED_BATCHES = 5;
    private static final long SEQ_MOD = 1L << 31;
    /** Journal size above which it is rewritten as a snapshot. */
    static final long SNAPSHOT_THRESHOLD_BYTES = 4L << 20;

    private static final byte R_BATCH = 1;
    private static final byte R_MARKER = 2;
    private static final byte R_PRODUCER = 3;
    private static final byte R_OPEN = 4;
    private static final byte R_ABORTED = 5;
    /** Every sequenced or transactional batch below the offset it holds is described by the records before it. */
    private static final byte R_COVERED = 6;

    /** One remembered batch (B.12.1). */
    record Batch(int firstSeq, int lastSeq, long baseOffset, int count) {
    }

    /** The state of one producer id on this partition. */
    static final class Producer {
        short epoch;
        int lastSeq = -1;
        long lastAppendMs;
        final ArrayDeque<Batch> batches = new ArrayDeque<>();
    }

    /** What a sequenced/transactional append did. */
    record Outcome(int errorCode, String message, long baseOffset, int count, long highWaterMark, long syncTo) {
        static Outcome error(int code, String message) {
            return new Outcome(code, message, -1, 0, -1, -1);
        }
    }

    private final String name;
    /** The partition's log: a snapshot waits for its pending forces. */
    private final PartitionLog log;
    private final RecordFile journal;
    private final Map<Long, Producer> producers = new HashMap<>();
    /** Per producer id with an open transaction here: its batches, [base, end) pairs. */
    private final Map<Long, List<long[]>> open = new HashMap<>();
    /** Offset ranges of aborted transactions' batches: base -> end (exclusive). */
    private final TreeMap<Long, Long> aborted = new TreeMap<>();
    private long droppedAtOpen;
    /** Rebuild only: the end of the last batch the journal describes (batch and covered records), or -1. */
    private long describedEnd = -1;
    /** Rebuild only: as {@link #describedEnd}, from the records of a snapshot without a covered record. */
    private long snapshotEnd = -1;
    /** Rebuild only: whether the journal holds a covered record (it does once this version opened it). */
    private boolean sawCovered;
    /** Why sequenced appends are refused until a restart (a journal record could not be taken back), or null. */
    private String failure;

    private PartitionProducerState(String name, PartitionLog log, RecordFile journal) {
        this.name = name;
        this.log = log;
        this.journal = journal;
    }

    /**
     * Opens the journal of {@code log} and rebuilds the state, dropping records of batches the log no longer holds
     * and those of producer ids that {@code knownProducer} rejects (expired or never issued).
     */
    static PartitionProducerState open(Path file, PartitionLog log, FlushPolicy policy, LongPredicate knownProducer)
            throws IOException {
        long end = log.endOffset();
        List<ByteBuffer> records = new ArrayList<>();
        RecordFile f = RecordFile.open(file, policy, b -> records.add(b));
        PartitionProducerState s = new PartitionProducerState(log.topic() + "-" + log.partition(), log, f);
        for (ByteBuffer b : records) {
            s.replay(b, end, knownProducer);
        }
        int recovered = f.created() ? 0 : s.recoverFromLog(end, knownProducer);
        s.pruneAborted(log.startOffset());
        if (recovered > 0 || s.droppedAtOpen > 0 || f.size() > SNAPSHOT_THRESHOLD_BYTES) {
            LOG.info("{}: producer journal: dropped {} record(s) beyond the log end or of unknown producers, "
                    + "added {} batch(es) found in the log only; rewriting it as a snapshot", s.name,
                    s.droppedAtOpen, recovered);
            s.snapshot();
        } else if (!s.sawCovered || s.describedEnd < end) {
            s.journal.append(coveredRecord(end)); // the next rebuild scans the log from here on
        }
        return s;
    }

    /**
     * Adds to the state the batches of sequenced and transactional appends that the log holds and the journal does
     * not describe, exactly as if their journal records had been read (sequenced: the producer's remembered batches,
     * last sequence, epoch and append time; transactional: a batch of the producer's open transaction, which the
     * restart then aborts unless the transaction is Prepared), in offset order after everything the journal holds.
     * Returns how many it added.
     *
     * <p>The scan starts at the end of the last batch the journal describes: that is sufficient. Batch records are
     * appended in log order (under the log's append lock, just before their batch), every later record (markers,
     * covered, batches) after them, and the journal is read back only up to its first torn or corrupt record, so
     * what survives a crash is a prefix of what was written. A batch below that end had its record written before
     * the last surviving batch record, so it survived too. A batch from that end on, whose record was lost, was
     * written after every surviving record, markers included: applying it after the replay keeps the order of
     * events. Starting earlier (where log recovery's scan starts after an unclean stop, say) would find nothing
     * more: a batch there without a record would contradict the prefix, and one with a record is in the state
     * already (applying it twice would be wrong). Records dropped at the replay (beyond the log end, unknown
     * producers) still count as described: an unknown producer's batches are dropped here as well. A created journal needs no scan: its file is on disk
     * before the first batch that needs it is appended (RecordFile forces the directory entry), and older versions
     * wrote no producer fields into the log.
     */
    private int recoverFromLog(long logEnd, LongPredicate known) {
        long from = describedEnd >= 0 ? describedEnd : Math.max(snapshotEnd, 0);
        if (from >= logEnd) {
            return 0;
        }
        int[] added = {0};
        log.scanProducerBatches(from, (base, count, time, pid, epoch, seq, txn) -> {
            if (base + count <= logEnd && known.test(pid)) {
                applyBatch(pid, epoch, seq, base, count, time, txn);
                added[0]++;
            }
        });
        return added[0];
    }

    private void replay(ByteBuffer b, long logEnd, LongPredicate known) {
        byte type = b.get();
        switch (type) {
            case R_BATCH -> {
                long base = b.getLong();
                int count = b.getInt();
                long pid = b.getLong();
                short epoch = b.getShort();
                int seq = b.getInt();
                long time = b.getLong();
                boolean txn = b.get() != 0;
                describedEnd = Math.max(describedEnd, Math.min(base + count, logEnd));
                if (base + count > logEnd || !known.test(pid)) {
                    droppedAtOpen++;
                    return;
                }
                applyBatch(pid, epoch, seq, base, count, time, txn);
            }
            case R_MARKER -> {
                long pid = b.getLong();
                b.getShort();
                boolean commit = b.get() != 0;
                applyMarker(pid, commit);
            }
            case R_PRODUCER -> {
                long pid = b.getLong();
                Producer p = new Producer();
                p.epoch = b.getShort();
                p.lastSeq = b.getInt();
                p.lastAppendMs = b.getLong();
                int n = b.get();
                for (int i = 0; i < n; i++) {
                    Batch batch = new Batch(b.getInt(), b.getInt(), b.getLong(), b.getInt());
                    p.batches.add(batch);
                    snapshotEnd = Math.max(snapshotEnd, Math.min(batch.baseOffset() + batch.count(), logEnd));
                }
                if (!known.test(pid)) {
                    droppedAtOpen++;
                    return;
                }
                if (!trimToLog(p, logEnd)) {
                    droppedAtOpen++;
                    return;
                }
                producers.put(pid, p);
            }
            case R_OPEN -> {
                long pid = b.getLong();
                long base = b.getLong();
                long endOff = b.getLong();
                snapshotEnd = Math.max(snapshotEnd, Math.min(endOff, logEnd));
                if (endOff > logEnd || !known.test(pid)) {
                    droppedAtOpen++;
                    return;
                }
                open.computeIfAbsent(pid, k -> new ArrayList<>()).add(new long[] {base, endOff});
            }
            case R_ABORTED -> {
                long base = b.getLong();
                long endOff = b.getLong();
                snapshotEnd = Math.max(snapshotEnd, Math.min(endOff, logEnd));
                if (endOff > logEnd) {
                    // The log lost these offsets (a power loss before it was forced): a batch appended there afresh
                    // is not the aborted one and must not be hidden from read-committed Fetch. A range is one batch,
                    // which log recovery keeps whole or not at all; the clip is for safety only.
                    droppedAtOpen++;
                    if (base >= logEnd) {
                        return;
                    }
                    endOff = logEnd;
                }
                aborted.put(base, endOff);
            }
            case R_COVERED -> {
                long covered = b.getLong();
                sawCovered = true;
                if (covered > logEnd) {
                    // The log lost its tail (a power loss before it was forced): batches appended there afresh
                    // must not count as covered. The rewrite at open replaces this record.
                    droppedAtOpen++;
                }
                describedEnd = Math.max(describedEnd, Math.min(covered, logEnd));
            }
            default -> throw new UncheckedIOException(new IOException(name + ": unknown producer journal record type "
                    + type + " (written by a newer broker?)"));
        }
    }

    /**
     * Drops from a producer restored from a snapshot record the remembered batches the log no longer holds (a
     * power loss cut the log back after the snapshot, which is forced while the log is not with the policies other
     * than every-write), so that the retry of such a batch is appended afresh rather than answered with offsets the
     * log does not hold (B.12.5). Returns false when none is left: the producer is then dropped here.
     *
     * <p>The lost batches are a suffix of the remembered ones (the log loses a tail, remembered batches are in offset
     * order), so when some are left the last sequence is the newest one left: the retry of the first lost batch is
     * the next expected, and a batch after it gets 47 (crash table of B.12.5). When none is left the state cannot
     * tell where the log's batches of this producer end: the batch before the oldest remembered one is not in the
     * snapshot, and the log may have lost it too, so a last sequence just before the oldest lost batch could claim
     * it (its retry would get 48). Dropped, the producer's next batch gets 47 unless its sequence is 0: the client
     * handles that as a loss and fails the batches as not stored (B.12.6), which is true; nothing is duplicated and
     * nothing claimed. The epoch is unchanged (remembered batches are all of the producer's current epoch), and so
     * is the last append time: it is the time of the producer's last Produce answered with status 0 (duplicates
     * advance it too), which is what expiry counts (B.12.5); a batch's own append time is not in the record.
     *
     * <p>Batches below the log start (retention) stay: they were stored, so a retry gets their offsets as a
     * duplicate, as the live state answers it; B.12.5 lets a snapshot outlive the log data it covers.
     */
    private static boolean trimToLog(Producer p, long logEnd) {
        Batch last = p.batches.peekLast();
        if (last == null || last.baseOffset() + last.count() <= logEnd) {
            return true;
        }
        while (!p.batches.isEmpty() && p.batches.peekLast().baseOffset() + p.batches.peekLast().count() > logEnd) {
            p.batches.removeLast();
        }
        if (p.batches.isEmpty()) {
            return false;
        }
        p.lastSeq = p.batches.peekLast().lastSeq();
        return true;
    }

    private void applyBatch(long pid, short epoch, int seq, long base, int count, long time, boolean txn) {
        if (seq >= 0) {
            Producer p = producers.get(pid);
            if (p == null || p.epoch != epoch) {
                p = new Producer();
                p.epoch = epoch;
                producers.put(pid, p);
            }
            int last = (int) ((seq + (long) count - 1) % SEQ_MOD);
            p.lastSeq = last;
            p.lastAppendMs = Math.max(p.lastAppendMs, time);
            p.batches.addLast(new Batch(seq, last, base, count));
            while (p.batches.size() > REMEMBERED_BATCHES) {
                p.batches.removeFirst();
            }
        }
        if (txn) {
            open.computeIfAbsent(pid, k -> new ArrayList<>()).add(new long[] {base, base + count});
        }
    }

    private void applyMarker(long pid, boolean commit) {
        List<long[]> ranges = open.remove(pid);
        if (ranges != null && !commit) {
            for (long[] r : ranges) {
                aborted.put(r[0], r[1]);
            }
        }
    }

    /** What {@link #stage} did: the outcome, and (when it appended or found a duplicate) what to wait for. */
    private record Staged(Outcome outcome, PendingAppend pending, boolean duplicate) {
    }

    /**
     * Checks a batch against the producer state (B.12.3 step 6) and appends it when it is next: the batch, its
     * journal record and the state change happen together under this object's lock. A duplicate gets the original
     * offsets and appends nothing. Returns once the batch (or a duplicate's original) is on disk as the flush
     * policy asks; that wait runs outside this object's lock, so concurrent appends here share the log's force.
     *
     * @param seq        the base sequence, or -1 for a transactional batch without sequence
     * @param txn        whether the batch belongs to the producer's open transaction
     * @throws io.streambus.broker.log.StorageException if the write or its force failed
     */
    Outcome append(PartitionLog log, MessageBlock block, long pid, short epoch, int seq, boolean txn, long nowMs) {
        Staged s = stage(log, block, pid, epoch, seq, txn, nowMs);
        if (s.pending() == null) {
            return s.outcome(); // refused: nothing to wait for
        }
        // A failed force leaves the journal record in place: the batch may have reached the disk, and the log
        // refuses appends until a restart, whose rebuild keeps the record exactly when the log holds the batch.
        log.awaitDurable(s.pending());
        Outcome o = s.outcome();
        if (s.duplicate()) {
            // The original may have been written by an append still waiting for its force: answered only now.
            return new Outcome(0, null, o.baseOffset(), o.count(), log.highWaterMark(), -1);
        }
        CrashPoints.reach(CrashPoints.Point.BATCH_APPENDED);
        return o;
    }

    /** The checks and writes of {@link #append}, atomic under this object's lock; the batch is not forced yet. */
    private synchronized Staged stage(PartitionLog log, MessageBlock block, long pid, short epoch, int seq,
            boolean txn, long nowMs) {
        if (seq >= 0) {
            Producer p = producers.get(pid);
            int count = block.count();
            int lastSeq = (int) ((seq + (long) count - 1) % SEQ_MOD);
            if (p == null || p.epoch != epoch) {
                if (seq != 0) {
                    return refused(Outcome.error(ErrorCode.OUT_OF_ORDER_SEQUENCE, "producer " + pid + " epoch " + epoch
                            + " has no state on " + name + ": the first batch must have base sequence 0, was " + seq));
                }
            } else {
                for (Batch b : p.batches) {
                    if (b.firstSeq == seq && b.lastSeq == lastSeq) {
                        p.lastAppendMs = Math.max(p.lastAppendMs, nowMs);
                        return new Staged(new Outcome(0, null, b.baseOffset, b.count, -1, -1), log.pendingEnd(),
                                true);
                    }
                }
                long next = (p.lastSeq + 1L) % SEQ_MOD;
                long d = Math.floorMod(seq - next, SEQ_MOD);
                if (d != 0 && d < (1L << 30)) {
                    return refused(Outcome.error(ErrorCode.OUT_OF_ORDER_SEQUENCE, "producer " + pid + " on " + name
                            + ": base sequence " + seq + " is ahead of the next expected " + next));
                }
                if (d != 0) {
                    return refused(Outcome.error(ErrorCode.DUPLICATE_SEQUENCE, "producer " + pid + " on " + name
                            + ": base sequence " + seq + " is behind the next expected " + next
                            + " and matches none of the remembered batches"));
                }
            }
        }
        if (failure != null) {
            return refused(Outcome.error(ErrorCode.STORAGE_ERROR, name + " refuses sequenced and transactional appends "
                    + "after an earlier producer journal failure (" + failure + "); restart the broker"));
        }
        // The journal record goes first, under the log's append lock with the offsets the batch is about to get:
        // a crash before the batch is written leaves a record beyond the log end, which the rebuild drops; a crash
        // after it leaves both. So no crash leaves a batch the producer state does not know (B.12.5).
        long[] pos = {-1};
        int count = block.count();
        PendingAppend pending;
        try {
            pending = log.appendPending(block, pid, epoch, seq, txn, base -> {
                try {
                    pos[0] = journal.append(batchRecord(base, count, pid, epoch, seq, nowMs, txn));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                CrashPoints.reach(CrashPoints.Point.BATCH_JOURNALED);
            });
        } catch (UncheckedIOException e) {
            if (pos[0] < 0) {
                return refused(Outcome.error(ErrorCode.STORAGE_ERROR, "producer journal write failed: "
                        + e.getCause().getMessage()));
            }
            undoJournal(e);
            throw e;
        } catch (RuntimeException e) {
            if (pos[0] >= 0) {
                undoJournal(e);
            }
            throw e;
        }
        AppendResult r = pending.result();
        applyBatch(pid, epoch, seq, r.baseOffset(), r.count(), nowMs, txn);
        long syncTo = pos[0];
        if (journal.size() > SNAPSHOT_THRESHOLD_BYTES) {
            try {
                pruneAborted(log.startOffset());
                snapshot(); // forced; the record just written is in it
            } catch (IOException e) {
                LOG.warn("{}: producer journal snapshot failed, keeping the journal: {}", name, e.toString());
            }
        }
        return new Staged(new Outcome(0, null, r.baseOffset(), r.count(), r.highWaterMark(), syncTo), pending,
                false);
    }

    private static Staged refused(Outcome error) {
        return new Staged(error, null, false);
    }

    /**
     * Takes back the journal record of a batch the log did not append: the journal is rewritten from the live state
     * (which never got the batch). If even that fails, sequenced appends are refused until a restart, whose rebuild
     * drops a record beyond the log end.
     */
    private void undoJournal(RuntimeException cause) {
        try {
            snapshot();
        } catch (IOException | RuntimeException e) {
            failure = cause.toString();
            LOG.error("{}: the log append failed ({}) and its producer journal record could not be taken back: {}",
                    name, cause, e.toString());
        }
    }

    /** Waits until the journal holds {@code position} on disk, when the flush policy asks for it. */
    void syncIfPolicy(long position, boolean force) throws IOException {
        if (position < 0) {
            return;
        }
        if (force) {
            journal.sync(position);
        } else {
            journal.syncIfPolicy(position);
        }
    }

    /**
     * Writes a transaction marker for {@code pid}: its open batches here become committed or aborted. Returns the
     * journal position to sync.
     */
    synchronized long writeMarker(long pid, short epoch, boolean commit) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(R_MARKER);
        out.writeLong(pid);
        out.writeShort(epoch);
        out.writeByte(commit ? 1 : 0);
        long pos = journal.append(bytes.toByteArray());
        applyMarker(pid, commit);
        if (journal.size() > SNAPSHOT_THRESHOLD_BYTES) {
            snapshot();
        }
        return pos;
    }

    /** The first offset of {@code pid}'s open transaction here, or -1. */
    synchronized long firstOpenOffset(long pid) {
        List<long[]> r = open.get(pid);
        return r == null || r.isEmpty() ? -1 : r.get(0)[0];
    }

    /** LSO (B.7.7): the first offset of the oldest open transaction, or the high-water mark. */
    synchronized long lastStableOffset(PartitionLog log) {
        long lso = log.highWaterMark();
        for (List<long[]> ranges : open.values()) {
            if (!ranges.isEmpty()) {
                lso = Math.min(lso, ranges.get(0)[0]);
            }
        }
        return lso;
    }

    /** True if {@code offset} belongs to a batch of an aborted transaction. */
    synchronized boolean isAborted(long offset) {
        Map.Entry<Long, Long> e = aborted.floorEntry(offset);
        return e != null && offset < e.getValue();
    }

    /** The first offset at or after {@code offset} that is in an aborted range, or Long.MAX_VALUE. */
    synchronized long nextAborted(long offset) {
        Map.Entry<Long, Long> e = aborted.floorEntry(offset);
        if (e != null && offset < e.getValue()) {
            return offset;
        }
        Long next = aborted.higherKey(offset);
        return next == null ? Long.MAX_VALUE : next;
    }

    /** The first offset at or after {@code offset} that is not in an aborted range. */
    synchronized long skipAborted(long offset) {
        long o = offset;
        Map.Entry<Long, Long> e;
        while ((e = aborted.floorEntry(o)) != null && o < e.getValue()) {
            o = e.getValue();
        }
        return o;
    }

    /** Producer ids with an open transaction here. */
    synchronized Set<Long> openProducerIds() {
        return Set.copyOf(open.keySet());
    }

    /** The last append time of {@code pid} here, or -1. */
    synchronized long lastAppendMs(long pid) {
        Producer p = producers.get(pid);
        return p == null ? -1 : p.lastAppendMs;
    }

    /** Producer ids with state here. */
    synchronized Set<Long> producerIds() {
        return Set.copyOf(producers.keySet());
    }

    /** Forgets {@code pid} (expired): its state goes now, its journal records at the next snapshot. */
    synchronized void forget(long pid) {
        producers.remove(pid);
    }

    private void pruneAborted(long startOffset) {
        Iterator<Map.Entry<Long, Long>> it = aborted.entrySet().iterator();
        while (it.hasNext()) {
            if (it.next().getValue() <= startOffset) {
                it.remove();
            } else {
                break;
            }
        }
    }

    /** Rewrites the journal as the live state: producer states, open transactions' batches, aborted ranges. */
    private void snapshot() throws IOException {
        // With every-write, appends may have released the monitor and still wait for the log's force. Their batches
        // are on disk before a snapshot describes them. With the other policies the log is not forced here: what a
        // power loss then takes from the log, the rebuild drops from the snapshot's records (replay, trimToLog).
        try {
            log.awaitDurable(log.pendingEnd());
        } catch (LogException e) {
            throw new IOException("the log of " + name + " could not be forced before the snapshot: " + e.getMessage(),
                    e);
        }
        List<byte[]> recs = new ArrayList<>();
        // Under this object's monitor no sequenced or transactional append is between its journal record and its
        // batch, and every one before is in the state: the snapshot describes every such batch below the log end.
        recs.add(coveredRecord(log.endOffset()));
        for (Map.Entry<Long, Producer> e : producers.entrySet()) {
            Producer p = e.getValue();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(R_PRODUCER);
            out.writeLong(e.getKey());
            out.writeShort(p.epoch);
            out.writeInt(p.lastSeq);
            out.writeLong(p.lastAppendMs);
            out.writeByte(p.batches.size());
            for (Batch b : p.batches) {
                out.writeInt(b.firstSeq);
                out.writeInt(b.lastSeq);
                out.writeLong(b.baseOffset);
                out.writeInt(b.count);
            }
            recs.add(bytes.toByteArray());
        }
        for (Map.Entry<Long, List<long[]>> e : open.entrySet()) {
            for (long[] r : e.getValue()) {
                ByteBuffer b = ByteBuffer.allocate(25).put(R_OPEN).putLong(e.getKey()).putLong(r[0]).putLong(r[1]);
                recs.add(b.array());
            }
        }
        for (Map.Entry<Long, Long> e : aborted.entrySet()) {
            recs.add(ByteBuffer.allocate(17).put(R_ABORTED).putLong(e.getKey()).putLong(e.getValue()).array());
        }
        journal.rewrite(recs);
    }

    private static byte[] batchRecord(long base, int count, long pid, short epoch, int seq, long time, boolean txn) {
        return ByteBuffer.allocate(36).put(R_BATCH).putLong(base).putInt(count).putLong(pid).putShort(epoch)
                .putInt(seq).putLong(time).put((byte) (txn ? 1 : 0)).array();
    }

    private static byte[] coveredRecord(long offset) {
        return ByteBuffer.allocate(9).put(R_COVERED).putLong(offset).array();
    }

    /**
     * Closes the journal (forced), after a covered record for the log end, so that the next rebuild need not scan
     * the log. Under this object's monitor every sequenced or transactional batch written is in the journal already.
     */
    synchronized void close() throws IOException {
        try {
            journal.append(coveredRecord(log.endOffset()));
        } catch (IOException | LogException e) {
            LOG.debug("{}: no covered record at close: {}", name, e.toString()); // the rebuild then scans the log
        }
        journal.close();
    }

    /** Deletes the journal (the topic was deleted). */
    synchronized void delete() throws IOException {
        journal.delete();
    }

    /**
     * The barrier before every force of the partition log ({@link PartitionLog#forceBarrier}): forces the journal,
     * so that no force makes a batch durable ahead of a journal record written before it. Batch records no longer
     * need it (the rebuild finds a batch whose record was lost in the log, {@link #recoverFromLog}), but transaction
     * markers do: a marker is only in the journal, and a producer's next transaction's batches follow it in the log.
     * Were such a batch durable without the marker before it, the rebuild would see the committed transaction's
     * batches still open, and the restart would abort them together with the new one. With every-write a marker is
     * forced before its outcome is answered anyway; with the other policies this barrier is what orders it before
     * the later batches at each explicit force (flush, roll, recovery point, close). It also keeps the rebuild's
     * scan short: normally every batch's record is on disk. Not under this object's monitor: a segment roll runs
     * it under the log's append lock, which appends take while holding the monitor.
     */
    void forceJournal() throws IOException {
        journal.syncAll();
        CrashPoints.reach(CrashPoints.Point.JOURNAL_FORCED);
    }

    /** Forces journal data appended since the last force. */
    void flushIfDirty() throws IOException {
        journal.flushIfDirty();
    }

    /** Journal forces so far (tests). */
    long forceCount() {
        return journal.forceCount();
    }
}
