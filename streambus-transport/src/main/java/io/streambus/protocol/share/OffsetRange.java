package io.streambus.protocol.share;

import io.streambus.protocol.PayloadReader;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * A range of offsets, both ends inclusive: an unapplied acknowledgement range of a ShareFetch or ShareAcknowledge
 * reply (spec B.13.5, B.13.8). Immutable and thread-safe.
 *
 * @param firstOffset first offset
 * @param lastOffset  last offset, inclusive
 */
public record OffsetRange(long firstOffset, long lastOffset) {
    /** Bytes of one range on the wire. */
    public static final int SIZE = 16;

    static void writeAll(ByteBuf out, List<OffsetRange> ranges) {
        out.writeInt(ranges.size());
        for (OffsetRange o : ranges) {
            out.writeLong(o.firstOffset).writeLong(o.lastOffset);
        }
    }

    static List<OffsetRange> readAll(PayloadReader r) {
        int n = r.count("unapplied acknowledgement count", SIZE);
        List<OffsetRange> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(new OffsetRange(r.i64("unapplied first offset"), r.i64("unapplied last offset")));
        }
        return list;
    }
}
