package io.streambus.protocol.share;

import io.streambus.protocol.Checks;
import io.streambus.protocol.PayloadReader;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One acknowledgement of a ShareFetch or ShareAcknowledge (spec B.13.5): a range of offsets and one type for all
 * of them. Kept as a range; nothing expands it into offsets. Immutable and thread-safe.
 *
 * @param firstOffset first offset (&ge; 0)
 * @param lastOffset  last offset, inclusive (&ge; first offset)
 * @param type        what to do with every record of the range
 */
public record Acknowledgement(long firstOffset, long lastOffset, AcknowledgeType type) {
    /** Bytes of one acknowledgement on the wire. */
    public static final int SIZE = 17;

    public Acknowledgement {
        Checks.notNull("type", type);
        if (firstOffset < 0 || lastOffset < firstOffset) {
            throw new IllegalArgumentException("invalid acknowledgement range " + firstOffset + "-" + lastOffset);
        }
    }

    /** Number of offsets in the range. */
    public long size() {
        return lastOffset - firstOffset + 1;
    }

    void write(ByteBuf out) {
        out.writeLong(firstOffset).writeLong(lastOffset).writeByte(type.code());
    }

    static void writeAll(ByteBuf out, List<Acknowledgement> acks) {
        out.writeInt(acks.size());
        for (Acknowledgement a : acks) {
            a.write(out);
        }
    }

    /**
     * The acknowledgements array of one partition (B.13.5): the count is checked against the bytes left, each
     * range must be valid and of a known type ({@code stageableOnly}: ACCEPT, RELEASE or REJECT, B.13.15), and no
     * two ranges may overlap; any failure is malformed (code 2).
     */
    static List<Acknowledgement> readAll(PayloadReader r, boolean stageableOnly) {
        int n = r.count("acknowledgement count", SIZE);
        List<Acknowledgement> acks = new ArrayList<>(n);
        int[] at = new int[n];
        for (int i = 0; i < n; i++) {
            at[i] = r.pos;
            long first = r.i64("acknowledgement first offset");
            long last = r.i64("acknowledgement last offset");
            int typeAt = r.pos;
            int code = r.u8("acknowledgement type");
            if (first < 0) {
                throw r.error("acknowledgement first offset", at[i], "first offset " + first + " is negative");
            }
            if (last < first) {
                throw r.error("acknowledgement last offset", at[i] + 8,
                        "last offset " + last + " is below first offset " + first);
            }
            AcknowledgeType type = AcknowledgeType.forCode(code);
            if (type == null || (stageableOnly && !type.isStageable())) {
                throw r.error("acknowledgement type", typeAt, "acknowledgement type " + code + " is not "
                        + (stageableOnly ? "1 to 3 (a transactional acknowledgement)" : "1 to 5"));
            }
            acks.add(new Acknowledgement(first, last, type));
        }
        int overlap = firstOverlap(acks);
        if (overlap >= 0) {
            throw r.error("acknowledgement first offset", at[overlap], "range " + acks.get(overlap).firstOffset()
                    + "-" + acks.get(overlap).lastOffset() + " overlaps another range of the partition");
        }
        return acks;
    }

    /** Index of a range that overlaps another of the list, or -1 (sorts a copy of the indexes: n log n). */
    static int firstOverlap(List<Acknowledgement> acks) {
        if (acks.size() < 2) {
            return -1;
        }
        Integer[] order = new Integer[acks.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingLong(i -> acks.get(i).firstOffset()));
        for (int k = 1; k < order.length; k++) {
            if (acks.get(order[k]).firstOffset() <= acks.get(order[k - 1]).lastOffset()) {
                return order[k];
            }
        }
        return -1;
    }

    /** Constructor check shared by the partition entries: valid, non-overlapping ranges. */
    static List<Acknowledgement> checked(List<Acknowledgement> acks, boolean stageableOnly) {
        List<Acknowledgement> copy = Checks.list(acks);
        if (firstOverlap(copy) >= 0) {
            throw new IllegalArgumentException("overlapping acknowledgement ranges: " + copy);
        }
        if (stageableOnly) {
            for (Acknowledgement a : copy) {
                if (!a.type().isStageable()) {
                    throw new IllegalArgumentException("a transactional acknowledgement must be ACCEPT, RELEASE or "
                            + "REJECT: " + a);
                }
            }
        }
        return copy;
    }
}
