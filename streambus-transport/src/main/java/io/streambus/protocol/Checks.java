package io.streambus.protocol;

import java.util.List;
import java.util.Objects;

/** Argument checks for body constructors: the values must be encodable. */
public final class Checks {
    private static final byte[] EMPTY = new byte[0];

    private Checks() {
    }

    public static int partition(int p) {
        if (p < 0) {
            throw new IllegalArgumentException("partition must be >= 0: " + p);
        }
        return p;
    }

    public static int nonNegative(String name, int v) {
        if (v < 0) {
            throw new IllegalArgumentException(name + " must be >= 0: " + v);
        }
        return v;
    }

    static int u8(String name, int v) {
        if ((v & ~0xFF) != 0) {
            throw new IllegalArgumentException(name + " must fit in a u8: " + v);
        }
        return v;
    }

    public static int u16(String name, int v) {
        if ((v & ~0xFFFF) != 0) {
            throw new IllegalArgumentException(name + " must fit in a u16: " + v);
        }
        return v;
    }

    public static long u32(String name, long v) {
        if ((v & ~0xFFFFFFFFL) != 0) {
            throw new IllegalArgumentException(name + " must fit in a u32: " + v);
        }
        return v;
    }

    /** The protocol has no null string: null becomes "". */
    public static String str(String s) {
        return s == null ? "" : s;
    }

    public static byte[] bytes(byte[] b) {
        return b == null ? EMPTY : b;
    }

    public static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : List.copyOf(l);
    }

    public static <T> T notNull(String name, T t) {
        return Objects.requireNonNull(t, name);
    }
}
