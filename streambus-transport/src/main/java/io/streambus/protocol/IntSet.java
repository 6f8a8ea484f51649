package io.streambus.protocol;

import java.util.Arrays;

/**
 * A set of ints without boxing (open addressing, linear probing), for duplicate checks in decoders:
 * a request listing many partitions costs one int slot per partition, not an {@code Integer} and a hash-map node.
 * Not thread-safe; one per decode.
 */
final class IntSet {
    /** Marks a free slot; the value itself is tracked by {@link #hasFreeMarker}. */
    private static final int FREE = Integer.MIN_VALUE;
    private int[] slots;
    private int size;
    private boolean hasFreeMarker;

    /** @param expected number of elements expected (the table is sized for it; it grows if needed) */
    IntSet(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
        slots = new int[cap];
        Arrays.fill(slots, FREE);
    }

    /** Adds {@code v}; false if it was already present. */
    boolean add(int v) {
        if (v == FREE) {
            boolean added = !hasFreeMarker;
            hasFreeMarker = true;
            return added;
        }
        if ((size + 1) * 2 > slots.length) {
            grow();
        }
        int mask = slots.length - 1;
        for (int i = mix(v) & mask; ; i = (i + 1) & mask) {
            int s = slots[i];
            if (s == FREE) {
                slots[i] = v;
                size++;
                return true;
            }
            if (s == v) {
                return false;
            }
        }
    }

    private void grow() {
        int[] old = slots;
        slots = new int[old.length * 2];
        Arrays.fill(slots, FREE);
        size = 0;
        for (int v : old) {
            if (v != FREE) {
                add(v);
            }
        }
    }

    private static int mix(int v) {
        int h = v * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
