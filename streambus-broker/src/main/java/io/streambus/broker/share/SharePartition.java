package io.streambus.broker.share;

import io.streambus.protocol.share.AcknowledgeType;
import io.streambus.protocol.share.Acknowledgement;
import io.streambus.protocol.share.OffsetRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The state of one share group on one partition (spec B.13.1): SPSO, SPEO and, for the offsets of the in-flight
 * window that are not Available with delivery count 0, a state, a delivery count, (while Acquired) the holder and
 * its lock end, and (while Staged, B.13.15) the transaction holding it. An offset of [SPSO, SPEO) without an entry is Available with count 0 (after a restart, B.13.11).
 *
 * <p>Acknowledgement ranges are applied arithmetically (B.13.8): the part below SPSO is ignored, the part at or above
 * SPEO is one unapplied range, and only offsets inside the window are visited, so the work per request is bounded by
 * the window whatever the ranges say.
 *
 * <p>Not thread-safe: guarded by the lock of its {@link ShareGroup}.
 */
final class SharePartition {
    /** One examined offset. Mutable; guarded like its partition. */
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


    final String topic;
    final int partition;
    private long spso;
    private long speo;
    private final TreeMap<Long, Rec> window = new TreeMap<>();
    /** Offsets whose entry changed since the last {@link #drainChanges}. */
    private final TreeSet<Long> dirty = new TreeSet<>();
    /** Offsets that became Archiving and still need their dead-letter copy. */
    private final TreeSet<Long> toCopy = new TreeSet<>();
    private boolean spsoDirty;
    /** The in-flight limit condition was logged and has not cleared since (B.13.9). */
    boolean limitLogged;

    SharePartition(String topic, int partition, long start) {
        this.topic = topic;
        this.partition = partition;
        this.spso = start;
        this.speo = start;
        this.spsoDirty = true;
    }

    long spso() {
        return spso;
    }

    long speo() {
        return speo;
    }

    /** The entry at {@code offset}, or null (Available, count 0, or outside the window). */
    Rec get(long offset) {
        return window.get(offset);
    }

    /** Number of entries held in memory (for tests). */
    int entries() {
        return window.size();
    }

    // ------------------------------------------------------------------------------------------- restore

    /** Restores a stored entry (share state log replay). */
    void restore(long offset, RecordState state, int count, ArchiveReason reason) {
        if (offset < spso) {
            return;
        }
        if (state == RecordState.AVAILABLE && count == 0) {
            window.remove(offset);
        } else {
            Rec r = new Rec();
            r.state = state;
            r.count = count;
            r.reason = reason;
            window.put(offset, r);
        }
        speo = Math.max(speo, offset + 1);
    }

    /** Restores a record Staged by a Prepared or committing transaction (share state log replay). */
    void restoreStaged(long offset, int count, String transactionalId, AcknowledgeType type) {
        if (offset < spso) {
            return;
        }
        Rec r = new Rec();
        r.state = RecordState.STAGED;
        r.count = count;
        r.stage = new Stage(transactionalId, type, true);
        window.put(offset, r);
        speo = Math.max(speo, offset + 1);
    }

    /** Moves SPSO to {@code newSpso} during replay, forgetting what lies below it. */
    void restoreSpso(long newSpso) {
        if (newSpso > spso) {
            window.headMap(newSpso).clear();
            spso = newSpso;
            speo = Math.max(speo, spso);
        }
    }

    /**
     * After a restart (B.13.11): Acquired records are handled as on lock expiry with reason BROKER_RESTART, and
     * Archiving ones are queued for their copy again.
     */
    void afterRestart(ShareGroupSettings settings) {
        for (Map.Entry<Long, Rec> e : window.entrySet()) {
            Rec r = e.getValue();
            if (r.state == RecordState.ACQUIRED) {
                endDelivery(e.getKey(), r, ArchiveReason.BROKER_RESTART, settings);
            } else if (r.state == RecordState.ARCHIVING) {
                toCopy.add(e.getKey());
            }
        }
        advance();
    }

    // ------------------------------------------------------------------------------------------- transitions

    /** Ends a delivery that was not ACCEPT or REJECT: Available, or archived at the delivery limit (B.13.10). */
    private void endDelivery(long offset, Rec r, ArchiveReason reason, ShareGroupSettings settings) {
        r.holder = null;
        r.stage = null;
        r.reason = reason;
        if (r.count >= settings.maxDeliveryAttempts()) {
            archive(offset, r, reason, settings);
        } else {
            r.state = r.state.moveTo(RecordState.AVAILABLE);
            dirty.add(offset);
        }
    }

    /** Archiving (with a copy to the dead-letter topic) or Archived at once (B.13.10). */
    private void archive(long offset, Rec r, ArchiveReason reason, ShareGroupSettings settings) {
        r.holder = null;
        r.stage = null;
        r.reason = reason;
        String dlq = settings.deadLetterTopic();
        if (!dlq.isEmpty() && !dlq.equals(topic)) {
            r.state = r.state.moveTo(RecordState.ARCHIVING);
            toCopy.add(offset);
        } else {
            r.state = r.state.moveTo(RecordState.ARCHIVED);
        }
        dirty.add(offset);
    }

    private Rec entry(long offset) {
        return window.computeIfAbsent(offset, o -> new Rec());
    }

    /** Archives the Available record at {@code offset} without delivering it (LIMIT_CHANGED, TOO_LARGE). */
    void archiveUndelivered(long offset, ArchiveReason reason, ShareGroupSettings settings) {
        archive(offset, entry(offset), reason, settings);
    }

    /** The offset holds no deliverable record (a gap): Archived at once, never delivered, counted or copied. */
    void archiveGap(long offset) {
        Rec r = entry(offset);
        r.state = r.state.moveTo(RecordState.ARCHIVED);
        dirty.add(offset);
    }

    /** Acquires the Available record at {@code offset} for {@code member}; returns its new delivery count. */
    int acquire(long offset, String member, long lockEnd) {
        Rec r = entry(offset);
        r.state = r.state.moveTo(RecordState.ACQUIRED);
        r.count++;
        r.holder = member;
        r.lockEnd = lockEnd;
        dirty.add(offset);
        return r.count;
    }

    /** Undoes {@link #acquire} when its delivery count could not be made durable (no delivery happened). */
    void unacquire(long offset) {
        Rec r = window.get(offset);
        if (r != null && r.state == RecordState.ACQUIRED) {
            r.state = r.state.moveTo(RecordState.AVAILABLE);
            r.count--;
            r.holder = null;
        }
    }

    /** Extends SPEO by one offset (acquisition examines it). */
    void extend() {
        speo++;
    }

    /** The copy of the Archiving record at {@code offset} is durable: Archived. */
    void copied(long offset) {
        Rec r = window.get(offset);
        if (r != null && r.state == RecordState.ARCHIVING) {
            r.state = r.state.moveTo(RecordState.ARCHIVED);
            dirty.add(offset);
        }
    }

    /** Archiving offsets whose copy has not been started; the set is emptied. */
    List<Long> takeCopies() {
        List<Long> out = new ArrayList<>(toCopy);
        toCopy.clear();
        return out;
    }

    /**
     * Ends every lock that has passed at {@code now} (reason LOCK_TIMEOUT), and the locks of {@code gone} when it
     * is not null (MEMBER_GONE). Returns true if anything changed.
     */
    boolean expire(long now, String gone, ShareGroupSettings settings) {
        boolean changed = false;
        for (Map.Entry<Long, Rec> e : window.entrySet()) {
            Rec r = e.getValue();
            if (r.state != RecordState.ACQUIRED) {
                continue;
            }
            if (gone != null && gone.equals(r.holder)) {
                endDelivery(e.getKey(), r, ArchiveReason.MEMBER_GONE, settings);
                changed = true;
            } else if (r.lockEnd <= now) {
                endDelivery(e.getKey(), r, ArchiveReason.LOCK_TIMEOUT, settings);
                changed = true;
            }
        }
        return changed;
    }

    /**
     * Moves SPSO past terminal records (forgetting them) and up to {@code logStart} if the log's start passed it.
     */
    void advance(long logStart) {
        if (logStart > spso) {
            window.headMap(logStart).clear();
            dirty.headSet(logStart).clear();
            toCopy.headSet(logStart).clear();
            spso = logStart;
            speo = Math.max(speo, spso);
            spsoDirty = true;
        }
        advance();
    }

    private void advance() {
        while (spso < speo) {
            Rec r = window.get(spso);
            if (r == null || !r.state.isTerminal()) {
                break;
            }
            window.remove(spso);
            dirty.remove(spso);
            spso++;
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
        return visit(acks, maxRanges, (o, r, type) -> {
            if (r.state == RecordState.STAGED || !member.equals(r.holder) || r.lockEnd <= now) {
                return false; // a Staged record belongs to its transaction (B.13.15)
            }
            apply(o, r, type, now, settings);
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
        return visit(acks, maxRanges, (o, r, type) -> {
            if (r.state == RecordState.STAGED) {
                if (!transactionalId.equals(r.stage.transactionalId())) {
                    return false;
                }
                r.state = r.state.moveTo(RecordState.STAGED);
                r.stage = new Stage(transactionalId, type, false); // the durable copy, if any, is rewritten
                return true;
            }
            if (!member.equals(r.holder) || r.lockEnd <= now) {
                return false;
            }
            r.state = r.state.moveTo(RecordState.STAGED);
            r.holder = null;
            r.stage = new Stage(transactionalId, type, false);
            return true;
        });
    }

    /** Decides one offset of an acknowledgement inside the window; false if it is unapplied. */
    @FunctionalInterface
    private interface OffsetAction {
        boolean apply(long offset, Rec r, AcknowledgeType type);
    }

    /**
     * Visits acknowledgements arithmetically (B.13.8): offsets below SPSO and finished records are skipped, an
     * Available one or one {@code action} refuses is unapplied, the part at or above SPEO is one unapplied range.
     * At most {@code maxRanges} unapplied ranges are produced: once they are used up, the remaining
     * acknowledgements are not visited and are reported as one range, so the reply stays within a frame.
     */
    private AckOutcome visit(List<Acknowledgement> acks, long maxRanges, OffsetAction action) {
        List<Acknowledgement> sorted = new ArrayList<>(acks);
        sorted.sort(Comparator.comparingLong(Acknowledgement::firstOffset));
        RangeList unapplied = new RangeList();
        for (int i = 0; i < sorted.size(); i++) {
            Acknowledgement a = sorted.get(i);
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
                Rec r = window.get(o);
                if (r == null || r.state == RecordState.AVAILABLE) {
                    unapplied.add(o, o);
                } else if (!r.state.isTerminal() && r.state != RecordState.ARCHIVING
                        && !action.apply(o, r, a.type())) {
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
        for (Rec r : window.values()) {
            if (r.state == RecordState.STAGED) {
                return true;
            }
        }
        return false;
    }

    /** The transactions holding Staged records of this share-partition. */
    java.util.Set<String> stagingTransactions() {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (Rec r : window.values()) {
            if (r.state == RecordState.STAGED) {
                out.add(r.stage.transactionalId());
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
        for (Map.Entry<Long, Rec> e : window.entrySet()) {
            Rec r = e.getValue();
            if (r.state == RecordState.STAGED && r.stage.transactionalId().equals(transactionalId)) {
                r.stage = new Stage(transactionalId, r.stage.type(), true);
                out.add(new ShareStateStore.StagedEntry(e.getKey(), r.count, r.stage.type()));
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
        for (Map.Entry<Long, Rec> e : window.entrySet()) {
            Rec r = e.getValue();
            if (r.state != RecordState.STAGED || !r.stage.transactionalId().equals(transactionalId)) {
                continue;
            }
            AcknowledgeType type = r.stage.type();
            r.stage = null;
            if (commit) {
                apply(e.getKey(), r, type, 0, settings);
            } else {
                endDelivery(e.getKey(), r, abortReason, settings);
            }
            changed = true;
        }
        advance();
        return changed;
    }

    private void apply(long offset, Rec r, AcknowledgeType type, long now, ShareGroupSettings settings) {
        switch (type) {
            case ACCEPT -> {
                r.state = r.state.moveTo(RecordState.ACKNOWLEDGED);
                r.holder = null;
                r.stage = null;
                dirty.add(offset);
            }
            case REJECT -> archive(offset, r, ArchiveReason.REJECT, settings);
            case RELEASE -> endDelivery(offset, r, ArchiveReason.RELEASE, settings);
            case RENEW -> r.lockEnd = now + settings.acquisitionLockMs();
            case RETURN -> {
                r.state = r.state.moveTo(RecordState.AVAILABLE);
                r.holder = null;
                r.count--;
                dirty.add(offset);
            }
        }
    }

    // ------------------------------------------------------------------------------------------- persistence

    /** The changes since the last call, as a share state log delta; null if nothing changed. */
    ShareStateStore.Delta drainChanges(String group) {
        if (dirty.isEmpty() && !spsoDirty) {
            return null;
        }
        List<ShareStateStore.Entry> entries = new ArrayList<>(dirty.size());
        for (long o : dirty) {
            if (o < spso) {
                continue;
            }
            Rec r = window.get(o);
            if (r != null && r.state == RecordState.STAGED && r.stage.durable()) {
                continue; // its STAGE record holds it until the transaction completes
            }
            entries.add(r == null ? new ShareStateStore.Entry(o, RecordState.AVAILABLE, 0, ArchiveReason.REJECT)
                    : stored(o, r));
        }
        dirty.clear();
        spsoDirty = false;
        return new ShareStateStore.Delta(group, topic, partition, spso, List.copyOf(entries));
    }

    /** Every stored entry, for a compacted snapshot. */
    ShareStateStore.Delta snapshot(String group) {
        List<ShareStateStore.Entry> entries = new ArrayList<>(window.size());
        window.forEach((o, r) -> {
            if ((r.state != RecordState.AVAILABLE || r.count > 0)
                    && !(r.state == RecordState.STAGED && r.stage.durable())) {
                entries.add(stored(o, r));
            }
        });
        return new ShareStateStore.Delta(group, topic, partition, spso, List.copyOf(entries));
    }

    /**
     * The share state log entry of {@code r}. A Staged record whose staging is not durable is stored as the
     * Acquired record it was: a restart aborts its transaction and handles it as an Acquired one (B.13.11).
     */
    private static ShareStateStore.Entry stored(long offset, Rec r) {
        RecordState state = r.state == RecordState.STAGED ? RecordState.ACQUIRED : r.state;
        return new ShareStateStore.Entry(offset, state, r.count, r.reason);
    }

    /** The durable Staged records by transaction, for a compacted snapshot. */
    Map<String, List<ShareStateStore.StagedEntry>> durableStaged() {
        Map<String, List<ShareStateStore.StagedEntry>> out = new TreeMap<>();
        window.forEach((o, r) -> {
            if (r.state == RecordState.STAGED && r.stage.durable()) {
                out.computeIfAbsent(r.stage.transactionalId(), t -> new ArrayList<>())
                        .add(new ShareStateStore.StagedEntry(o, r.count, r.stage.type()));
            }
        });
        return out;
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
