package io.streambus.broker.group;

import io.streambus.protocol.PartitionIds;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The per-topic partition checks of B.2 (ids ≥ 0, none twice) without boxing: ids are copied into an {@code int[]},
 * sorted and compared with their neighbours, so a request listing many partitions costs four bytes per id rather
 * than an {@code Integer} and a hash-set node each (issue 16 item 3). Stateless; thread-safe.
 */
final class PartitionChecks {
    private PartitionChecks() {
    }

    /** True if every id of {@code ids} (no nulls) is ≥ 0 and none appears twice. */
    static boolean validIds(List<Integer> ids) {
        int n = ids.size();
        int[] copy = new int[n];
        for (int i = 0; i < n; i++) {
            if (!(ids instanceof PartitionIds) && ids.get(i) == null) {
                return false;
            }
            copy[i] = PartitionIds.intAt(ids, i);
        }
        return distinctNonNegative(copy);
    }

    /** True if no entry is null and the ids {@code partition} gives are ≥ 0 and distinct. */
    static <P> boolean validEntries(List<P> entries, ToIntFunction<P> partition) {
        int n = entries.size();
        int[] copy = new int[n];
        for (int i = 0; i < n; i++) {
            P p = entries.get(i);
            if (p == null) {
                return false;
            }
            copy[i] = partition.applyAsInt(p);
        }
        return distinctNonNegative(copy);
    }

    private static boolean distinctNonNegative(int[] ids) {
        Arrays.sort(ids);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || (i > 0 && ids[i] == ids[i - 1])) {
                return false;
            }
        }
        return true;
    }
}
