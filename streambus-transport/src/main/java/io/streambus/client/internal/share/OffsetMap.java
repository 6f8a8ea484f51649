package io.streambus.client.internal.share;

import io.streambus.common.TopicPartition;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The records held of one partition, by offset: open addressing with linear probing over a mixed hash, so that no
 * key is boxed and no entry allocated per record. The offsets held are mostly a run of consecutive ones, which a
 * plain {@code offset & mask} index (Netty's LongObjectHashMap) turns into one long cluster that every removal walks;
 * the mix spreads them. Removal shifts the cluster back (no tombstones). Not thread-safe: guarded by the consumer's
 * lock.
 */
final class OffsetMap {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final TopicPartition tp;
    /** Set once the partition is dropped from {@link HeldRecords}: its records are no longer held. */
    boolean dropped;
    private long[] keys = new long[16];
    private InFlightRecord[] values = new InFlightRecord[16];
    private int size;

    OffsetMap(TopicPartition tp) {
        this.tp = tp;
    }

    String topic() {
        return tp.topic();
    }

    int partition() {
        return tp.partition();
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    private int slot(long key, int mask) {
        long h = key * GOLDEN;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    /** The record at {@code offset}, or null. */
    InFlightRecord get(long offset) {
        int mask = keys.length - 1;
        for (int i = slot(offset, mask); ; i = (i + 1) & mask) {
            InFlightRecord v = values[i];
            if (v == null) {
                return null;
            }
            if (keys[i] == offset) {
                return v;
            }
        }
    }

    /** Puts {@code f} at {@code offset} ({@code f} not null); returns the record it replaced, or null. */
    InFlightRecord put(long offset, InFlightRecord f) {
        int mask = keys.length - 1;
        for (int i = slot(offset, mask); ; i = (i + 1) & mask) {
            InFlightRecord v = values[i];
            if (v == null) {
                keys[i] = offset;
                values[i] = f;
                if (++size * 2 > keys.length) { // load at most a half: short probes
                    grow();
                }
                return null;
            }
            if (keys[i] == offset) {
                values[i] = f;
                return v;
            }
        }
    }

    /** Removes the record at {@code offset}; returns it, or null. */
    InFlightRecord remove(long offset) {
        int mask = keys.length - 1;
        int i = slot(offset, mask);
        while (true) {
            InFlightRecord v = values[i];
            if (v == null) {
                return null;
            }
            if (keys[i] == offset) {
                break;
            }
            i = (i + 1) & mask;
        }
        InFlightRecord removed = values[i];
        // Backward shift: moves later entries of the cluster into the gap when their home slot allows it.
        int gap = i;
        for (int j = (gap + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            int home = slot(keys[j], mask);
            if (((j - home) & mask) >= ((j - gap) & mask)) {
                keys[gap] = keys[j];
                values[gap] = values[j];
                gap = j;
            }
        }
        values[gap] = null;
        size--;
        return removed;
    }

    /** Visits every record (in no particular order); {@code action} must not change this map. */
    void forEach(Consumer<InFlightRecord> action) {
        for (InFlightRecord v : values) {
            if (v != null) {
                action.accept(v);
            }
        }
    }

    /** Every record, a copy (in no particular order). */
    List<InFlightRecord> values() {
        List<InFlightRecord> out = new ArrayList<>(size);
        forEach(out::add);
        return out;
    }

    private void grow() {
        long[] oldKeys = keys;
        InFlightRecord[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new InFlightRecord[oldValues.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != null) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }
}
