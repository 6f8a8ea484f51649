package io.streambus.broker.log;

/**
 * Where a partition's data is known to be on disk and sound: the batches of the segment starting at
 * {@code segmentBase} up to byte {@code position} (a batch boundary), which ends at offset {@code offset}. Recovery
 * after an unclean stop scans only what follows. Immutable.
 *
 * @param segmentBase base offset of the segment the point lies in
 * @param position byte position in that segment, at a batch boundary
 * @param offset the offset of the first message after the point
 */
record RecoveryPoint(long segmentBase, long position, long offset) {
    RecoveryPoint {
        if (segmentBase < 0 || position < 0 || offset < segmentBase) {
            throw new IllegalArgumentException("bad recovery point: base " + segmentBase + ", position " + position
                    + ", offset " + offset);
        }
    }
}
