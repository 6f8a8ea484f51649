/**
 * Request and response bodies of share groups (spec B.13): ShareGroupHeartbeat (0x15), ShareFetch (0x16),
 * ShareAcknowledge (0x17, with the transactional acknowledgements of B.13.15) and ShareGroupConfigure (0x18), with
 * their per-partition entries, acknowledgement ranges and acquired records. Decoders keep acknowledgement and
 * unapplied ranges as ranges, never one object per offset, and check every count against the bytes left.
 * Used by the client and the broker only, through {@link io.streambus.protocol.RequestCodec} and
 * {@link io.streambus.protocol.ResponseCodec}; all records are immutable and thread-safe ({@link ShareRecords}
 * holds a buffer reference that its owner releases).
 */
package io.streambus.protocol.share;
