package io.streambus.client.internal.share;

import io.streambus.client.share.ShareRecord;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.share.AcknowledgeType;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Record hand-off: the records this member holds (per partition, by offset), the prefetch buffer not yet handed to
 * the application, and the records of the latest poll (implicit mode accepts them on the next poll, B.13.12).
 * A prefetched record whose lock has ended is never handed out (B.13.8). Not thread-safe: guarded by the
 * consumer's lock.
 */
final class HeldRecords {
    /**
     * Records held per partition, by offset. Primitive-keyed hash maps: nothing here needs offset order
     * (acknowledgement ranges are sorted when they are built, {@link Acknowledger#rangesOf}); a tree cost a third of
     * the consumer's share bookkeeping, and a boxed key and entry per record most of the rest. A partition's map
     * stays while it is assigned, even empty: a consumer that settles all it holds between fetches would otherwise
     * grow a new one per fetch.
     */
    private final Map<TopicPartition, OffsetMap> held = new HashMap<>();
    private final ArrayDeque<InFlightRecord> buffer = new ArrayDeque<>();
    private final List<InFlightRecord> lastPolled = new ArrayList<>();
    /**
     * Records acknowledged locally and not taken for sending yet (a subset of {@link #held}, so bounded like it), so
     * that taking them costs what was acknowledged, not what is held: a consumer polling one record at a time with a
     * full prefetch buffer took every held record's state per poll otherwise. Each at most once (its
     * {@link InFlightRecord#queued} flag), in acknowledgement order; entries that left ACKNOWLEDGED meanwhile (lost)
     * are dropped when met.
     */
    private final ArrayList<InFlightRecord> toSend = new ArrayList<>();
    /** The partition map {@link #find} used last. */
    private OffsetMap lastFound;

    /** Records buffered, not yet handed out. */
    int buffered() {
        return buffer.size();
    }

    /**
     * Adds freshly acquired records of {@code tp} to the buffer, their locks from {@code lockStartNanos} to
     * {@code lockEndNanos}; an earlier hold of the same offset has ended (lock expired).
     */
    void acquired(TopicPartition tp, List<? extends ShareRecord<?, ?>> records, long lockStartNanos,
                  long lockEndNanos) {
        OffsetMap m = held.get(tp);
        if (m == null) {
            m = new OffsetMap(tp);
            held.put(tp, m);
        }
        for (ShareRecord<?, ?> r : records) {
            InFlightRecord f = new InFlightRecord(tp, m, r, lockStartNanos, lockEndNanos);
            InFlightRecord old = m.put(f.offset, f);
            if (old != null && !old.finished()) {
                buffer.remove(old);
                lastPolled.remove(old);
                old.move(RecordState.LOST);
            }
            buffer.add(f);
        }
    }

    /** Hands out buffered records whose lock has not ended at {@code now}, at most {@code max}. */
    @SuppressWarnings("unchecked")
    <K, V> List<ShareRecord<K, V>> take(int max, long now) {
        List<ShareRecord<K, V>> out = new ArrayList<>(Math.min(max, buffer.size()));
        while (!buffer.isEmpty() && out.size() < max) {
            InFlightRecord f = buffer.poll();
            if (now >= f.lockEndNanos) {
                // B.13.8: never hand out a record after its lock end; the broker delivers it again.
                f.move(RecordState.LOST);
                forget(f);
                continue;
            }
            f.move(RecordState.DELIVERED);
            lastPolled.add(f);
            out.add((ShareRecord<K, V>) f.record);
        }
        return out;
    }

    /**
     * The start of a poll: the previous poll's records still DELIVERED are accepted (implicit mode), or refused
     * (explicit mode: the application must acknowledge each).
     *
     * @throws IllegalStateException in explicit mode when one is not acknowledged
     */
    void settlePreviousPoll(boolean explicit) {
        for (InFlightRecord f : lastPolled) {
            if (f.state == RecordState.DELIVERED) {
                if (explicit) {
                    throw new IllegalStateException("explicit acknowledgement mode: record " + f.tp + "@"
                            + f.offset + " of the previous poll is not acknowledged");
                }
                acknowledge(f, AcknowledgeType.ACCEPT);
            }
        }
        lastPolled.clear();
    }

    /** Implicit mode: the records of the latest poll are accepted (commit). */
    void implicitAccept(boolean explicit) {
        if (!explicit) {
            settlePreviousPoll(false);
        }
    }

    /**
     * B.13.12 rule 6 (close, unsubscribe): records the application holds unacknowledged are RELEASEd, those it never
     * saw are RETURNed.
     */
    void settleForClose() {
        for (OffsetMap m : held.values()) {
            for (InFlightRecord f : m.values()) {
                if (f.state == RecordState.DELIVERED) {
                    acknowledge(f, AcknowledgeType.RELEASE);
                }
            }
        }
        for (InFlightRecord f : buffer) {
            acknowledge(f, AcknowledgeType.RETURN);
        }
        buffer.clear();
        lastPolled.clear();
    }

    /**
     * Acknowledges held record {@code f} locally with {@code type} (again, if it is ACKNOWLEDGED and not sent yet);
     * {@link #takeAcknowledged} sends it.
     *
     * @throws IllegalStateException if its state does not allow it
     */
    void acknowledge(InFlightRecord f, AcknowledgeType type) {
        f.acknowledge(type);
        queue(f);
    }

    private void queue(InFlightRecord f) {
        if (!f.queued) {
            f.queued = true;
            toSend.add(f);
        }
    }

    /** A record whose transactional staging failed goes back to ACKNOWLEDGED with RELEASE, to be sent. */
    void releaseUnstaged(InFlightRecord f) {
        f.move(RecordState.ACKNOWLEDGED);
        f.ackType = AcknowledgeType.RELEASE;
        queue(f);
    }

    /** Every record acknowledged locally and not sent yet, per partition (of {@code only}, or all), moved to SENDING. */
    Map<TopicPartition, List<InFlightRecord>> takeAcknowledged(Set<TopicPartition> only) {
        Map<TopicPartition, List<InFlightRecord>> out = new LinkedHashMap<>();
        int kept = 0;
        TopicPartition lastTp = null;
        List<InFlightRecord> last = null;
        TopicPartition onlyTp = null;
        boolean onlyIn = false;
        for (int i = 0, n = toSend.size(); i < n; i++) {
            InFlightRecord f = toSend.get(i);
            if (f.state != RecordState.ACKNOWLEDGED || !isHeld(f)) {
                f.queued = false; // lost meanwhile: nothing to send
                continue;
            }
            if (f.tp != onlyTp) { // runs of one partition: one set look-up per run
                onlyTp = f.tp;
                onlyIn = only == null || only.contains(f.tp);
            }
            if (!onlyIn) {
                toSend.set(kept++, f);
                continue;
            }
            f.queued = false;
            f.move(RecordState.SENDING);
            if (f.tp != lastTp) { // records come in runs of one partition: one map look-up per run
                lastTp = f.tp;
                last = out.computeIfAbsent(f.tp, k -> new ArrayList<>());
            }
            last.add(f);
        }
        toSend.subList(kept, toSend.size()).clear();
        return out;
    }

    /** Its partition's map is the one in {@link #held} until dropped: no partition look-up per record. */
    private static boolean isHeld(InFlightRecord f) {
        return !f.home.dropped && f.home.get(f.offset) == f;
    }

    /** The records the application holds (DELIVERED), for lock renewal. */
    List<InFlightRecord> delivered() {
        List<InFlightRecord> out = new ArrayList<>();
        for (OffsetMap m : held.values()) {
            for (InFlightRecord f : m.values()) {
                if (f.state == RecordState.DELIVERED) {
                    out.add(f);
                }
            }
        }
        return out;
    }

    /** The partitions with held records. */
    Set<TopicPartition> partitions() {
        return Set.copyOf(held.keySet());
    }

    /** The tracked state of {@code record}, or null if it is no longer held (lost meanwhile). */
    InFlightRecord find(ShareRecord<?, ?> record) {
        OffsetMap m = lastFound;
        if (m == null || m.dropped || m.partition() != record.partition() || !m.topic().equals(record.topic())) {
            // Acknowledged records mostly come in runs of one partition: one partition look-up per run.
            m = held.get(record.topicPartition());
            if (m == null) {
                return null;
            }
            lastFound = m;
        }
        InFlightRecord f = m.get(record.offset());
        return f != null && f.record == record ? f : null;
    }

    /** Stops tracking {@code f} (its outcome is known). */
    void forget(InFlightRecord f) {
        if (isHeld(f)) {
            f.home.remove(f.offset);
        }
    }

    /** Every record of {@code tp} is lost, except those being sent (their sending reports the outcome). */
    void dropPartition(TopicPartition tp) {
        OffsetMap m = held.remove(tp);
        if (m == null) {
            return;
        }
        m.dropped = true;
        for (InFlightRecord f : m.values()) {
            if (f.state == RecordState.SENDING) {
                continue;
            }
            if (!f.finished()) {
                f.move(RecordState.LOST);
            }
            buffer.remove(f);
            lastPolled.remove(f);
        }
    }

    /** Drops the partitions not in {@code assignment}. */
    void retainAssigned(Set<TopicPartition> assignment) {
        for (TopicPartition tp : partitions()) {
            if (!assignment.contains(tp)) {
                dropPartition(tp);
            }
        }
    }

    /** Drops every partition (member lost). */
    void dropAll() {
        for (TopicPartition tp : partitions()) {
            dropPartition(tp);
        }
    }

    /** At close: everything still tracked is lost. */
    void clear() {
        for (OffsetMap m : held.values()) {
            m.dropped = true;
            for (InFlightRecord f : m.values()) {
                f.state = f.state == RecordState.DONE ? f.state : RecordState.LOST;
            }
        }
        held.clear();
        buffer.clear();
        lastPolled.clear();
        toSend.clear();
    }
}
