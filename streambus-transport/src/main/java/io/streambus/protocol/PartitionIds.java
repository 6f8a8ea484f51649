package io.streambus.protocol;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * An immutable list of partition ids stored as an {@code int[]}: what the decoder makes of the bare partitions of a
 * {@code TopicPartitions} field (OffsetFetch, AddPartitionsToTxn, ...), so that a request listing many partitions
 * costs four bytes per partition rather than an {@code Integer} each. It is a {@code List<Integer>} for callers that
 * want one (boxing then happens on {@link #get}); {@link #getInt} and {@link #intAt} read without boxing.
 * Thread-safe (immutable).
 */
public final class PartitionIds extends AbstractList<Integer> implements RandomAccess {
    private static final PartitionIds EMPTY = new PartitionIds(new int[0]);

    private final int[] ids;

    private PartitionIds(int[] ids) {
        this.ids = ids;
    }

    /** A list of {@code ids} (copied). */
    public static PartitionIds of(int... ids) {
        return ids.length == 0 ? EMPTY : new PartitionIds(ids.clone());
    }

    /** Takes {@code ids} without copying; the caller gives up the array. */
    static PartitionIds wrap(int[] ids) {
        return ids.length == 0 ? EMPTY : new PartitionIds(ids);
    }

    /**
     * Element {@code i} of {@code list} as an int: without boxing when the list is a {@code PartitionIds}.
     *
     * @throws NullPointerException if another list holds null there
     */
    public static int intAt(List<Integer> list, int i) {
        return list instanceof PartitionIds p ? p.ids[i] : list.get(i);
    }

    /** The partition id at {@code i}. */
    public int getInt(int i) {
        return ids[i];
    }

    /** A copy of the ids. */
    public int[] toIntArray() {
        return ids.clone();
    }

    @Override
    public Integer get(int i) {
        return ids[i];
    }

    @Override
    public int size() {
        return ids.length;
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof PartitionIds p) {
            return Arrays.equals(ids, p.ids);
        }
        return super.equals(o);
    }

    @Override
    public int hashCode() {
        return super.hashCode(); // as List.hashCode, so that equal lists of other types hash alike
    }
}
