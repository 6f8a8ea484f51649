package io.streambus.broker.share;

import io.streambus.protocol.share.AcknowledgeType;
import io.streambus.protocol.share.Acknowledgement;
import io.streambus.protocol.share.OffsetRange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The state of one share group on one partition (spec B.13.1): SPSO, SPEO and, for every offset of the in-flight
 * window [SPSO, SPEO), a state, a delivery count, (while Acquired) the holder and its lock end, and (while Staged,
 * B.13.15) the transaction holding it. An offset that was never acquired is Available with count 0.
 *
 * <p><b>Layout.</b> The window lives in parallel arrays used as a ring indexed by {@code offset & (capacity - 1)},
 * with capacity a power of two at least SPEO − SPSO (the window is bounded by max in-flight records, B.13.1), so
 * acquiring or acknowledging a record allocates nothing. Two bitsets over the same ring make the per-fetch work
 * proportional to what changed rather than to the window: one marks the Available offsets (acquisition skips
 * records held by other members 64 at a time), one the offsets changed since the last {@link #drainChanges}
 * (which emits them as runs of equal entries, so a fetched batch costs one share-state-log entry, not one per
 * record). Lock expiry keeps a lower bound of the lock ends of Acquired records and visits the window only once
 * that bound has passed, instead of on every fetch. Slots outside the window are always reset (Available, count 0,
 * bits clear).
 *
 * <p>Acknowledgement ranges are applied arithmetically (B.13.8): the part below SPSO is ignored, the part at or above
 * SPEO is one unapplied range, and only offsets inside the window are visited, so the work per request is bounded by
 * the window whatever the ranges say.
 *
 * <p><b>Undo.</b> Between {@link #recordUndo} and {@link #stopUndo}, the values each changed offset had before are
 * remembered in an {@link Undo} (as runs), so that {@link #undo} can take back a request whose write failed: B.13.8
 * applies no acknowledgement that cannot be made durable.
 *
 * <p>Not thread-safe: guarded by the lock of its {@link ShareGroup}.
 */
final class SharePartition {
    /** A copy of one offset's state, for callers outside the hot paths and for tests. Mutable, not shared. */
    static final class Rec {
        RecordState state = RecordState.AVAILABLE;
        int count;
        String holder;
        long lockEnd;
        ArchiveReason reason = ArchiveReason.REJECT;
        /** The transaction holding it while {@link RecordState#STAGED}, else null. */
        Stage stage;
    }

    /**
     * How a Staged record is held (B.13.15). Immutable.
     *
     * @param transactionalId the transaction holding it
     * @param type            the staged acknowledgement type (ACCEPT, RELEASE or REJECT)
     * @param durable         whether its staging is in the share state log (PrepareTxn or a commit decision)
     */
    record Stage(String transactionalId, AcknowledgeType type, boolean durable) {
    }

    private static final int MIN_CAPACITY = 64;

    final String topic;
    final int partition;
    private long spso;
    private long speo;
    private int mask;
    private RecordState[] state;
    private int[] count;
    private String[] holder;
    private long[] lockEnd;
    private ArchiveReason[] reason;
    private Stage[] stage;
    /** Bit per slot: the offset is in the window and Available. */
    private long[] available;
    /** Bit per slot: the offset changed since the last {@link #drainChanges}. */
    private long[] dirty;
    /** Lowest and highest offset marked dirty since the last drain (a scan bound); lo > hi when none. */
    private long dirtyLo = Long.MAX_VALUE;
    private long dirtyHi = Long.MIN_VALUE;
    /** No Acquired record's lock ends before this (a lower bound; exact after {@link #expire} visited the window). */
    private long minLockEnd = Long.MAX_VALUE;
    /** Offsets that became Archiving and still need their dead-letter copy. */
    private final TreeSet<Long> toCopy = new TreeSet<>();
    private boolean spsoDirty;
    /** The highest log start offset seen: an undo never brings back offsets below it (their data is gone). */
    private long logStartFloor;
    /** Where the changes of the request being applied are remembered (see {@link #recordUndo}), or null. */
    private Undo undo;
    /** The in-flight limit condition was logged and has not cleared since (B.13.9). */
    boolean limitLogged;
    /** When the in-flight limit condition was last logged (broker ms), or Long.MIN_VALUE. */
    long limitLoggedAtMs = Long.MIN_VALUE;
    /** Key and value bytes per record of the last acquisition, 0 before the first (sizes the first log read). */
    long kvBytesPerRecord;
    /** Reply bytes per record of the last acquisition, 0 before the first (sizes the reply buffer). */
    long wireBytesPerRecord;

    SharePartition(String topic, int partition, long start) {
        this.topic = topic;
        this.partition = partition;
        this.spso = start;
        this.speo = start;
        this.spsoDirty = true;
        allocate(MIN_CAPACITY);
    }

    long spso() {
        return spso;
    }

    long speo() {
        return speo;
    }

    /** A copy of the state at {@code offset}, or null outside the window [SPSO, SPEO). */
    Rec get(long offset) {
        if (offset < spso || offset >= speo) {
            return null;
        }
        int i = slot(offset);
        Rec r = new Rec();
        r.state = state[i];
        r.count = count[i];
        r.holder = holder[i];
        r.lockEnd = lockEnd[i];
        r.reason = reason[i];
        r.stage = stage[i];
        return r;
    }

    /** The state at {@code offset}, which is in the window. */
    RecordState state(long offset) {
        return state[slot(offset)];
    }

    /** The delivery count at {@code offset}, which is in the window. */
    int count(long offset) {
        return count[slot(offset)];
    }

    /** Number of offsets in the window that are not Available with count 0 (for tests). */
    int entries() {
        int n = 0;
        for (long o = spso; o < speo; o++) {
            int i = slot(o);
            if (state[i] != RecordState.AVAILABLE || count[i] > 0) {
                n++;
            }
        }
        return n;
    }

    /** Capacity of the ring (for tests). */
    int capacity() {
        return mask + 1;
    }

    // ------------------------------------------------------------------------------------------- ring

    private int slot(long offset) {
        return (int) offset & mask;
    }

    private void allocate(int capacity) {
        mask = capacity - 1;
        state = new RecordState[capacity];
        Arrays.fill(state, RecordState.AVAILABLE);
        count = new int[capacity];
        holder = new String[capacity];
        lockEnd = new long[capacity];
        reason = new ArchiveReason[capacity];
        Arrays.fill(reason, ArchiveReason.REJECT);
        stage = new Stage[capacity];
        available = new long[Math.max(1, capacity >>> 6)];
        dirty = new long[Math.max(1, capacity >>> 6)];
    }

    /** Makes room for the window [SPSO, {@code end}). */
    private void ensureCapacity(long end) {
        ensureCapacity(spso, end);
    }

    /** Makes room for the offsets [{@code from}, {@code end}), keeping the window [SPSO, SPEO) inside them. */
    private void ensureCapacity(long from, long end) {
        long needed = end - from;
        if (needed <= mask + 1) {
            return;
        }
        if (needed > Integer.MAX_VALUE / 2) {
            throw new IllegalStateException("share-partition window of " + needed + " offsets");
        }
        int capacity = Integer.highestOneBit((int) needed - 1) << 1;
        RecordState[] oState = state;
        int[] oCount = count;
        String[] oHolder = holder;
        long[] oLockEnd = lockEnd;
        ArchiveReason[] oReason = reason;
        Stage[] oStage = stage;
        long[] oAvailable = available;
        long[] oDirty = dirty;
        int oMask = mask;
        allocate(capacity);
        for (long o = spso; o < speo; o++) {
            int src = (int) o & oMask;
            int to = slot(o);
            state[to] = oState[src];
            count[to] = oCount[src];
            holder[to] = oHolder[src];
            lockEnd[to] = oLockEnd[src];
            reason[to] = oReason[src];
            stage[to] = oStage[src];
            if ((oAvailable[src >>> 6] & (1L << src)) != 0) {
                available[to >>> 6] |= 1L << to;
            }
            if ((oDirty[src >>> 6] & (1L << src)) != 0) {
                dirty[to >>> 6] |= 1L << to;
            }
        }
    }

    /** Returns the slot of {@code offset} to its out-of-window state. */
    private void reset(long offset) {
        int i = slot(offset);
        state[i] = RecordState.AVAILABLE;
        count[i] = 0;
        holder[i] = null;
        lockEnd[i] = 0;
        reason[i] = ArchiveReason.REJECT;
        stage[i] = null;
        available[i >>> 6] &= ~(1L << i);
        dirty[i >>> 6] &= ~(1L << i);
    }

    /** Sets the state of the slot {@code i}, keeping the Available bit in step. */
    private void setState(int i, RecordState s) {
        state[i] = s;
        if (s == RecordState.AVAILABLE) {
            available[i >>> 6] |= 1L << i;
        } else {
            available[i >>> 6] &= ~(1L << i);
        }
    }

    private void markDirty(long offset) {
        int i = slot(offset);
        dirty[i >>> 6] |= 1L << i;
        dirtyLo = Math.min(dirtyLo, offset);
        dirtyHi = Math.max(dirtyHi, offset);
    }

    /** Adds [SPEO, {@code end}) to the window as Available offsets with count 0. */
    private void extendTo(long end) {
        if (end <= speo) {
            return;
        }
        ensureCapacity(end);
        for (long o = speo; o < end; o++) {
            int i = slot(o);
            available[i >>> 6] |= 1L << i;
        }
        speo = end;
    }

    /**
     * The lowest offset at or above {@code from} (and SPSO) that is in the window and Available, or SPEO if there is
     * none. Skips other records a bitset word (64 offsets) at a time.
     */
    long nextAvailable(long from) {
        long o = Math.max(from, spso);
        while (o < speo) {
            int i = slot(o);
            long word = available[i >>> 6] & (-1L << i); // shifts use the low 6 bits of i
            if (word != 0) {
                long candidate = o + (Long.numberOfTrailingZeros(word) - (i & 63));
                return Math.min(candidate, speo); // a bit past SPEO belongs to another lap of the ring
            }
            o = (o | 63) + 1;
        }
        return speo;
    }

    /** Number of Available offsets in the window (bits outside the window are always clear). */
    long availableCount() {
        long n = 0;
        for (long w : available) {
            n += Long.bitCount(w);
        }
        return n;
    }

    // ------------------------------------------------------------------------------------------- restore

    /** Restores a stored entry (share state log replay). */
    void restore(long offset, RecordState s, int c, ArchiveReason r) {
        if (offset < spso) {
            return;
        }
        extendTo(offset + 1);
        int i = slot(offset);
        setState(i, s);
        count[i] = c;
        reason[i] = r;
        holder[i] = null;
        stage[i] = null;
    }

    /** Restores a record Staged by a Prepared or committing transaction (share state log replay). */
    void restoreStaged(long offset, int c, String transactionalId, AcknowledgeType type) {
        if (offset < spso) {
            return;
        }
        extendTo(offset + 1);
        int i = slot(offset);
        setState(i, RecordState.STAGED);
        count[i] = c;
        holder[i] = null;
        stage[i] = new Stage(transactionalId, type, true);
    }

    /** Moves SPSO to {@code newSpso} during replay, forgetting what lies below it. */
    void restoreSpso(long newSpso) {
        if (newSpso > spso) {
            moveSpso(newSpso);
        }
    }

    /** Moves SPSO up to {@code newSpso}, resetting the slots it leaves behind. */
    private void moveSpso(long newSpso) {
        for (long o = spso, end = Math.min(newSpso, speo); o < end; o++) {
            reset(o);
        }
        spso = newSpso;
        if (speo < spso) {
            speo = spso;
        }
    }

    /**
     * After a restart (B.13.11): Acquired records are handled as on lock expiry with reason BROKER_RESTART, and
     * Archiving ones are queued for their copy again.
     */
    void afterRestart(ShareGroupSettings settings) {
        for (long o = spso; o < speo; o++) {
            int i = slot(o);
            if (state[i] == RecordState.ACQUIRED) {
                endDelivery(o, i, ArchiveReason.BROKER_RESTART, settings);
            } else if (state[i] == RecordState.ARCHIVING) {
                toCopy.add(o);
            }
        }
        minLockEnd = Long.MAX_VALUE;
        advance();
    }

    // ------------------------------------------------------------------------------------------- transitions

    /** Ends a delivery that was not ACCEPT or REJECT: Available, or archived at the delivery limit (B.13.10). */
    private void endDelivery(long offset, int i, ArchiveReason why, ShareGroupSettings settings) {
        holder[i] = null;
        stage[i] = null;
        reason[i] = why;
        if (count[i] >= settings.maxDeliveryAttempts()) {
            archive(offset, i, why, settings);
        } else {
            setState(i, state[i].moveTo(RecordState.AVAILABLE));
            markDirty(offset);
        }
    }

    /** Archiving (with a copy to the dead-letter topic) or Archived at once (B.13.10). */
    private void archive(long offset, int i, ArchiveReason why, ShareGroupSettings settings) {
        holder[i] = null;
        stage[i] = null;
        reason[i] = why;
        String dlq = settings.deadLetterTopic();
        if (!dlq.isEmpty() && !dlq.equals(topic)) {
            setState(i, state[i].moveTo(RecordState.ARCHIVING));
            toCopy.add(offset);
        } else {
            setState(i, state[i].moveTo(RecordState.ARCHIVED));
        }
        markDirty(offset);
    }

    /** Archives the Available record at {@code offset} without delivering it (LIMIT_CHANGED, TOO_LARGE). */
    void archiveUndelivered(long offset, ArchiveReason why, ShareGroupSettings settings) {
        remember(offset, slot(offset));
        archive(offset, slot(offset), why, settings);
    }

    /** The offset holds no deliverable record (a gap): Archived at once, never delivered, counted or copied. */
    void archiveGap(long offset) {
        int i = slot(offset);
        setState(i, state[i].moveTo(RecordState.ARCHIVED));
        markDirty(offset);
    }

    /** Acquires the Available record at {@code offset} for {@code member}; returns its new delivery count. */
    int acquire(long offset, String member, long lockEndMs) {
        int i = slot(offset);
        if (state[i] != RecordState.AVAILABLE) { // the one state that may become Acquired (RecordState#canMoveTo)
            throw new IllegalStateException("illegal record state transition " + state[i] + " -> ACQUIRED");
        }
        remember(offset, i);
        state[i] = RecordState.ACQUIRED;
        available[i >>> 6] &= ~(1L << i);
        count[i]++;
        holder[i] = member;
        lockEnd[i] = lockEndMs;
        minLockEnd = Math.min(minLockEnd, lockEndMs);
        markDirty(offset);
        return count[i];
    }

    /** Extends SPEO by one offset (acquisition examines it). */
    void extend() {
        extendTo(speo + 1);
    }

    /** The copy of the Archiving record at {@code offset} is durable: Archived. */
    void copied(long offset) {
        if (offset < spso || offset >= speo) {
            return;
        }
        int i = slot(offset);
        if (state[i] == RecordState.ARCHIVING) {
            setState(i, state[i].moveTo(RecordState.ARCHIVED));
            markDirty(offset);
        }
    }

    /** Archiving offsets whose copy has not been started; the set is emptied. */
    List<Long> takeCopies() {
        if (toCopy.isEmpty()) {
            return List.of();
        }
        List<Long> out = new ArrayList<>(toCopy);
        toCopy.clear();
        return out;
    }

    /**
     * Ends every lock that has passed at {@code now} (reason LOCK_TIMEOUT), and the locks of {@code gone} when it
     * is not null (MEMBER_GONE). Returns true if anything changed. Without {@code gone}, returns at once while no
     * lock can have passed.
     */
    boolean expire(long now, String gone, ShareGroupSettings settings) {
        if (gone == null && now < minLockEnd) {
            return false;
        }
        boolean changed = false;
        long min = Long.MAX_VALUE;
        for (long o = spso; o < speo; o++) {
            int i = slot(o);
            if (state[i] != RecordState.ACQUIRED) {
                continue;
            }
            if (gone != null && gone.equals(holder[i])) {
                remember(o, i); // a leave whose write fails gives the member its records back
                endDelivery(o, i, ArchiveReason.MEMBER_GONE, settings);
                changed = true;
            } else if (lockEnd[i] <= now) {
                remember(o, i);
                endDelivery(o, i, ArchiveReason.LOCK_TIMEOUT, settings);
                changed = true;
            } else {
                min = Math.min(min, lockEnd[i]);
            }
        }
        minLockEnd = min;
        return changed;
    }

    /**
     * Moves SPSO past terminal records (forgetting them) and up to {@code logStart} if the log's start passed it.
     */
    void advance(long logStart) {
        logStartFloor = Math.max(logStartFloor, logStart);
        if (logStart > spso) {
            toCopy.headSet(logStart).clear();
            moveSpso(logStart);
            spsoDirty = true;
        }
        advance();
    }

    private void advance() {
        long o = spso;
        while (o < speo && state[slot(o)].isTerminal()) {
            reset(o);
            o++;
        }
        if (o != spso) {
            spso = o;
            spsoDirty = true;
        }
    }

    // ------------------------------------------------------------------------------------------- acknowledgements

    /** What applying one partition's acknowledgements gave. */
    record AckOutcome(List<OffsetRange> unapplied, long rangesLeft) {
    }

    /**
     * Applies {@code acks} of {@code member} at {@code now} (B.13.8). At most {@code maxRanges} unapplied ranges are
     * produced: once they are used up, the remaining acknowledgements are not applied and are reported as one
     * range, so the reply stays within a frame whatever the request holds.
     */
    AckOutcome acknowledge(String member, List<Acknowledgement> acks, long now, ShareGroupSettings settings,
                           long maxRanges) {
        return visit(acks, maxRanges, (o, i, type) -> {
            if (state[i] == RecordState.STAGED || !member.equals(holder[i]) || lockEnd[i] <= now) {
                return false; // a Staged record belongs to its transaction (B.13.15)
            }
            remember(o, i);
            apply(o, i, type, now, settings);
            return true;
        });
    }

    /**
     * Stages {@code acks} of {@code member} in the transaction {@code transactionalId} (B.13.15): a record Acquired by
     * the member under a live lock becomes Staged with the acknowledgement's type; one already Staged by the same
     * transaction takes the new type; anything else is unapplied. Staging is not written to the share state log
     * (a restart aborts an open transaction): {@link #stagedEntries} makes it durable at PrepareTxn or a commit.
     */
    AckOutcome stage(String member, List<Acknowledgement> acks, long now, String transactionalId, long maxRanges) {
        return visit(acks, maxRanges, (o, i, type) -> {
            if (state[i] == RecordState.STAGED) {
                if (!transactionalId.equals(stage[i].transactionalId())) {
                    return false;
                }
                remember(o, i);
                setState(i, state[i].moveTo(RecordState.STAGED));
                stage[i] = new Stage(transactionalId, type, false); // the durable copy, if any, is rewritten
                return true;
            }
            if (!member.equals(holder[i]) || lockEnd[i] <= now) {
                return false;
            }
            remember(o, i);
            setState(i, state[i].moveTo(RecordState.STAGED));
            holder[i] = null;
            stage[i] = new Stage(transactionalId, type, false);
            return true;
        });
    }

    /** Decides one offset of an acknowledgement inside the window (slot {@code i}); false if it is unapplied. */
    @FunctionalInterface
    private interface OffsetAction {
        boolean apply(long offset, int i, AcknowledgeType type);
    }

    /**
     * Visits acknowledgements arithmetically (B.13.8): offsets below SPSO and finished records are skipped, an
     * Available one or one {@code action} refuses is unapplied, the part at or above SPEO is one unapplied range.
     * At most {@code maxRanges} unapplied ranges are produced: once they are used up, the remaining
     * acknowledgements are not visited and are reported as one range, so the reply stays within a frame.
     */
    private AckOutcome visit(List<Acknowledgement> acks, long maxRanges, OffsetAction action) {
        List<Acknowledgement> sorted = acks;
        for (int i = 1; i < acks.size(); i++) {
            if (acks.get(i).firstOffset() < acks.get(i - 1).firstOffset()) {
                sorted = new ArrayList<>(acks);
                sorted.sort(Comparator.comparingLong(Acknowledgement::firstOffset));
                break;
            }
        }
        RangeList unapplied = new RangeList();
        for (int k = 0; k < sorted.size(); k++) {
            Acknowledgement a = sorted.get(k);
            if (unapplied.size() >= maxRanges) {
                unapplied.addForced(a.firstOffset(), sorted.get(sorted.size() - 1).lastOffset());
                break;
            }
            long first = Math.max(a.firstOffset(), spso);
            long last = a.lastOffset();
            if (first > last) {
                continue; // entirely below SPSO: finished, not an error
            }
            long inWindowEnd = Math.min(last, speo - 1);
            for (long o = first; o <= inWindowEnd; o++) {
                int i = slot(o);
                RecordState s = state[i];
                if (s == RecordState.AVAILABLE) {
                    unapplied.add(o, o);
                } else if (!s.isTerminal() && s != RecordState.ARCHIVING && !action.apply(o, i, a.type())) {
                    unapplied.add(o, o);
                }
            }
            if (last >= speo) {
                unapplied.add(Math.max(first, speo), last);
            }
        }
        advance();
        return new AckOutcome(unapplied.ranges(), Math.max(0, maxRanges - unapplied.size()));
    }

    // ------------------------------------------------------------------------------------------- transactions

    /** True if some record is Staged (DeleteGroups then gets 46, B.13.3). */
    boolean hasStaged() {
        for (long o = spso; o < speo; o++) {
            if (state[slot(o)] == RecordState.STAGED) {
                return true;
            }
        }
        return false;
    }

    /** The transactions holding Staged records of this share-partition. */
    Set<String> stagingTransactions() {
        Set<String> out = new HashSet<>();
        for (long o = spso; o < speo; o++) {
            int i = slot(o);
            if (state[i] == RecordState.STAGED) {
                out.add(stage[i].transactionalId());
            }
        }
        return out;
    }

    /**
     * The records Staged by {@code transactionalId}, now marked durable (the caller writes them to the share state
     * log); empty if there are none.
     */
    List<ShareStateStore.StagedEntry> stagedEntries(String transactionalId) {
        List<ShareStateStore.StagedEntry> out = new ArrayList<>();
        for (long o = spso; o < speo; o++) {
            int i = slot(o);
            if (state[i] == RecordState.STAGED && stage[i].transactionalId().equals(transactionalId)) {
                stage[i] = new Stage(transactionalId, stage[i].type(), true);
                out.add(new ShareStateStore.StagedEntry(o, count[i], stage[i].type()));
            }
        }
        return out;
    }

    /**
     * The transaction {@code transactionalId} completed (B.13.15): on commit each record it staged makes the
     * transition of its staged type; on abort it becomes Available with its count (archived with
     * {@code abortReason} at the delivery limit). Returns true if anything changed.
     */
    boolean completeTransaction(String transactionalId, boolean commit, ArchiveReason abortReason,
                                ShareGroupSettings settings) {
        boolean changed = false;
        for (long o = spso; o < speo; o++) {
            int i = slot(o);
            if (state[i] != RecordState.STAGED || !stage[i].transactionalId().equals(transactionalId)) {
                continue;
            }
            AcknowledgeType type = stage[i].type();
            stage[i] = null;
            if (commit) {
                apply(o, i, type, 0, settings);
            } else {
                endDelivery(o, i, abortReason, settings);
            }
            changed = true;
        }
        advance();
        return changed;
    }

    private void apply(long offset, int i, AcknowledgeType type, long now, ShareGroupSettings settings) {
        switch (type) {
            case ACCEPT -> {
                setState(i, state[i].moveTo(RecordState.ACKNOWLEDGED));
                holder[i] = null;
                stage[i] = null;
                markDirty(offset);
            }
            case REJECT -> archive(offset, i, ArchiveReason.REJECT, settings);
            case RELEASE -> endDelivery(offset, i, ArchiveReason.RELEASE, settings);
            case RENEW -> lockEnd[i] = now + settings.acquisitionLockMs(); // only later: minLockEnd stays a bound
            case RETURN -> {
                setState(i, state[i].moveTo(RecordState.AVAILABLE));
                holder[i] = null;
                count[i]--;
                markDirty(offset);
            }
        }
    }

    // ------------------------------------------------------------------------------------------- undo

    /**
     * What one request changed in this share-partition (acknowledged, staged, acquired or archived undelivered
     * records), remembered so that it can be undone when its share state log write fails: B.13.5, B.13.6 and B.13.8
     * say that acknowledgements that cannot be made durable are not applied, and a record whose delivery count
     * cannot be made durable is not delivered. Each offset's values before its first change are kept as runs of
     * consecutive offsets with equal values, so a request that acknowledges or acquires a batch costs a few runs,
     * not an entry per record. Not thread-safe: guarded by the group's lock.
     */
    static final class Undo {
        final long spsoBefore;
        final boolean spsoDirtyBefore;
        private int runs;
        private long[] first;
        private long[] last;
        private RecordState[] states;
        private int[] counts;
        private String[] holders;
        private long[] lockEnds;
        private ArchiveReason[] reasons;
        private Stage[] stages;
        private boolean[] dirtyBits;

        private Undo(long spsoBefore, boolean spsoDirtyBefore) {
            this.spsoBefore = spsoBefore;
            this.spsoDirtyBefore = spsoDirtyBefore;
        }

        /** True if nothing was changed. */
        boolean isEmpty() {
            return runs == 0;
        }

        /** Number of runs (for tests: the undo record stays small for a batch). */
        int runs() {
            return runs;
        }

        private void add(long o, RecordState s, int c, String h, long l, ArchiveReason r, Stage st, boolean d) {
            if (runs > 0) {
                int k = runs - 1;
                if (o == last[k] + 1 && s == states[k] && c == counts[k] && java.util.Objects.equals(h, holders[k])
                        && l == lockEnds[k] && r == reasons[k] && java.util.Objects.equals(st, stages[k])
                        && d == dirtyBits[k]) {
                    last[k] = o;
                    return;
                }
                if (o <= last[k] && contains(o)) {
                    return; // changed again by the same request: its value before the first change is kept
                }
            }
            if (first == null || runs == first.length) {
                grow();
            }
            first[runs] = o;
            last[runs] = o;
            states[runs] = s;
            counts[runs] = c;
            holders[runs] = h;
            lockEnds[runs] = l;
            reasons[runs] = r;
            stages[runs] = st;
            dirtyBits[runs] = d;
            runs++;
        }

        private boolean contains(long o) {
            for (int k = 0; k < runs; k++) {
                if (o >= first[k] && o <= last[k]) {
                    return true;
                }
            }
            return false;
        }

        private void grow() {
            int n = first == null ? 4 : first.length * 2;
            first = first == null ? new long[n] : Arrays.copyOf(first, n);
            last = last == null ? new long[n] : Arrays.copyOf(last, n);
            states = states == null ? new RecordState[n] : Arrays.copyOf(states, n);
            counts = counts == null ? new int[n] : Arrays.copyOf(counts, n);
            holders = holders == null ? new String[n] : Arrays.copyOf(holders, n);
            lockEnds = lockEnds == null ? new long[n] : Arrays.copyOf(lockEnds, n);
            reasons = reasons == null ? new ArchiveReason[n] : Arrays.copyOf(reasons, n);
            stages = stages == null ? new Stage[n] : Arrays.copyOf(stages, n);
            dirtyBits = dirtyBits == null ? new boolean[n] : Arrays.copyOf(dirtyBits, n);
        }

        private long lowest() {
            long lo = Long.MAX_VALUE;
            for (int k = 0; k < runs; k++) {
                lo = Math.min(lo, first[k]);
            }
            return lo;
        }
    }

    /**
     * Starts remembering the changes made by the request being applied (or returns the record already being kept),
     * until {@link #stopUndo}. Caller holds the group's lock and stops it before releasing the lock.
     */
    Undo recordUndo() {
        if (undo == null) {
            undo = new Undo(spso, spsoDirty);
        }
        return undo;
    }

    /** Stops remembering changes (see {@link #recordUndo}). */
    void stopUndo() {
        undo = null;
    }

    /** Remembers the values of {@code offset} (slot {@code i}) before a change, when a request is being recorded. */
    private void remember(long offset, int i) {
        if (undo != null) {
            // A lock end means something only while Acquired; dropped otherwise so that runs stay long.
            undo.add(offset, state[i], count[i], holder[i], state[i] == RecordState.ACQUIRED ? lockEnd[i] : 0,
                    reason[i], stage[i], (dirty[i >>> 6] & (1L << i)) != 0);
        }
    }

    /**
     * Undoes the changes {@code u} remembered, because their share state log write failed: each offset gets back its
     * state, delivery count, holder, lock end, reason, staging and change bit, and SPSO moves back to the lowest
     * such offset if it had passed it. Offsets below the log start are not brought back (their data is gone).
     *
     * <p>Undos must run in the reverse order of the requests (the share state store writes in order and fails every
     * write after a failed one, so every later request is undone first): changes made in between by others that are
     * not undone (lock expiries, a member's removal) are then overwritten with values they would re-derive. Offsets
     * between the restored SPSO and the SPSO before the undo that were not remembered were finished when SPSO passed
     * them (they get an Archived placeholder, never delivered and never written, as they are not marked changed).
     */
    void undo(Undo u) {
        if (u.isEmpty()) {
            return;
        }
        long lowest = Math.max(u.lowest(), logStartFloor);
        if (lowest < spso) {
            ensureCapacity(lowest, speo);
            for (long o = lowest; o < spso; o++) {
                int i = slot(o);
                state[i] = RecordState.ARCHIVED; // a placeholder; its slot was reset when SPSO passed it
                available[i >>> 6] &= ~(1L << i);
            }
            spso = lowest;
        }
        for (int k = 0; k < u.runs; k++) {
            long from = Math.max(u.first[k], spso);
            long to = Math.min(u.last[k], speo - 1);
            for (long o = from; o <= to; o++) {
                int i = slot(o);
                if (state[i] == RecordState.ARCHIVING) {
                    toCopy.remove(o);
                }
                setState(i, u.states[k]);
                count[i] = u.counts[k];
                holder[i] = u.holders[k];
                lockEnd[i] = u.lockEnds[k];
                reason[i] = u.reasons[k];
                stage[i] = u.stages[k];
                if (u.states[k] == RecordState.ACQUIRED) {
                    minLockEnd = Math.min(minLockEnd, u.lockEnds[k]);
                }
                if (u.dirtyBits[k]) {
                    markDirty(o);
                } else {
                    dirty[i >>> 6] &= ~(1L << i);
                }
            }
        }
        advance(); // past placeholders when the log start clamped the restored SPSO
        // Back where the request found it: changed (not yet written) only if it was then; elsewhere, to be written.
        spsoDirty = spso != u.spsoBefore || u.spsoDirtyBefore;
    }

    // ------------------------------------------------------------------------------------------- persistence

    /**
     * The changes since the last call, as a share state log delta of runs (consecutive offsets with equal stored
     * state, count and reason); null if nothing changed. Offsets below SPSO are covered by the delta's SPSO.
     */
    ShareStateStore.Delta drainChanges(String group) {
        if (dirtyLo > dirtyHi && !spsoDirty) {
            return null;
        }
        RunBuilder runs = new RunBuilder();
        long end = Math.min(dirtyHi + 1, speo);
        for (long o = Math.max(dirtyLo, spso); o < end; ) {
            int i = slot(o);
            long word = dirty[i >>> 6] & (-1L << i);
            if (word == 0) {
                o = (o | 63) + 1;
                continue;
            }
            int bit = Long.numberOfTrailingZeros(word);
            long d = o + (bit - (i & 63));
            if (d >= end) {
                break;
            }
            // The run of dirty offsets from d within this word, cleared at once and emitted in a tight loop.
            long runEnd = Math.min(end, d + Long.numberOfTrailingZeros(~(word >>> bit)));
            int n = (int) (runEnd - d);
            dirty[i >>> 6] &= ~((n == 64 ? -1L : (1L << n) - 1) << bit);
            for (long x = d; x < runEnd; x++) {
                int j = slot(x);
                if (!(state[j] == RecordState.STAGED && stage[j].durable())) { // its STAGE record holds it
                    runs.add(x, stored(state[j]), count[j], reason[j]);
                }
            }
            o = runEnd;
        }
        dirtyLo = Long.MAX_VALUE;
        dirtyHi = Long.MIN_VALUE;
        spsoDirty = false;
        return new ShareStateStore.Delta(group, topic, partition, spso, runs.entries());
    }

    /** Every stored entry (as runs), for a compacted snapshot. */
    ShareStateStore.Delta snapshot(String group) {
        RunBuilder runs = new RunBuilder();
        for (long o = spso; o < speo; o++) {
            int i = slot(o);
            if ((state[i] != RecordState.AVAILABLE || count[i] > 0)
                    && !(state[i] == RecordState.STAGED && stage[i].durable())) {
                runs.add(o, stored(state[i]), count[i], reason[i]);
            }
        }
        return new ShareStateStore.Delta(group, topic, partition, spso, runs.entries());
    }

    /**
     * The stored state of {@code s}. A Staged record whose staging is not durable is stored as the Acquired record
     * it was: a restart aborts its transaction and handles it as an Acquired one (B.13.11).
     */
    private static RecordState stored(RecordState s) {
        return s == RecordState.STAGED ? RecordState.ACQUIRED : s;
    }

    /** The durable Staged records by transaction, for a compacted snapshot. */
    Map<String, List<ShareStateStore.StagedEntry>> durableStaged() {
        Map<String, List<ShareStateStore.StagedEntry>> out = new TreeMap<>();
        for (long o = spso; o < speo; o++) {
            int i = slot(o);
            if (state[i] == RecordState.STAGED && stage[i].durable()) {
                out.computeIfAbsent(stage[i].transactionalId(), t -> new ArrayList<>())
                        .add(new ShareStateStore.StagedEntry(o, count[i], stage[i].type()));
            }
        }
        return out;
    }

    /** Merges ascending single offsets into runs of equal entries. Not thread-safe. */
    private static final class RunBuilder {
        private final List<ShareStateStore.Entry> out = new ArrayList<>();
        private long first = -1;
        private long last = -2;
        private RecordState s;
        private int c;
        private ArchiveReason r;

        void add(long offset, RecordState state, int count, ArchiveReason reason) {
            if (first >= 0 && offset == last + 1 && state == s && count == c && reason == r) {
                last = offset;
                return;
            }
            flush();
            first = offset;
            last = offset;
            s = state;
            c = count;
            r = reason;
        }

        private void flush() {
            if (first >= 0) {
                out.add(new ShareStateStore.Entry(first, last - first + 1, s, c, r));
            }
        }

        List<ShareStateStore.Entry> entries() {
            flush();
            first = -1;
            return List.copyOf(out);
        }
    }

    /** Maximal ascending ranges built from ascending additions. Not thread-safe. */
    private static final class RangeList {
        private final List<OffsetRange> list = new ArrayList<>();
        private long first = -1;
        private long last = -2;

        void add(long f, long l) {
            if (first >= 0 && f == last + 1) {
                last = l;
                return;
            }
            flush();
            first = f;
            last = l;
        }

        void addForced(long f, long l) {
            if (first >= 0 && f <= last + 1) {
                last = Math.max(last, l);
                return;
            }
            add(f, l);
        }

        long size() {
            return list.size() + (first >= 0 ? 1 : 0);
        }

        private void flush() {
            if (first >= 0) {
                list.add(new OffsetRange(first, last));
            }
            first = -1;
            last = -2;
        }

        List<OffsetRange> ranges() {
            flush();
            return List.copyOf(list);
        }
    }
}
